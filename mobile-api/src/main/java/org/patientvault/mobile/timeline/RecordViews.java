package org.patientvault.mobile.timeline;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import org.patientvault.mapping.terminology.UcumUnits;
import org.patientvault.mobile.MobileProperties;
import org.patientvault.mobile.support.Cursor;
import org.patientvault.mobile.support.Hospitals;
import org.patientvault.mobile.support.QualityWords;
import org.patientvault.mobile.support.Texts;
import org.springframework.stereotype.Component;

/**
 * Turns the patient's FHIR records into timeline items designed for a phone screen. Pure mapping plus the
 * (request-cached) hospital names; nothing is fetched per record.
 */
@Component
public class RecordViews {

    static final String LOINC = "http://loinc.org";
    private static final String OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
    private static final String DICOM_UID = "urn:dicom:uid";
    private static final String ORIGINAL_QUANTITY =
            "https://patientvault.org/fhir/StructureDefinition/original-quantity";
    /** Vital signs and body measures: checkup items even without a category. */
    private static final Set<String> VITALS = Set.of("8480-6", "8462-4", "8302-2", "29463-7", "39156-5", "8867-4",
            "9279-1", "8310-5", "59408-5", "2708-6", "85354-9", "8287-5", "56086-2");

    private final Texts texts;
    private final Hospitals hospitals;
    private final QualityWords quality;
    private final ZoneId zone;

    RecordViews(Texts texts, Hospitals hospitals, QualityWords quality, MobileProperties props) {
        this.texts = texts;
        this.hospitals = hospitals;
        this.quality = quality;
        this.zone = props.zone();
    }

    Optional<TimelineItem> item(Resource r) {
        if (r instanceof Observation o) {
            return Optional.of(observation(o));
        }
        if (r instanceof ImagingStudy s) {
            return Optional.of(study(s));
        }
        if (r instanceof DiagnosticReport d) {
            return Optional.of(report(d));
        }
        return Optional.empty();
    }

    /** lab or checkup (see the class comment of {@link TimelineService}). */
    public static String kindOf(Observation o) {
        Set<String> categories = new LinkedHashSet<>();
        o.getCategory().forEach(c -> c.getCoding().stream().filter(x -> OBS_CATEGORY.equals(x.getSystem()))
                .forEach(x -> categories.add(x.getCode())));
        if (categories.contains("laboratory")) {
            return "lab";
        }
        if (!categories.isEmpty()) {
            return "checkup";
        }
        String loinc = loinc(o.getCode());
        return loinc != null && !VITALS.contains(loinc) && UcumUnits.standard().canonicalUnit(loinc).isPresent()
                ? "lab" : "checkup";
    }

    public static String loinc(CodeableConcept code) {
        return code.getCoding().stream().filter(c -> LOINC.equals(c.getSystem()) && c.hasCode()).map(Coding::getCode)
                .findFirst().orElse(null);
    }

    private TimelineItem observation(Observation o) {
        String loinc = loinc(o.getCode());
        String code = loinc != null ? loinc : o.getCode().getCodingFirstRep().getCode();
        String title = title(o.getCode(), loinc);
        BaseDateTimeType when = o.hasEffectiveDateTimeType() ? o.getEffectiveDateTimeType()
                : o.hasEffectivePeriod() && o.getEffectivePeriod().hasStartElement()
                ? o.getEffectivePeriod().getStartElement() : o.hasIssuedElement() ? o.getIssuedElement() : null;
        String kind = kindOf(o);
        TimelineItem.Result result = result(o, loinc);
        return build(o, kind, code, title, when, result, null, null, title + " " + code + " "
                + (result.text() == null ? "" : result.text()));
    }

    /** The value, unit, range and flag as the hospital sent them (see {@code docs/mobile-api.md}). */
    public TimelineItem.Result result(Observation o, String loinc) {
        BigDecimal value = null;
        String unit = null;
        String text = null;
        BigDecimal normalized = null;
        String normalizedUnit = null;
        if (o.hasValueQuantity()) {
            Quantity stored = o.getValueQuantity();
            Quantity sent = asSent(stored);
            value = sent.getValue();
            unit = unitOf(sent);
            if (loinc != null && stored.getValue() != null) {
                Optional<String> canonical = canonicalUnit(loinc);
                Optional<BigDecimal> c = canonical.flatMap(u -> inUnit(loinc, stored, u));
                if (c.isPresent()) {
                    normalized = c.get().stripTrailingZeros();
                    normalizedUnit = canonical.get();
                }
            }
        } else if (o.hasValueCodeableConcept()) {
            CodeableConcept c = o.getValueCodeableConcept();
            text = c.hasText() ? c.getText() : c.getCodingFirstRep().hasDisplay() ? c.getCodingFirstRep().getDisplay()
                    : c.getCodingFirstRep().getCode();
        } else if (o.getValue() instanceof StringType s) {
            text = s.getValue();
        }
        TimelineItem.Range range = null;
        if (o.hasReferenceRange()) {
            Observation.ObservationReferenceRangeComponent rr = o.getReferenceRangeFirstRep();
            Quantity low = rr.hasLow() ? asSent(rr.getLow()) : null;
            Quantity high = rr.hasHigh() ? asSent(rr.getHigh()) : null;
            range = new TimelineItem.Range(low == null ? null : low.getValue(), high == null ? null : high.getValue(),
                    low != null ? unitOf(low) : high != null ? unitOf(high) : null, rr.hasText() ? rr.getText() : null);
        }
        String flag = flag(o, value, range);
        return new TimelineItem.Result(value, unit, text, range, flag, flag == null ? null : texts.text("flag." + flag),
                normalized, normalizedUnit);
    }

    /**
     * The quantity as the hospital sent it: the vault's terminology step stores values in the analyte's canonical
     * UCUM unit and keeps what was sent in the {@code original-quantity} extension.
     */
    static Quantity asSent(Quantity stored) {
        Extension original = stored.getExtensionByUrl(ORIGINAL_QUANTITY);
        return original != null && original.getValue() instanceof Quantity q && q.hasValue() ? q : stored;
    }

    /** The analyte's canonical UCUM unit, if the table knows a quantitative one. */
    static Optional<String> canonicalUnit(String loinc) {
        return UcumUnits.standard().canonicalUnit(loinc).filter(u -> !UcumUnits.NO_UNIT.equals(u));
    }

    /** A stored quantity's value in {@code unit}, when its own unit is that or converts to it. */
    static Optional<BigDecimal> inUnit(String loinc, Quantity q, String unit) {
        if (q == null || q.getValue() == null || unit == null) {
            return Optional.empty();
        }
        Optional<String> ucum = ucumOf(q);
        if (ucum.isEmpty()) {
            return Optional.empty();
        }
        return ucum.get().equals(unit) ? Optional.of(q.getValue())
                : UcumUnits.standard().convert(loinc, q.getValue(), ucum.get()).filter(v -> UcumUnits.standard()
                .canonicalUnit(loinc).map(unit::equals).orElse(false));
    }

    static Optional<String> ucumOf(Quantity q) {
        if (UcumUnits.UCUM_SYSTEM.equals(q.getSystem()) && q.hasCode()) {
            return Optional.of(q.getCode());
        }
        String spelling = q.hasUnit() ? q.getUnit() : q.getCode();
        return spelling == null ? Optional.empty() : UcumUnits.standard().toUcum(spelling);
    }

    private static String unitOf(Quantity q) {
        return q.hasUnit() ? q.getUnit() : q.getCode();
    }

    /** The hospital's interpretation if it gave one, else the value against the range (same unit assumed). */
    private static String flag(Observation o, BigDecimal value, TimelineItem.Range range) {
        for (CodeableConcept i : o.getInterpretation()) {
            for (Coding c : i.getCoding()) {
                String code = c.getCode() == null ? "" : c.getCode().toUpperCase(Locale.ROOT);
                switch (code) {
                    case "H", "HH", "HU", ">" -> {
                        return "high";
                    }
                    case "L", "LL", "LU", "<" -> {
                        return "low";
                    }
                    case "N" -> {
                        return "normal";
                    }
                    case "A", "AA" -> {
                        return "abnormal";
                    }
                    default -> {
                    }
                }
            }
        }
        if (value == null || range == null || (range.low() == null && range.high() == null)) {
            return null;
        }
        if (range.high() != null && value.compareTo(range.high()) > 0) {
            return "high";
        }
        if (range.low() != null && value.compareTo(range.low()) < 0) {
            return "low";
        }
        return "normal";
    }

    private TimelineItem study(ImagingStudy s) {
        Set<String> modalities = new LinkedHashSet<>();
        s.getModality().forEach(m -> modalities.add(m.getCode()));
        s.getSeries().forEach(se -> {
            if (se.hasModality()) {
                modalities.add(se.getModality().getCode());
            }
        });
        modalities.remove(null);
        String bodySite = s.getSeries().stream().filter(se -> se.hasBodySite()).map(se -> se.getBodySite().hasDisplay()
                ? se.getBodySite().getDisplay() : se.getBodySite().getCode()).findFirst().orElse(null);
        String studyUid = studyUid(s);
        String firstSeries = s.getSeries().isEmpty() ? null : s.getSeriesFirstRep().getUid();
        List<String> modalityTexts = new ArrayList<>();
        modalities.forEach(m -> modalityTexts.add(texts.find("modality." + m).orElse(m)));
        Integer series = s.hasNumberOfSeries() ? s.getNumberOfSeries() : s.getSeries().size();
        Integer instances = s.hasNumberOfInstances() ? s.getNumberOfInstances()
                : s.getSeries().stream().mapToInt(se -> se.hasNumberOfInstances() ? se.getNumberOfInstances()
                : se.getInstance().size()).sum();
        TimelineItem.Imaging imaging = new TimelineItem.Imaging(List.copyOf(modalities), modalityTexts, bodySite,
                s.getDescription(), series, instances, studyUid,
                studyUid != null && firstSeries != null ? previewUrl(studyUid, firstSeries) : null);
        String title = s.hasDescription() ? s.getDescription() : String.join("/", modalityTexts);
        return build(s, "imaging", null, title.isEmpty() ? texts.text("kind.imaging") : title,
                s.hasStartedElement() ? s.getStartedElement() : null, null, imaging, null,
                title + " " + String.join(" ", modalities) + " " + (bodySite == null ? "" : bodySite));
    }

    static String studyUid(ImagingStudy s) {
        for (Identifier i : s.getIdentifier()) {
            if (DICOM_UID.equals(i.getSystem()) && i.hasValue()) {
                return i.getValue().startsWith("urn:oid:") ? i.getValue().substring(8) : i.getValue();
            }
        }
        return null;
    }

    static String previewUrl(String studyUid, String seriesUid) {
        return "/dicomweb/studies/" + studyUid + "/series/" + seriesUid + "/rendered";
    }

    private TimelineItem report(DiagnosticReport d) {
        String loinc = loinc(d.getCode());
        String title = title(d.getCode(), loinc);
        BaseDateTimeType when = d.hasEffectiveDateTimeType() ? d.getEffectiveDateTimeType()
                : d.hasEffectivePeriod() && d.getEffectivePeriod().hasStartElement()
                ? d.getEffectivePeriod().getStartElement() : d.hasIssuedElement() ? d.getIssuedElement() : null;
        TimelineItem.Report report = new TimelineItem.Report(d.hasStatus() ? d.getStatus().toCode() : null,
                d.getConclusion(), d.getResult().size());
        return build(d, "report", loinc != null ? loinc : d.getCode().getCodingFirstRep().getCode(), title, when,
                null, null, report, title + " " + (d.getConclusion() == null ? "" : d.getConclusion()));
    }

    /** The analyte's localised name if the bundle has it, else the code's text, display or code. */
    public String title(CodeableConcept code, String loinc) {
        if (loinc != null) {
            Optional<String> known = texts.find("loinc." + loinc);
            if (known.isPresent()) {
                return known.get();
            }
        }
        if (code.hasText()) {
            return code.getText();
        }
        Coding c = code.getCodingFirstRep();
        return c.hasDisplay() ? c.getDisplay() : c.hasCode() ? c.getCode() : "";
    }

    private TimelineItem build(Resource r, String kind, String code, String title, BaseDateTimeType when,
                               TimelineItem.Result result, TimelineItem.Imaging imaging, TimelineItem.Report report,
                               String searchText) {
        Instant submitted = r.getMeta().hasLastUpdated() ? r.getMeta().getLastUpdated().toInstant() : null;
        Instant at = when != null && when.getValue() != null ? when.getValue().toInstant() : submitted;
        String date = when != null && when.getValue() != null ? dateOf(when) : submitted == null ? null
                : LocalDate.ofInstant(submitted, zone).toString();
        String id = r.fhirType() + "/" + r.getIdElement().getIdPart();
        Hospitals.Org hospital = hospitals.submitterOf(r);
        return new TimelineItem(id, kind, texts.text("kind." + kind), code, title, date,
                when == null ? null : when.getValueAsString(), hospital,
                submitted == null ? null : submitted.toString(), quality.of(r), result, imaging, report,
                new Cursor(at == null ? 0 : at.toEpochMilli(), id),
                (searchText + " " + (hospital == null ? "" : hospital.name())).toLowerCase(Locale.ROOT));
    }

    /** A date as sent keeps its day; a date-time is placed in the vault's zone. */
    private String dateOf(BaseDateTimeType when) {
        if (when.getPrecision().ordinal() <= TemporalPrecisionEnum.DAY.ordinal()) {
            String s = when.getValueAsString();
            return s.length() >= 10 ? s.substring(0, 10) : s;
        }
        return LocalDate.ofInstant(when.getValue().toInstant(), zone).toString();
    }
}
