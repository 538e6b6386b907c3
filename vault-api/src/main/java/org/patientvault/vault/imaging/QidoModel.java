package org.patientvault.vault.imaging;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.patientvault.mapping.dicom.DicomDataset;

/**
 * The attributes QIDO-RS knows (PS3.18 §10.6, Table 10.6.1-5), where each lives (study, series, instance), how a
 * value matches (PS3.4 C.2.2.2: single value, wildcard, UID list, date/time range; PN case-insensitive, optionally
 * fuzzy), and how it is written in the DICOM JSON model (PS3.18 F.2). Values come from the headers STOW stored
 * ({@link #attributesOf}); counts and ModalitiesInStudy are computed from the instances the caller may see.
 */
final class QidoModel {

    enum Level { STUDY, SERIES, INSTANCE }

    /** One attribute: tag (8 hex digits), keyword, VR, level; computed ones are not read from headers. */
    record Attr(String tag, String keyword, String vr, Level level, boolean computed) {
    }

    static final List<Attr> ALL = List.of(
            new Attr("00080020", "StudyDate", "DA", Level.STUDY, false),
            new Attr("00080030", "StudyTime", "TM", Level.STUDY, false),
            new Attr("00080050", "AccessionNumber", "SH", Level.STUDY, false),
            new Attr("00080061", "ModalitiesInStudy", "CS", Level.STUDY, true),
            new Attr("00080090", "ReferringPhysicianName", "PN", Level.STUDY, false),
            new Attr("00081030", "StudyDescription", "LO", Level.STUDY, false),
            new Attr("00100010", "PatientName", "PN", Level.STUDY, false),
            new Attr("00100020", "PatientID", "LO", Level.STUDY, false),
            new Attr("00100030", "PatientBirthDate", "DA", Level.STUDY, false),
            new Attr("00100040", "PatientSex", "CS", Level.STUDY, false),
            new Attr("0020000D", "StudyInstanceUID", "UI", Level.STUDY, true),
            new Attr("00200010", "StudyID", "SH", Level.STUDY, false),
            new Attr("00201206", "NumberOfStudyRelatedSeries", "IS", Level.STUDY, true),
            new Attr("00201208", "NumberOfStudyRelatedInstances", "IS", Level.STUDY, true),
            new Attr("00080060", "Modality", "CS", Level.SERIES, false),
            new Attr("00080021", "SeriesDate", "DA", Level.SERIES, false),
            new Attr("0008103E", "SeriesDescription", "LO", Level.SERIES, false),
            new Attr("00180015", "BodyPartExamined", "CS", Level.SERIES, false),
            new Attr("0020000E", "SeriesInstanceUID", "UI", Level.SERIES, true),
            new Attr("00200011", "SeriesNumber", "IS", Level.SERIES, false),
            new Attr("00201209", "NumberOfSeriesRelatedInstances", "IS", Level.SERIES, true),
            new Attr("00080016", "SOPClassUID", "UI", Level.INSTANCE, true),
            new Attr("00080018", "SOPInstanceUID", "UI", Level.INSTANCE, true),
            new Attr("00200013", "InstanceNumber", "IS", Level.INSTANCE, false),
            new Attr("00280008", "NumberOfFrames", "IS", Level.INSTANCE, false),
            new Attr("00280010", "Rows", "US", Level.INSTANCE, false),
            new Attr("00280011", "Columns", "US", Level.INSTANCE, false));

    /** Returned at each level without includefield (PS3.18 Tables 10.6.3-3 to -5, as far as the vault holds them). */
    static final Map<Level, List<String>> DEFAULTS = Map.of(
            Level.STUDY, List.of("00080020", "00080030", "00080050", "00080061", "00080090", "00100010",
                    "00100020", "00100030", "00100040", "0020000D", "00200010", "00201206", "00201208"),
            Level.SERIES, List.of("00080060", "0008103E", "0020000E", "00200011", "00201209", "0020000D"),
            Level.INSTANCE, List.of("00080016", "00080018", "00200013", "00280008", "00280010", "00280011",
                    "0020000D", "0020000E"));

    private QidoModel() {
    }

    /** The attribute named by a keyword or 8-digit hex tag, if QIDO-RS here knows it. */
    static Optional<Attr> find(String name) {
        for (Attr a : ALL) {
            if (a.keyword().equals(name) || a.tag().equalsIgnoreCase(name)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** The header values QIDO-RS matches on, for the instance index (tag → value, multiple values joined by "\"). */
    static Map<String, String> attributesOf(DicomDataset header) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Attr a : ALL) {
            if (a.computed()) {
                continue;
            }
            List<String> values = header.getStrings((int) Long.parseLong(a.tag(), 16));
            if (values != null && !values.isEmpty()) {
                String joined = String.join("\\", values).strip();
                if (!joined.isEmpty()) {
                    out.put(a.tag(), joined);
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- matching

    /** Thrown for a query value that cannot be a match key of its VR: answered 400. */
    static final class BadValue extends Exception {
        BadValue(String message) {
            super(message);
        }
    }

    /** Checks that {@code key} is a valid match key for {@code attr} (dates and times, ranges). */
    static void validate(Attr attr, String key) throws BadValue {
        if (key.isEmpty()) {
            return;
        }
        switch (attr.vr()) {
            case "DA" -> range(key, "[0-9]{8}", attr);
            case "TM" -> range(key, "[0-9]{2}([0-9]{2}([0-9]{2}(\\.[0-9]{1,6})?)?)?", attr);
            case "UI" -> {
                for (String uid : key.split("[,\\\\]")) {
                    if (!StowService.isUid(uid.strip())) {
                        throw new BadValue(attr.keyword() + " must be a UID or a comma-separated list of UIDs");
                    }
                }
            }
            case "IS", "US" -> {
                if (!key.matches("-?[0-9]{1,10}")) {
                    throw new BadValue(attr.keyword() + " must be an integer");
                }
            }
            default -> {
                if (key.length() > 256) {
                    throw new BadValue(attr.keyword() + " is longer than 256 characters");
                }
            }
        }
    }

    private static void range(String key, String one, Attr attr) throws BadValue {
        String[] parts = key.split("-", -1);
        boolean ok = parts.length == 1 ? parts[0].matches(one)
                : parts.length == 2 && (parts[0].isEmpty() || parts[0].matches(one))
                && (parts[1].isEmpty() || parts[1].matches(one)) && !(parts[0].isEmpty() && parts[1].isEmpty());
        if (!ok) {
            throw new BadValue(attr.keyword() + " must be a " + (attr.vr().equals("DA") ? "date YYYYMMDD" : "time HHMMSS")
                    + " or a range A-B, A- or -B");
        }
    }

    /** Whether a stored value (null when absent) matches the key; an empty key matches everything. */
    static boolean matches(Attr attr, String key, String value, boolean fuzzy) {
        if (key.isEmpty()) {
            return true;
        }
        if (value == null || value.isEmpty()) {
            return false;
        }
        return switch (attr.vr()) {
            case "DA", "TM" -> inRange(key, value);
            case "UI" -> {
                for (String uid : key.split("[,\\\\]")) {
                    if (uid.strip().equals(value)) {
                        yield true;
                    }
                }
                yield false;
            }
            case "PN" -> fuzzy ? fuzzyName(key, value) : nameMatches(key, value);
            case "IS", "US" -> {
                try {
                    yield Long.parseLong(key) == Long.parseLong(value.strip());
                } catch (NumberFormatException e) {
                    yield false;
                }
            }
            default -> anyValue(value, v -> wildcard(key, v, false));
        };
    }

    private static boolean inRange(String key, String value) {
        String v = value.split("\\\\")[0].strip();
        int dash = key.indexOf('-');
        if (dash < 0) {
            return v.startsWith(key) || key.startsWith(v);
        }
        String from = key.substring(0, dash);
        String to = key.substring(dash + 1);
        return (from.isEmpty() || v.compareTo(from) >= 0)
                && (to.isEmpty() || v.compareTo(to) <= 0 || v.startsWith(to));
    }

    private static boolean anyValue(String value, java.util.function.Predicate<String> test) {
        for (String v : value.split("\\\\")) {
            if (test.test(v.strip())) {
                return true;
            }
        }
        return false;
    }

    /** PN: the key (with * and ?) against the whole name and against each group, case-insensitively. */
    private static boolean nameMatches(String key, String value) {
        if (wildcard(key, value, true)) {
            return true;
        }
        for (String group : value.split("=")) {
            if (wildcard(key, group, true)) {
                return true;
            }
        }
        return false;
    }

    private static boolean wildcard(String key, String value, boolean ignoreCase) {
        StringBuilder re = new StringBuilder();
        for (char c : key.toCharArray()) {
            re.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        int flags = Pattern.DOTALL | (ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
        return Pattern.compile(re.toString(), flags).matcher(value).matches();
    }

    /**
     * Fuzzy PN matching ({@code fuzzymatching=true}): case, accents, full-width forms, spacing and the component
     * separators are ignored; every word of the key must begin a word of the name (in any of its groups), and a key
     * word in CJK script may stand anywhere in the name ("丽" finds "王丽").
     */
    static boolean fuzzyName(String key, String value) {
        List<String> words = words(value);
        String joined = String.join("", words);
        for (String k : words(key.replace("*", " ").replace("?", " "))) {
            boolean found = false;
            for (String w : words) {
                if (w.startsWith(k)) {
                    found = true;
                    break;
                }
            }
            if (!found && !(hasCjk(k) && joined.contains(k))) {
                return false;
            }
        }
        return true;
    }

    private static List<String> words(String s) {
        String n = Normalizer.normalize(s, Normalizer.Form.NFKD).replaceAll("\\p{M}", "");
        n = Normalizer.normalize(n, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>();
        for (String w : n.split("[\\s^=,.\\-]+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    private static boolean hasCjk(String s) {
        return s.codePoints().anyMatch(cp -> Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN);
    }

    // ---------------------------------------------------------------- DICOM JSON

    /** One attribute in the DICOM JSON model; {@code value} null gives an attribute without Value. */
    static Map<String, Object> json(Attr attr, String value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vr", attr.vr());
        if (value == null || value.isEmpty()) {
            return m;
        }
        List<Object> values = new ArrayList<>();
        if (attr.vr().equals("PN")) {
            String[] groups = value.split("=", -1);
            Map<String, String> pn = new LinkedHashMap<>();
            String[] names = {"Alphabetic", "Ideographic", "Phonetic"};
            for (int i = 0; i < groups.length && i < 3; i++) {
                if (!groups[i].isEmpty()) {
                    pn.put(names[i], groups[i]);
                }
            }
            values.add(pn);
        } else {
            for (String v : value.split("\\\\")) {
                String t = v.strip();
                if (attr.vr().equals("IS") || attr.vr().equals("US")) {
                    try {
                        values.add(Long.parseLong(t));
                    } catch (NumberFormatException e) {
                        values.add(t);
                    }
                } else {
                    values.add(t);
                }
            }
        }
        m.put("Value", values);
        return m;
    }
}
