package org.patientvault.mapping.checkup;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Quantity.QuantityComparator;
import org.patientvault.mapping.ResidentId;
import org.patientvault.mapping.ResidentIdException;
import org.patientvault.mapping.checkup.internal.CsvRecord;
import org.patientvault.mapping.checkup.internal.CsvSyntaxException;
import org.patientvault.mapping.checkup.internal.CsvTokenizer;
import org.patientvault.mapping.checkup.internal.Decoding;

/**
 * Parses and validates a checkup CSV (format: {@code docs/checkup-csv.md}) into {@link CheckupRow}s.
 * All-or-nothing: any structural or row-level problem throws {@link CheckupCsvException} listing every
 * problem found, so nothing partial is ever written.
 *
 * <p>Accepted charsets: {@code utf-8} and {@code gb18030} only (a UTF-8 byte-order mark is allowed and
 * skipped). Implausible but parseable data (a future date, an odd unit, an out-of-range value) is
 * accepted: judging it is data quality's job, and a patient's record is not ours to drop.
 *
 * <p>Thread-safe. Cost: linear in the input; holds the decoded text and rows in memory, bounded by the
 * size limit.
 */
public final class CheckupCsvParser {

    /** The columns, in the documented order. All must be present in the header; order is free. */
    public static final List<String> COLUMNS = List.of("resident_id", "mrn", "name", "birth_date", "gender", "phone",
            "date", "local_code", "local_name", "value", "unit", "ref_low", "ref_high");

    /** Row errors collected before giving up. */
    static final int MAX_ERRORS = 200;

    private static final List<DateTimeFormatter> DATES = List.of(
            fmt("uuuu-MM-dd"), fmt("uuuu/M/d"), fmt("uuuu-M-d"), fmt("uuuu.M.d"), fmt("uuuuMMdd"));
    private static final List<DateTimeFormatter> DATE_TIMES = List.of(
            fmt("uuuu-MM-dd HH:mm"), fmt("uuuu-MM-dd HH:mm:ss"), fmt("uuuu-MM-dd'T'HH:mm"),
            fmt("uuuu-MM-dd'T'HH:mm:ss"), fmt("uuuu/M/d H:mm"), fmt("uuuu/M/d H:mm:ss"));

    /**
     * "5.6mmol/L", "35 U/L", "6.1%": a quantity with its unit typed into the value cell. Dipstick grades
     * such as "1+" or "2+" do not match (no letter, %, / or × after the number).
     */
    private static final java.util.regex.Pattern NUMBER_WITH_UNIT =
            java.util.regex.Pattern.compile("[<>≤≥]?=?\\s*[+-]?(\\d+(\\.\\d*)?|\\.\\d+)\\s*[\\p{L}%/×*^µμ].*");

    private final long maxBytes;

    /**
     * @param maxBytes size limit of the raw upload in bytes (positive)
     */
    public CheckupCsvParser(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    private static DateTimeFormatter fmt(String p) {
        return DateTimeFormatter.ofPattern(p, Locale.ROOT).withResolverStyle(ResolverStyle.STRICT);
    }

    /**
     * The charset declared by a {@code Content-Type} header value, e.g. {@code text/csv; charset=gb18030}.
     *
     * @throws CheckupCsvException (ENCODING) if there is no charset parameter or it is not accepted
     */
    public static Charset charsetOf(String contentType) {
        String declared = null;
        if (contentType != null) {
            for (String part : contentType.split(";")) {
                String p = part.strip();
                if (p.regionMatches(true, 0, "charset=", 0, 8)) {
                    declared = p.substring(8).strip().replace("\"", "");
                }
            }
        }
        return resolve(declared);
    }

    private static Charset resolve(String declared) {
        if (declared == null || declared.isBlank()) {
            throw fileError(CheckupCsvException.Kind.ENCODING,
                    "no charset declared; send Content-Type: text/csv; charset=utf-8 (or charset=gb18030)");
        }
        String d = declared.strip().toLowerCase(Locale.ROOT);
        return switch (d) {
            case "utf-8", "utf8" -> StandardCharsets.UTF_8;
            case "gb18030" -> Charset.forName("GB18030");
            default -> throw fileError(CheckupCsvException.Kind.ENCODING, "charset '" + declared
                    + "' is not accepted; use utf-8 or gb18030 (GBK and GB2312 files are valid gb18030)");
        };
    }

    /**
     * Reads at most the size limit from {@code in} (plus one byte to detect overflow) and parses it.
     * Does not close the stream.
     */
    public List<CheckupRow> parse(InputStream in, String declaredCharset) {
        Charset cs = resolve(declaredCharset);
        byte[] bytes;
        try {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8L, maxBytes + 1));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CSV upload", e);
        }
        return parse(bytes, cs);
    }

    /** Parses a complete upload in the declared charset ("utf-8" or "gb18030"). */
    public List<CheckupRow> parse(byte[] bytes, String declaredCharset) {
        return parse(bytes, resolve(declaredCharset));
    }

    private List<CheckupRow> parse(byte[] bytes, Charset cs) {
        if (bytes.length > maxBytes) {
            throw fileError(CheckupCsvException.Kind.SIZE, "CSV is larger than the limit of " + maxBytes + " bytes");
        }
        String text = decode(bytes, cs);
        List<CsvRecord> records;
        try {
            records = CsvTokenizer.parse(text);
        } catch (CsvSyntaxException e) {
            throw new CheckupCsvException(CheckupCsvException.Kind.STRUCTURE,
                    List.of(new CheckupCsvError(e.line(), null, e.getMessage())));
        }
        records = records.stream().filter(r -> !r.isBlank()).toList();
        if (records.isEmpty()) {
            throw new CheckupCsvException(CheckupCsvException.Kind.STRUCTURE,
                    List.of(new CheckupCsvError(1, null, "empty file: a header row is required")));
        }
        Map<String, Integer> columns = header(records.get(0));
        if (records.size() == 1) {
            throw new CheckupCsvException(CheckupCsvException.Kind.STRUCTURE,
                    List.of(new CheckupCsvError(records.get(0).line(), null, "no data rows after the header")));
        }
        List<CheckupCsvError> errors = new ArrayList<>();
        List<CheckupRow> rows = new ArrayList<>();
        Map<String, ResidentId> ridByMrn = new HashMap<>();
        Map<String, Integer> rowOfMrn = new HashMap<>();
        int width = records.get(0).fields().size();
        for (CsvRecord r : records.subList(1, records.size())) {
            if (errors.size() >= MAX_ERRORS) {
                errors.add(new CheckupCsvError(r.line(), null, "too many errors; stopped checking here"));
                break;
            }
            if (r.fields().size() != width) {
                errors.add(new CheckupCsvError(r.line(), null,
                        "row has " + r.fields().size() + " fields but the header has " + width));
                continue;
            }
            CheckupRow row = row(r, columns, errors);
            if (row == null) {
                continue;
            }
            if (row.mrn() != null && row.residentId() != null) {
                ResidentId prev = ridByMrn.putIfAbsent(row.mrn(), row.residentId());
                if (prev != null && !prev.equals(row.residentId())) {
                    errors.add(new CheckupCsvError(r.line(), "mrn", "the same MRN appears on row "
                            + rowOfMrn.get(row.mrn()) + " with a different resident ID"));
                    continue;
                }
                rowOfMrn.putIfAbsent(row.mrn(), r.line());
            }
            rows.add(row);
        }
        if (!errors.isEmpty()) {
            throw new CheckupCsvException(CheckupCsvException.Kind.ROWS, errors);
        }
        return List.copyOf(rows);
    }

    private static String decode(byte[] bytes, Charset cs) {
        boolean utf8Bom = bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB
                && (bytes[2] & 0xFF) == 0xBF;
        if (cs.equals(StandardCharsets.UTF_8)) {
            try {
                return Decoding.strict(bytes, utf8Bom ? 3 : 0, cs);
            } catch (Decoding.InvalidBytesException e) {
                throw fileError(CheckupCsvException.Kind.ENCODING, e.getMessage()
                        + "; the file is declared utf-8 but is not (is it gb18030, or mixed?)");
            }
        }
        if (utf8Bom || Decoding.isNonAsciiUtf8(bytes)) {
            // Real GB18030 Chinese text is practically never valid UTF-8 as a whole file, whereas a
            // mislabelled UTF-8 file would otherwise decode "successfully" into garbage.
            throw fileError(CheckupCsvException.Kind.ENCODING,
                    "the file is declared gb18030 but its bytes are UTF-8; declare charset=utf-8");
        }
        try {
            return Decoding.strict(bytes, 0, cs);
        } catch (Decoding.InvalidBytesException e) {
            throw fileError(CheckupCsvException.Kind.ENCODING, e.getMessage()
                    + "; the file is declared gb18030 but is not (is it mixed with another encoding?)");
        }
    }

    private static Map<String, Integer> header(CsvRecord header) {
        Map<String, Integer> index = new LinkedHashMap<>();
        List<CheckupCsvError> errors = new ArrayList<>();
        for (int i = 0; i < header.fields().size(); i++) {
            String name = header.fields().get(i).strip().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (index.putIfAbsent(name, i) != null && COLUMNS.contains(name)) {
                errors.add(new CheckupCsvError(header.line(), name, "column appears more than once in the header"));
            }
        }
        for (String c : COLUMNS) {
            if (!index.containsKey(c)) {
                errors.add(new CheckupCsvError(header.line(), c, "required column is missing from the header"));
            }
        }
        if (!errors.isEmpty()) {
            throw new CheckupCsvException(CheckupCsvException.Kind.STRUCTURE, errors);
        }
        return index;
    }

    private static CheckupRow row(CsvRecord r, Map<String, Integer> col, List<CheckupCsvError> errors) {
        int line = r.line();
        int before = errors.size();
        String rid = cell(r, col, "resident_id");
        String mrn = cell(r, col, "mrn");
        String name = cell(r, col, "name");
        String birth = cell(r, col, "birth_date");
        String gender = cell(r, col, "gender");
        String phone = cell(r, col, "phone");
        String date = cell(r, col, "date");
        String code = cell(r, col, "local_code");
        String lname = cell(r, col, "local_name");
        String value = cell(r, col, "value");
        String unit = cell(r, col, "unit");
        String low = cell(r, col, "ref_low");
        String high = cell(r, col, "ref_high");

        ResidentId residentId = null;
        if (rid != null) {
            try {
                residentId = ResidentId.parse(rid);
            } catch (ResidentIdException e) {
                errors.add(new CheckupCsvError(line, "resident_id", e.getMessage()));
            }
        }
        LocalDate birthDate = null;
        if (birth != null) {
            birthDate = parseDate(birth);
            if (birthDate == null) {
                errors.add(new CheckupCsvError(line, "birth_date", "not a date; use YYYY-MM-DD"));
            }
        }
        AdministrativeGender g = null;
        if (gender != null) {
            g = gender(gender);
            if (g == null) {
                errors.add(new CheckupCsvError(line, "gender",
                        "unknown gender; use male/female/other/unknown, 男/女, M/F or 1/2"));
            }
        }
        if (rid == null && mrn == null && (name == null || birth == null || phone == null)) {
            errors.add(new CheckupCsvError(line, null, "row cannot identify a patient: give resident_id, or mrn, "
                    + "or all of name, birth_date and phone"));
        }
        LocalDate d = null;
        LocalTime t = null;
        if (date == null) {
            errors.add(new CheckupCsvError(line, "date", "date of the examination is required"));
        } else {
            LocalDateTime dt = parseDateTime(date);
            if (dt != null) {
                d = dt.toLocalDate();
                t = dt.toLocalTime();
            } else {
                d = parseDate(date);
                if (d == null) {
                    errors.add(new CheckupCsvError(line, "date", "not a date; use YYYY-MM-DD or YYYY-MM-DD HH:MM"));
                }
            }
        }
        if (code == null && lname == null) {
            errors.add(new CheckupCsvError(line, null, "row names no test: give local_code or local_name"));
        }
        BigDecimal numeric = null;
        QuantityComparator comparator = null;
        String text = null;
        if (value == null) {
            errors.add(new CheckupCsvError(line, "value", "value is required"));
        } else {
            String v = Normalizer.normalize(value, Normalizer.Form.NFKC).strip();
            comparator = comparator(v);
            String digits = comparator == null ? v : v.substring(comparatorLength(v)).strip();
            numeric = number(digits);
            if (numeric == null) {
                comparator = null;
                if (unit != null) {
                    errors.add(new CheckupCsvError(line, "value", "not a number, but a unit is given so a "
                            + "quantity is expected (leave unit empty for qualitative results such as 阴性 or +)"));
                } else if (NUMBER_WITH_UNIT.matcher(v).matches()) {
                    errors.add(new CheckupCsvError(line, "value", "a number followed by a unit; put the number in "
                            + "value and the unit in the unit column"));
                } else {
                    text = value;
                }
            }
        }
        BigDecimal refLow = refNumber(low, "ref_low", line, errors);
        BigDecimal refHigh = refNumber(high, "ref_high", line, errors);
        if (errors.size() > before) {
            return null;
        }
        return new CheckupRow(line, residentId, mrn, name, birthDate, g, phone, d, t, code, lname, numeric,
                comparator, text, unit, refLow, refHigh);
    }

    private static BigDecimal refNumber(String s, String column, int line, List<CheckupCsvError> errors) {
        if (s == null) {
            return null;
        }
        BigDecimal n = number(Normalizer.normalize(s, Normalizer.Form.NFKC).strip());
        if (n == null) {
            errors.add(new CheckupCsvError(line, column, "reference limit is not a number"));
        }
        return n;
    }

    private static String cell(CsvRecord r, Map<String, Integer> col, String name) {
        String v = r.fields().get(col.get(name)).strip();
        return v.isEmpty() ? null : v;
    }

    static LocalDate parseDate(String s) {
        for (DateTimeFormatter f : DATES) {
            try {
                return LocalDate.parse(s, f);
            } catch (DateTimeParseException e) {
                // try the next accepted format
            }
        }
        return null;
    }

    private static LocalDateTime parseDateTime(String s) {
        for (DateTimeFormatter f : DATE_TIMES) {
            try {
                return LocalDateTime.parse(s, f);
            } catch (DateTimeParseException e) {
                // try the next accepted format
            }
        }
        return null;
    }

    private static AdministrativeGender gender(String s) {
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "male", "m", "男", "1" -> AdministrativeGender.MALE;
            case "female", "f", "女", "2" -> AdministrativeGender.FEMALE;
            case "other", "其他" -> AdministrativeGender.OTHER;
            case "unknown", "u", "未知", "0", "9" -> AdministrativeGender.UNKNOWN;
            default -> null;
        };
    }

    private static QuantityComparator comparator(String v) {
        if (v.startsWith("<=") || v.startsWith("≤")) {
            return QuantityComparator.LESS_OR_EQUAL;
        }
        if (v.startsWith(">=") || v.startsWith("≥")) {
            return QuantityComparator.GREATER_OR_EQUAL;
        }
        if (v.startsWith("<")) {
            return QuantityComparator.LESS_THAN;
        }
        if (v.startsWith(">")) {
            return QuantityComparator.GREATER_THAN;
        }
        return null;
    }

    private static int comparatorLength(String v) {
        return v.startsWith("<=") || v.startsWith(">=") ? 2 : 1;
    }

    private static BigDecimal number(String s) {
        if (s.isEmpty() || !s.matches("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)")) {
            return null;
        }
        return new BigDecimal(s.startsWith("+") ? s.substring(1) : s);
    }

    private static CheckupCsvException fileError(CheckupCsvException.Kind kind, String message) {
        return new CheckupCsvException(kind, List.of(new CheckupCsvError(0, null, message)));
    }
}
