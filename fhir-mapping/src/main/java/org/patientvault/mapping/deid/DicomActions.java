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
 * Lookup is one probe of an open-addressing {@code int} table of the listed tags (called once per element of every
 * instance: no boxing, no {@code Integer.hashCode}/{@code equals} chain), then the few repeating-group masks.
 */
final class DicomActions {
    /** PS3.15 action codes. */
    enum Action { D, Z, X, K, C, U }

    private record Masked(int value, int mask, Action action) {
    }

    private final Map<Integer, Action> exact = new HashMap<>();
    private final List<Masked> masked = new ArrayList<>();
    private final Map<Integer, String> keywords = new HashMap<>();
    /** {@link #exact} as an open-addressing table (load under 1/4): tag in the high half, action ordinal + 1 low, 0 = empty. */
    private long[] table;
    private static final Action[] ACTIONS = Action.values();
    private int[] maskValues;
    private int[] masks;
    private Action[] maskActions;

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
        int size = Integer.highestOneBit(Math.max(16, a.exact.size() * 4) - 1) << 1;
        a.table = new long[size];
        a.exact.forEach((tag, action) -> {
            int slot = a.slot(tag);
            while (a.table[slot] != 0) {
                slot = (slot + 1) & (size - 1);
            }
            a.table[slot] = (long) tag << 32 | action.ordinal() + 1;
        });
        a.maskValues = a.masked.stream().mapToInt(Masked::value).toArray();
        a.masks = a.masked.stream().mapToInt(Masked::mask).toArray();
        a.maskActions = a.masked.stream().map(Masked::action).toArray(Action[]::new);
        return a;
    }

    private int slot(int tag) {
        return (tag * 0x9E3779B9 >>> 16 ^ tag) & (table.length - 1);
    }

    /** The action for an element; {@code K} for UI means "replace unless DICOM-defined" is decided by the caller. */
    Action actionFor(int tag, DicomVr vr) {
        // open addressing over a power-of-two table: one probe for nearly every element, no boxing
        for (int slot = slot(tag); ; slot = (slot + 1) & (table.length - 1)) {
            long e = table[slot];
            if (e == 0) {
                break;
            }
            if ((int) (e >>> 32) == tag) {
                return ACTIONS[(int) e - 1];
            }
        }
        for (int m = 0; m < masks.length; m++) {
            if ((tag & masks[m]) == maskValues[m]) {
                return maskActions[m];
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
