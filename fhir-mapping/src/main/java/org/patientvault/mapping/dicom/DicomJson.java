package org.patientvault.mapping.dicom;

import java.math.BigDecimal;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * DICOM JSON model (PS3.18 Annex F.2) for WADO-RS {@code /metadata} responses.
 *
 * <p>Keys are 8 upper-case hex digits in ascending order. PN values become objects with Alphabetic / Ideographic /
 * Phonetic groups; IS and DS become JSON numbers (a value that is no valid number stays a string); AT becomes
 * {@code "ggggeeee"}; sequences nest; empty values have no {@code Value}. Pixel Data (and Float Pixel Data) is written as
 * a {@code BulkDataURI} from the caller's function (the app knows its WADO-RS URL); other binary values are
 * {@code InlineBinary} base64. Cost: linear in the dataset; pixel data is never copied.
 */
public final class DicomJson {
    private static final Base64.Encoder B64 = Base64.getEncoder();

    private DicomJson() {
    }

    /** One dataset as a JSON object; {@code bulkDataUri} maps a bulk tag to its URI (may return a placeholder). */
    public static String toJson(DicomDataset ds, Function<Integer, String> bulkDataUri) {
        StringBuilder sb = new StringBuilder(4096);
        writeDataset(sb, ds, bulkDataUri);
        return sb.toString();
    }

    /** A dataset with a placeholder {@code BulkDataURI} of {@code bulkdata/<tag>} for pixel data. */
    public static String toJson(DicomDataset ds) {
        return toJson(ds, tag -> "bulkdata/" + String.format("%08X", tag));
    }

    /** The WADO-RS metadata response body: a JSON array of instance objects. */
    public static String toJsonArray(List<DicomDataset> instances, Function<DicomDataset, Function<Integer, String>> bulk) {
        StringBuilder sb = new StringBuilder();
        sb.append('[');
        for (int i = 0; i < instances.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            writeDataset(sb, instances.get(i), bulk.apply(instances.get(i)));
        }
        return sb.append(']').toString();
    }

    private static void writeDataset(StringBuilder sb, DicomDataset ds, Function<Integer, String> bulk) {
        sb.append('{');
        boolean first = true;
        for (DicomElement e : ds.elements()) {
            if ((e.tag() & 0xFFFF) == 0) {
                continue; // group lengths are not part of the JSON model
            }
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append('"').append(String.format("%08X", e.tag())).append("\":{\"vr\":\"").append(e.vr()).append('"');
            writeValue(sb, ds, e, bulk);
            sb.append('}');
        }
        sb.append('}');
    }

    private static void writeValue(StringBuilder sb, DicomDataset ds, DicomElement e, Function<Integer, String> bulk) {
        int tag = e.tag();
        DicomVr vr = e.vr();
        if (e.isSequence()) {
            if (e.items().isEmpty()) {
                return;
            }
            sb.append(",\"Value\":[");
            for (int i = 0; i < e.items().size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                writeDataset(sb, e.items().get(i), bulk);
            }
            sb.append(']');
            return;
        }
        if (tag == DicomTags.PixelData || tag == DicomTags.FloatPixelData || e.isEncapsulated()
                || e.isBulkDataReference()) {
            sb.append(",\"BulkDataURI\":");
            string(sb, bulk.apply(tag));
            return;
        }
        byte[] bytes = e.bytes();
        if (bytes.length == 0) {
            return;
        }
        if (!vr.isText() && (vr.longLength() || vr == DicomVr.UN)) {
            sb.append(",\"InlineBinary\":\"").append(B64.encodeToString(bytes)).append('"');
            return;
        }
        List<String> values = ds.getStrings(tag);
        if (values.isEmpty()) {
            return;
        }
        sb.append(",\"Value\":[");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            String v = values.get(i);
            if (v.isEmpty()) {
                sb.append("null");
            } else if (vr == DicomVr.PN) {
                personName(sb, v);
            } else if (vr == DicomVr.IS || vr == DicomVr.DS) {
                number(sb, v);
            } else if (vr.width() > 0 && vr != DicomVr.AT) {
                if (v.equals("NaN") || v.contains("Infinity")) {
                    string(sb, v);
                } else {
                    sb.append(v);
                }
            } else {
                string(sb, v);
            }
        }
        sb.append(']');
    }

    private static void number(StringBuilder sb, String v) {
        try {
            sb.append(new BigDecimal(v.startsWith("+") ? v.substring(1) : v));
        } catch (NumberFormatException e) {
            string(sb, v);
        }
    }

    private static void personName(StringBuilder sb, String v) {
        String[] groups = v.split("=", -1);
        String[] names = {"Alphabetic", "Ideographic", "Phonetic"};
        sb.append('{');
        boolean first = true;
        for (int g = 0; g < Math.min(3, groups.length); g++) {
            String value = groups[g].replaceAll("\\^+$", "");
            if (value.isEmpty()) {
                continue;
            }
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append('"').append(names[g]).append("\":");
            string(sb, value);
        }
        sb.append('}');
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
