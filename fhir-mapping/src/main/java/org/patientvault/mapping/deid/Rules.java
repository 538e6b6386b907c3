package org.patientvault.mapping.deid;

import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;

/** A profile's rules compiled for matching: path patterns split once; candidates per element path are cached by the caller. */
final class Rules {
    private final List<DeidProfile.Rule> rules;
    private final List<String[][]> patterns = new ArrayList<>();

    Rules(List<DeidProfile.Rule> rules) {
        this.rules = rules;
        for (DeidProfile.Rule r : rules) {
            String[][] ps = new String[r.paths().size()][];
            for (int i = 0; i < ps.length; i++) {
                ps[i] = r.paths().get(i).split("\\.");
            }
            patterns.add(ps);
        }
    }

    /** Rules whose path and type fit an element at {@code path} of FHIR type {@code type}, in profile order. */
    Match candidates(String path, String type) {
        String[] segs = path.split("\\.");
        List<DeidProfile.Rule> out = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            DeidProfile.Rule r = rules.get(i);
            if (!r.types().isEmpty() && !r.types().contains(type)) {
                continue;
            }
            if (!r.paths().isEmpty() && !anyMatches(patterns.get(i), segs)) {
                continue;
            }
            out.add(r);
        }
        return new Match(out.toArray(DeidProfile.Rule[]::new));
    }

    private static boolean anyMatches(String[][] patterns, String[] segs) {
        for (String[] p : patterns) {
            if (matches(p, segs)) {
                return true;
            }
        }
        return false;
    }

    static boolean matches(String[] p, String[] segs) {
        if (p[0].equals("*")) {
            int n = p.length - 1;
            if (segs.length - 1 < n) {
                return false;
            }
            for (int k = 0; k < n; k++) {
                if (!p[p.length - 1 - k].equals(segs[segs.length - 1 - k])) {
                    return false;
                }
            }
            return true;
        }
        if (p.length != segs.length) {
            return false;
        }
        if (!p[0].equals("Resource") && !p[0].equals(segs[0])) {
            return false;
        }
        for (int k = 1; k < p.length; k++) {
            if (!p[k].equals(segs[k])) {
                return false;
            }
        }
        return true;
    }

    /** The candidate rules of one element path; conditions (url, system, values) are checked per element. */
    record Match(DeidProfile.Rule[] rules) {
        DeidProfile.Rule first(IBase v) {
            for (DeidProfile.Rule r : rules) {
                if (conditionsHold(r, v)) {
                    return r;
                }
            }
            return null;
        }

        private static boolean conditionsHold(DeidProfile.Rule r, IBase v) {
            if (r.url() != null && !(v instanceof Extension e && r.url().equals(e.getUrl()))) {
                return false;
            }
            if (r.system() != null && !(v instanceof Identifier id && r.system().equals(id.getSystem()))) {
                return false;
            }
            if (r.values() != null && !(v instanceof IPrimitiveType<?> p && p.getValueAsString() != null
                    && r.values().contains(p.getValueAsString()))) {
                return false;
            }
            return true;
        }
    }
}
