package org.patientvault.mapping.dicom.internal;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Maps Specific Character Set (0008,0005) defined terms to Java charsets. */
public final class CharsetSupport {
    private CharsetSupport() {
    }

    /** Thrown when a dataset names a character set we do not decode. */
    public static final class UnsupportedCharsetException extends IllegalArgumentException {
        public UnsupportedCharsetException(String term) {
            super("unsupported Specific Character Set '" + term + "'");
        }
    }

    /**
     * Resolves the (possibly multi-valued) defined term. Code extension (ISO 2022) is supported only for the single-byte
     * Latin-1 case; other ISO 2022 sets are rejected rather than mis-decoded.
     */
    public static Charset resolve(String[] values) {
        String first = values.length == 0 ? "" : values[0].trim().toUpperCase(Locale.ROOT);
        if (values.length > 1) {
            for (int i = 1; i < values.length; i++) {
                String v = values[i].trim().toUpperCase(Locale.ROOT);
                if (!v.isEmpty() && !v.equals("ISO 2022 IR 100") && !v.equals("ISO 2022 IR 6")) {
                    throw new UnsupportedCharsetException(String.join("\\", values));
                }
            }
            return StandardCharsets.ISO_8859_1;
        }
        return switch (first) {
            // ISO_IR 6 is ASCII; Latin-1 decodes it identically and never fails on stray high bytes.
            case "", "ISO_IR 6", "ISO 2022 IR 6", "ISO_IR 100", "ISO 2022 IR 100" -> StandardCharsets.ISO_8859_1;
            case "ISO_IR 192" -> StandardCharsets.UTF_8;
            case "GB18030" -> Charset.forName("GB18030");
            case "GBK" -> Charset.forName("GBK");
            case "ISO_IR 101" -> Charset.forName("ISO-8859-2");
            case "ISO_IR 144" -> Charset.forName("ISO-8859-5");
            case "ISO_IR 127" -> Charset.forName("ISO-8859-6");
            case "ISO_IR 126" -> Charset.forName("ISO-8859-7");
            case "ISO_IR 138" -> Charset.forName("ISO-8859-8");
            case "ISO_IR 148" -> Charset.forName("ISO-8859-9");
            case "ISO_IR 13" -> Charset.forName("JIS_X0201");
            case "ISO_IR 166" -> Charset.forName("TIS-620");
            default -> throw new UnsupportedCharsetException(String.join("\\", values));
        };
    }
}
