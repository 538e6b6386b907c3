package org.patientvault.mapping.dicom.internal;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;

/** Conversions from DICOM value formats to FHIR types used by the study mapper. */
public final class DicomValues {
    public static final String SNOMED = "http://snomed.info/sct";
    public static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";

    /**
     * Body Part Examined defined terms mapped only where the SNOMED CT concept is certain; other terms are kept as text.
     */
    private static final Map<String, String[]> BODY_PARTS = Map.ofEntries(
            Map.entry("HEAD", new String[] {"69536005", "Head structure"}),
            Map.entry("BRAIN", new String[] {"12738006", "Brain structure"}),
            Map.entry("NECK", new String[] {"45048000", "Neck structure"}),
            Map.entry("CHEST", new String[] {"51185008", "Thoracic structure"}),
            Map.entry("ABDOMEN", new String[] {"113345001", "Abdominal structure"}),
            Map.entry("PELVIS", new String[] {"12921003", "Pelvic structure"}),
            Map.entry("HEART", new String[] {"80891009", "Heart structure"}),
            Map.entry("BREAST", new String[] {"76752008", "Breast structure"}),
            Map.entry("LIVER", new String[] {"10200004", "Liver structure"}),
            Map.entry("KIDNEY", new String[] {"64033007", "Kidney structure"}),
            Map.entry("KNEE", new String[] {"72696002", "Knee region structure"}),
            Map.entry("SHOULDER", new String[] {"16982005", "Shoulder region structure"}),
            Map.entry("HAND", new String[] {"85562004", "Hand structure"}),
            Map.entry("FOOT", new String[] {"56459004", "Foot structure"}));

    private static final Map<String, String> CODING_SCHEMES = Map.of(
            "SCT", SNOMED, "SRT", SNOMED, "LN", "http://loinc.org", "DCM", DCM, "RADLEX", "http://www.radlex.org",
            "UCUM", "http://unitsofmeasure.org");

    private DicomValues() {
    }

    /** A SNOMED CT coding for a Body Part Examined term, or a text-only coding (display = the term) when unsure. */
    public static Coding bodySite(String term) {
        String[] sct = BODY_PARTS.get(term.trim().toUpperCase(java.util.Locale.ROOT));
        if (sct == null) {
            return new Coding().setDisplay(term.trim());
        }
        return new Coding(SNOMED, sct[0], sct[1]);
    }

    /** FHIR system URI for a DICOM Coding Scheme Designator, or null when none is known. */
    public static String codingSystem(String designator) {
        return designator == null ? null : CODING_SCHEMES.get(designator.trim().toUpperCase(java.util.Locale.ROOT));
    }

    /**
     * DA + TM (+ Timezone Offset From UTC) to a FHIR dateTime; date-only when TM is absent. Returns null when the date
     * is absent or malformed (the mapper leaves the element out rather than failing the whole study).
     */
    public static DateTimeType dateTime(String da, String tm, String tzOffset, ZoneId defaultZone) {
        if (da == null) {
            return null;
        }
        try {
            String d = da.trim().replace(".", "").replace("-", "");
            if (d.length() != 8) {
                return null;
            }
            LocalDate date = LocalDate.of(Integer.parseInt(d.substring(0, 4)), Integer.parseInt(d.substring(4, 6)),
                    Integer.parseInt(d.substring(6, 8)));
            if (tm == null || tm.isBlank()) {
                return new DateTimeType(date.toString());
            }
            String t = tm.trim().replace(":", "");
            int hh = Integer.parseInt(t.substring(0, 2));
            int mm = t.length() >= 4 ? Integer.parseInt(t.substring(2, 4)) : 0;
            int ss = t.length() >= 6 ? Integer.parseInt(t.substring(4, 6)) : 0;
            int millis = 0;
            boolean hasFraction = t.length() > 7 && t.charAt(6) == '.';
            if (hasFraction) {
                String frac = (t.substring(7) + "000").substring(0, 3);
                millis = Integer.parseInt(frac);
            }
            LocalDateTime ldt = LocalDateTime.of(date, LocalTime.of(hh, mm, ss, millis * 1_000_000));
            ZoneOffset offset = tzOffset != null && tzOffset.trim().matches("[+-]\\d{4}")
                    ? ZoneOffset.of(tzOffset.trim().substring(0, 3) + ":" + tzOffset.trim().substring(3))
                    : defaultZone.getRules().getOffset(ldt);
            String iso = ldt.toLocalDate() + "T" + String.format("%02d:%02d:%02d", hh, mm, ss)
                    + (hasFraction ? String.format(".%03d", millis) : "") + (offset.getTotalSeconds() == 0 ? "Z" : offset.getId());
            return new DateTimeType(iso);
        } catch (NumberFormatException | StringIndexOutOfBoundsException | java.time.DateTimeException
                | ca.uhn.fhir.parser.DataFormatException e) {
            return null;
        }
    }

    /**
     * A display string for a PN value: first non-empty component group; Western names as "prefix given middle family
     * suffix", names with CJK characters as family + given without a space (张三).
     */
    public static String personNameDisplay(String pn) {
        if (pn == null) {
            return null;
        }
        String group = null;
        for (String g : pn.split("=", -1)) {
            if (!g.replace("^", "").isBlank()) {
                group = g;
                break;
            }
        }
        if (group == null) {
            return null;
        }
        String[] c = (group + "^^^^").split("\\^", -1);
        String family = c[0].trim();
        String given = c[1].trim();
        if ((family + given).codePoints().anyMatch(cp -> Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN)) {
            return (family + given + c[2].trim()).trim();
        }
        StringBuilder sb = new StringBuilder();
        for (String part : new String[] {c[3], c[1], c[2], c[0], c[4]}) {
            if (!part.isBlank()) {
                if (sb.length() > 0) {
                    sb.append(' ');
                }
                sb.append(part.trim());
            }
        }
        return sb.toString();
    }
}
