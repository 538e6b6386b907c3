package org.patientvault.mobile.export;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.patientvault.mapping.terminology.UcumUnits;
import org.patientvault.mobile.timeline.RecordViews;
import org.patientvault.mobile.timeline.TimelineItem;

/**
 * The data of one lab trend chart in the PDF summary: one analyte's numeric results in one unit (the analyte's
 * canonical UCUM unit when fhir-mapping's table has one, as {@code GET /labs/{loinc}/trend} shows them; else the
 * unit most results were sent in), oldest first, and the newest reference range converted into that unit.
 * A result that cannot be converted is left out of the chart (it is still listed as text).
 */
record TrendChart(String loinc, String unit, List<SummaryPdf.Point> points, BigDecimal low, BigDecimal high) {

    static Optional<TrendChart> of(String loinc, List<Observation> newestFirst, RecordViews views) {
        String canonical = UcumUnits.standard().canonicalUnit(loinc).filter(u -> !UcumUnits.NO_UNIT.equals(u))
                .orElse(null);
        String unit = canonical != null ? canonical : newestFirst.stream().map(o -> views.result(o, loinc))
                .filter(r -> r.value() != null && r.unit() != null).map(TimelineItem.Result::unit).findFirst()
                .orElse(null);
        if (unit == null) {
            return Optional.empty();
        }
        List<SummaryPdf.Point> points = new ArrayList<>();
        BigDecimal low = null;
        BigDecimal high = null;
        boolean ranged = false;
        for (Observation o : newestFirst) {
            TimelineItem.Result r = views.result(o, loinc);
            BigDecimal value = unit.equals(r.normalizedUnit()) ? r.normalizedValue()
                    : unit.equals(r.unit()) ? r.value() : null;
            LocalDate day = day(o);
            if (value == null || day == null) {
                continue;
            }
            points.add(new SummaryPdf.Point(day, value));
            if (!ranged && o.hasReferenceRange()) {
                ranged = true;
                Observation.ObservationReferenceRangeComponent rr = o.getReferenceRangeFirstRep();
                low = rr.hasLow() ? inUnit(loinc, rr.getLow(), unit) : null;
                high = rr.hasHigh() ? inUnit(loinc, rr.getHigh(), unit) : null;
            }
        }
        if (points.isEmpty()) {
            return Optional.empty();
        }
        points.sort(Comparator.comparing(SummaryPdf.Point::date));
        return Optional.of(new TrendChart(loinc, unit, List.copyOf(points), low, high));
    }

    /** A stored quantity's value in {@code unit}: its own unit, or converted by the UCUM table into the canonical. */
    private static BigDecimal inUnit(String loinc, Quantity q, String unit) {
        if (q == null || q.getValue() == null) {
            return null;
        }
        String ucum = UcumUnits.UCUM_SYSTEM.equals(q.getSystem()) && q.hasCode() ? q.getCode()
                : UcumUnits.standard().toUcum(q.hasUnit() ? q.getUnit() : q.getCode() == null ? "" : q.getCode())
                .orElse(null);
        if (ucum == null) {
            return null;
        }
        if (ucum.equals(unit)) {
            return q.getValue();
        }
        boolean toCanonical = UcumUnits.standard().canonicalUnit(loinc).map(unit::equals).orElse(false);
        return toCanonical ? UcumUnits.standard().convert(loinc, q.getValue(), ucum).orElse(null) : null;
    }

    private static LocalDate day(Observation o) {
        BaseDateTimeType t = o.hasEffectiveDateTimeType() ? o.getEffectiveDateTimeType()
                : o.hasEffectivePeriod() && o.getEffectivePeriod().hasStartElement()
                ? o.getEffectivePeriod().getStartElement() : o.hasIssuedElement() ? o.getIssuedElement() : null;
        String s = t == null ? null : t.getValueAsString();
        if (s == null || s.length() < 10) {
            return null;
        }
        try {
            return LocalDate.parse(s.substring(0, 10));
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
