package org.patientvault.mapping.quality;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Type;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;

/** The clinically meaningful dates of the known types, with their locations, and precision-aware comparisons. */
final class Dates {
    /** Clock skew tolerated for timestamps with a time part. */
    static final Duration SKEW = Duration.ofMinutes(5);
    /** Dates without a time are compared in the earliest-ahead zone, so no local "today" is ever called future. */
    private static final ZoneOffset LATEST_ZONE = ZoneOffset.ofHours(14);

    record Dated(String location, BaseDateTimeType value) {
    }

    private Dates() {
    }

    static List<Dated> of(Resource r) {
        List<Dated> out = new ArrayList<>();
        if (r instanceof Observation o) {
            addChoice(out, "Observation.effective", o.hasEffective() ? o.getEffective() : null);
            add(out, "Observation.issued", o.hasIssued() ? o.getIssuedElement() : null);
        } else if (r instanceof DiagnosticReport d) {
            addChoice(out, "DiagnosticReport.effective", d.hasEffective() ? d.getEffective() : null);
            add(out, "DiagnosticReport.issued", d.hasIssued() ? d.getIssuedElement() : null);
        } else if (r instanceof ImagingStudy s) {
            add(out, "ImagingStudy.started", s.hasStarted() ? s.getStartedElement() : null);
            for (int i = 0; i < s.getSeries().size(); i++) {
                ImagingStudy.ImagingStudySeriesComponent se = s.getSeries().get(i);
                add(out, "ImagingStudy.series[" + i + "].started", se.hasStarted() ? se.getStartedElement() : null);
            }
        } else if (r instanceof Patient p) {
            add(out, "Patient.birthDate", p.hasBirthDate() ? p.getBirthDateElement() : null);
            if (p.hasDeceasedDateTimeType()) {
                add(out, "Patient.deceasedDateTime", p.getDeceasedDateTimeType());
            }
        } else if (r instanceof Condition c) {
            addChoice(out, "Condition.onset", c.hasOnset() ? c.getOnset() : null);
            addChoice(out, "Condition.abatement", c.hasAbatement() ? c.getAbatement() : null);
            add(out, "Condition.recordedDate", c.hasRecordedDate() ? c.getRecordedDateElement() : null);
        } else if (r instanceof Procedure p) {
            addChoice(out, "Procedure.performed", p.hasPerformed() ? p.getPerformed() : null);
        } else if (r instanceof Encounter e) {
            if (e.hasPeriod()) {
                addPeriod(out, "Encounter.period", e.getPeriod());
            }
        }
        return out;
    }

    /** A choice element: {@code base} + {@code DateTime}/{@code Instant}/{@code Period}, FHIR JSON style. */
    private static void addChoice(List<Dated> out, String base, Type t) {
        if (t instanceof BaseDateTimeType d) {
            add(out, base + ("instant".equals(d.fhirType()) ? "Instant" : "DateTime"), d);
        } else if (t instanceof Period p) {
            addPeriod(out, base + "Period", p);
        }
    }

    private static void addPeriod(List<Dated> out, String prefix, Period p) {
        add(out, prefix + ".start", p.hasStart() ? p.getStartElement() : null);
        add(out, prefix + ".end", p.hasEnd() ? p.getEndElement() : null);
    }

    private static void add(List<Dated> out, String location, BaseDateTimeType d) {
        if (d != null && d.getValue() != null) {
            out.add(new Dated(location, d));
        }
    }

    static boolean hasTime(BaseDateTimeType d) {
        TemporalPrecisionEnum p = d.getPrecision();
        return p != null && p.ordinal() >= TemporalPrecisionEnum.MINUTE.ordinal();
    }

    /** True if the value is later than now (plus skew for timestamps, by calendar date otherwise). */
    static boolean isFuture(BaseDateTimeType d, Instant now) {
        if (hasTime(d)) {
            return d.getValue().toInstant().isAfter(now.plus(SKEW));
        }
        String date = datePart(d);
        String today = LocalDate.ofInstant(now, LATEST_ZONE).toString();
        int n = Math.min(date.length(), today.length());
        return date.substring(0, n).compareTo(today.substring(0, n)) > 0;
    }

    /** True if the value lies entirely before the (possibly partial) ISO birth date. */
    static boolean isBefore(BaseDateTimeType d, String birthDate) {
        String date = datePart(d);
        int n = Math.min(date.length(), birthDate.length());
        return date.substring(0, n).compareTo(birthDate.substring(0, n)) < 0;
    }

    /** The local date part ({@code yyyy}, {@code yyyy-MM} or {@code yyyy-MM-dd}) as written. */
    static String datePart(BaseDateTimeType d) {
        String s = d.getValueAsString();
        int t = s.indexOf('T');
        return t >= 0 ? s.substring(0, t) : s;
    }
}
