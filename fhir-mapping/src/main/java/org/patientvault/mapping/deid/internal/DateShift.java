package org.patientvault.mapping.deid.internal;

import java.time.DateTimeException;
import java.time.LocalDate;

/**
 * Shifts dates by whole days inside their textual form, keeping precision, time of day and zone, so intervals between
 * two shifted values of one patient are exactly preserved. FHIR forms ({@code YYYY}, {@code YYYY-MM},
 * {@code YYYY-MM-DD[Thh:mm:ss[.f][zone]]}) and DICOM forms (DA {@code YYYYMMDD}, DT {@code YYYYMMDD...}, ranges with
 * {@code -}, multiple values with backslash). A year-only value is kept as is (a shift of at most a few months cannot be
 * expressed at year precision without inventing precision); a month value is shifted as the first of the month.
 * Unparseable text returns {@code null} so the caller can remove it rather than ship it unshifted.
 */
public final class DateShift {
    private DateShift() {
    }

    /** A FHIR date, dateTime or instant shifted by {@code days}; null when it cannot be parsed. */
    public static String fhir(String value, int days) {
        if (value == null) {
            return null;
        }
        try {
            int len = value.length();
            if (len == 4) {
                Integer.parseInt(value);
                return value;
            }
            if (len == 7 && value.charAt(4) == '-') {
                LocalDate d = LocalDate.of(Integer.parseInt(value.substring(0, 4)), Integer.parseInt(value.substring(5, 7)), 1)
                        .plusDays(days);
                return value(d).substring(0, 7);
            }
            if (len >= 10 && value.charAt(4) == '-' && value.charAt(7) == '-') {
                LocalDate d = LocalDate.of(digits(value, 0, 4), digits(value, 5, 7), digits(value, 8, 10)).plusDays(days);
                return value(d) + value.substring(10);
            }
        } catch (NumberFormatException | DateTimeException e) {
            return null;
        }
        return null;
    }

    /** yyyy-MM-dd without a Formatter (this runs for every date of every resource). */
    private static String value(LocalDate d) {
        int y = d.getYear();
        if (y < 1 || y > 9999) {
            throw new DateTimeException("year out of range");
        }
        char[] c = new char[10];
        put(c, 0, y, 4);
        c[4] = '-';
        put(c, 5, d.getMonthValue(), 2);
        c[7] = '-';
        put(c, 8, d.getDayOfMonth(), 2);
        return new String(c);
    }

    private static void put(char[] c, int at, int v, int width) {
        for (int i = width - 1; i >= 0; i--) {
            c[at + i] = (char) ('0' + v % 10);
            v /= 10;
        }
    }

    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char ch = s.charAt(i);
            if (ch < '0' || ch > '9') {
                throw new NumberFormatException("not a digit");
            }
            v = v * 10 + (ch - '0');
        }
        return v;
    }

    /**
     * A DICOM value shifted by {@code days}: DA values may be ranges {@code a-b}; DT values are shifted in their date
     * part (time and zone kept). Multiple values are separated by backslash. Null when a value is unparseable.
     */
    public static String dicom(String value, int days, boolean dateTime) {
        if (value == null) {
            return null;
        }
        String[] values = value.split("\\\\", -1);
        StringBuilder out = new StringBuilder(value.length());
        for (int v = 0; v < values.length; v++) {
            if (v > 0) {
                out.append('\\');
            }
            String one = values[v].strip();
            if (one.isEmpty()) {
                continue;
            }
            String[] range = dateTime ? new String[] {one} : one.split("-", -1);
            for (int r = 0; r < range.length; r++) {
                if (r > 0) {
                    out.append('-');
                }
                if (range[r].isEmpty()) {
                    continue;
                }
                String shifted = dicomToken(range[r], days);
                if (shifted == null) {
                    return null;
                }
                out.append(shifted);
            }
        }
        return out.toString();
    }

    private static String dicomToken(String token, int days) {
        if (token.length() < 4) {
            return null;
        }
        for (int k = 0; k < Math.min(8, token.length()); k++) {
            if (!Character.isDigit(token.charAt(k))) {
                return null;
            }
        }
        if (token.length() == 4) {
            return token;
        }
        try {
            if (token.length() < 8) {
                if (token.length() != 6) {
                    return null;
                }
                LocalDate d = LocalDate.of(Integer.parseInt(token.substring(0, 4)), Integer.parseInt(token.substring(4, 6)), 1)
                        .plusDays(days);
                return value(d).substring(0, 7).replace("-", "");
            }
            LocalDate d = LocalDate.of(Integer.parseInt(token.substring(0, 4)), Integer.parseInt(token.substring(4, 6)),
                    Integer.parseInt(token.substring(6, 8))).plusDays(days);
            if (d.getYear() < 1 || d.getYear() > 9999) {
                return null;
            }
            return value(d).replace("-", "") + token.substring(8);
        } catch (NumberFormatException | DateTimeException e) {
            return null;
        }
    }
}
