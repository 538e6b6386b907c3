package org.patientvault.mobile;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;

/**
 * The date search parameters of the timeline's types as HAPI JPA applies them, for {@link FakeVault}:
 * {@code date}/{@code started} with {@code ge}/{@code le} prefixes (a day or an instant; a record's date is the range
 * its precision spans), {@code :missing}, and {@code _sort} on them newest first with undated records last, in an
 * arbitrary but stable order within one instant (here: reversed insertion, so tests see ties that a plain id order
 * would hide).
 */
final class FakeDates {

    private FakeDates() {
    }

    /** The indexed clinical date of a record: what HAPI's {@code date}/{@code started} parameter holds. */
    static BaseDateTimeType dateOf(Resource r) {
        if (r instanceof Observation o && o.hasEffective()) {
            return o.hasEffectiveDateTimeType() ? o.getEffectiveDateTimeType()
                    : o.hasEffectivePeriod() ? o.getEffectivePeriod().getStartElement() : null;
        }
        if (r instanceof DiagnosticReport d && d.hasEffective()) {
            return d.hasEffectiveDateTimeType() ? d.getEffectiveDateTimeType()
                    : d.hasEffectivePeriod() ? d.getEffectivePeriod().getStartElement() : null;
        }
        if (r instanceof ImagingStudy s && s.hasStarted()) {
            return s.getStartedElement();
        }
        return null;
    }

    static boolean matches(Resource r, Map<String, List<String>> parameters) {
        for (String name : List.of("date", "started")) {
            List<String> missing = parameters.get(name + ":missing");
            BaseDateTimeType d = dateOf(r);
            if (missing != null && Boolean.parseBoolean(missing.get(0)) != (d == null || d.getValue() == null)) {
                return false;
            }
            List<String> bounds = parameters.get(name);
            if (bounds == null) {
                continue;
            }
            if (d == null || d.getValue() == null) {
                return false;
            }
            long low = d.getValue().getTime();
            long high = end(d);
            for (String b : bounds) {
                long[] p = range(b.substring(2));
                long pLow = p[0];
                long pHigh = p[1];
                boolean ok = switch (b.substring(0, 2)) {
                    case "ge" -> high >= pLow;
                    case "le" -> low <= pHigh;
                    default -> throw new IllegalArgumentException("prefix " + b);
                };
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }

    private static final Map<String, long[]> PARAMS = new java.util.concurrent.ConcurrentHashMap<>();

    /** A search value's range, parsed once. */
    private static long[] range(String value) {
        return PARAMS.computeIfAbsent(value, v -> {
            DateTimeType param = new DateTimeType(v);
            return new long[] {param.getValue().getTime(), end(param)};
        });
    }

    /** The last millisecond of the range a date of this precision spans. */
    private static long end(BaseDateTimeType d) {
        java.util.Calendar c = java.util.Calendar.getInstance(d.getTimeZone() == null
                ? java.util.TimeZone.getDefault() : d.getTimeZone());
        c.setTime(d.getValue());
        switch (d.getPrecision()) {
            case YEAR -> c.add(java.util.Calendar.YEAR, 1);
            case MONTH -> c.add(java.util.Calendar.MONTH, 1);
            case DAY -> c.add(java.util.Calendar.DAY_OF_MONTH, 1);
            case MINUTE -> c.add(java.util.Calendar.MINUTE, 1);
            case SECOND -> c.add(java.util.Calendar.SECOND, 1);
            default -> c.add(java.util.Calendar.MILLISECOND, 1);
        }
        return c.getTimeInMillis() - 1;
    }

    static void sort(List<Resource> hits, Map<String, List<String>> parameters) {
        List<String> sort = parameters.get("_sort");
        if (sort == null || !(sort.get(0).equals("-date") || sort.get(0).equals("-started"))) {
            return;
        }
        java.util.Collections.reverse(hits);
        hits.sort(Comparator.comparing((Resource r) -> {
            BaseDateTimeType d = dateOf(r);
            return d == null || d.getValue() == null ? null : d.getValue().getTime();
        }, Comparator.nullsLast(Comparator.reverseOrder())));
    }
}
