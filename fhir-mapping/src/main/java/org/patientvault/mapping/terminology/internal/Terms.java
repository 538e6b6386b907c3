package org.patientvault.mapping.terminology.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Helpers shared by the terminology classes: term normalisation and classpath TSV reading. */
public final class Terms {

    private Terms() {
    }

    /**
     * Normalises a local code or name for system-agnostic matching: NFKC (full-width letters and
     * brackets become ASCII), whitespace removed, upper-cased. "谷丙转氨酶 ", "ＡＬＴ" and "alt" thus
     * compare equal to their canonical forms.
     */
    public static String key(String term) {
        if (term == null) {
            return null;
        }
        String s = Normalizer.normalize(term, Normalizer.Form.NFKC);
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().filter(cp -> !Character.isWhitespace(cp) && !Character.isSpaceChar(cp)).forEach(b::appendCodePoint);
        String k = b.toString().toUpperCase(Locale.ROOT);
        return k.isEmpty() ? null : k;
    }

    /**
     * Normalises a unit spelling without NFKC (which would turn "10⁹" into "109"): micro and Greek mu
     * become "u", full-width slash becomes "/", whitespace is removed.
     */
    public static String unitKey(String unit) {
        if (unit == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(unit.length());
        unit.codePoints().forEach(cp -> {
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                return;
            }
            switch (cp) {
                case 0x00B5, 0x03BC -> b.append('u');
                case 0xFF0F -> b.append('/');
                case 0xFF05 -> b.append('%');
                default -> b.appendCodePoint(cp);
            }
        });
        return b.length() == 0 ? null : b.toString();
    }

    /** Non-comment, non-blank lines of a UTF-8 classpath resource, split on tabs. */
    public static List<String[]> readTsv(String resource) {
        InputStream in = Terms.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("classpath resource missing: " + resource);
        }
        List<String[]> rows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                rows.add(line.split("\t"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
        return rows;
    }

    /** Lines of a UTF-8 classpath resource, without comments and blanks. */
    public static List<String> readLines(String resource) {
        return readTsv(resource).stream().map(a -> String.join("\t", a).strip()).toList();
    }
}
