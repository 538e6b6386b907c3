package org.patientvault.mapping.deid;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.patientvault.mapping.dicom.DicomVr;

/**
 * The Annex E action table ({@code deid/dicom-basic-profile.tsv}) plus the defaults for unlisted elements. Immutable.
 */
final class DicomActions {
    /** PS3.15 action codes. */
    enum Action { D, Z, X, K, C, U }

    private record Masked(int value, int mask, Action action) {
    }

    private final Map<Integer, Action> exact = new HashMap<>();
    private final List<Masked> masked = new ArrayList<>();
    private final Map<Integer, String> keywords = new HashMap<>();

    private static final DicomActions BASIC = load();

    static DicomActions basic() {
        return BASIC;
    }

    private static DicomActions load() {
        DicomActions a = new DicomActions();
        try (InputStream in = DicomActions.class.getResourceAsStream("/deid/dicom-basic-profile.tsv")) {
            if (in == null) {
                throw new IllegalStateException("deid/dicom-basic-profile.tsv is missing from the classpath");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                String t = f[0].replace("(", "").replace(")", "").replace(",", "");
                Action action = Action.valueOf(f[2].strip());
                if (t.indexOf('x') >= 0) {
                    int value = 0;
                    int mask = 0;
                    for (int i = 0; i < 8; i++) {
                        char c = t.charAt(i);
                        value <<= 4;
                        mask <<= 4;
                        if (c != 'x') {
                            value |= Character.digit(c, 16);
                            mask |= 0xF;
                        }
                    }
                    a.masked.add(new Masked(value, mask, action));
                } else {
                    int tag = (int) Long.parseLong(t, 16);
                    a.exact.put(tag, action);
                    a.keywords.put(tag, f[1]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return a;
    }

    /** The action for an element; {@code K} for UI means "replace unless DICOM-defined" is decided by the caller. */
    Action actionFor(int tag, DicomVr vr) {
        Action a = exact.get(tag);
        if (a != null) {
            return a;
        }
        for (Masked m : masked) {
            if ((tag & m.mask) == m.value) {
                return m.action;
            }
        }
        if (((tag >>> 16) & 1) == 1) {
            return Action.X;
        }
        return switch (vr) {
            case UN, PN -> Action.X;
            case UI -> Action.U;
            case DA, DT -> Action.C;
            default -> Action.K;
        };
    }

    /** Listed tags and their keywords (for documentation tests). */
    Map<Integer, String> listed() {
        return Map.copyOf(keywords);
    }
}
