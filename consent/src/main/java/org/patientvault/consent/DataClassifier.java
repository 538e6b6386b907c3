package org.patientvault.consent;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Composition;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.MedicationDispense;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;

/**
 * Maps an R4 resource to the {@link ResourceFacts} the engine decides on: data class, imaging modalities, record date.
 * <p>
 * The mapping (docs/consent.md has the table): Observation by category (laboratory, vital-signs, imaging;
 * exam/survey/others -> checkup); DiagnosticReport by v2-0074 category (lab sections -> laboratory, radiology sections
 * -> imaging, otherwise documents); ImagingStudy -> imaging with the study's and series' modalities; Condition and
 * AllergyIntolerance -> conditions; MedicationRequest/Statement/Administration/Dispense and Immunization ->
 * medications; DocumentReference, Composition, Binary, Media -> documents. Anything else is unclassified (null
 * class): only provisions without a data-class restriction cover it. Cost: a few field reads, no I/O.
 */
public final class DataClassifier {
    private DataClassifier() {
    }

    static final String OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
    static final String V2_0074 = "http://terminology.hl7.org/CodeSystem/v2-0074";
    private static final Set<String> LAB_SECTIONS = Set.of("LAB", "BG", "BLB", "CG", "CH", "CP", "HM", "HEM", "IMM",
            "MB", "MCB", "MYC", "SP", "SR", "TX", "VR", "URN", "CUS_LAB");
    private static final Set<String> IMAGING_SECTIONS = Set.of("RAD", "RX", "CT", "CTH", "NMR", "NMS", "RUS", "VUS",
            "OUS", "CUS", "XRC", "IMG");

    public static ResourceFacts classify(IBaseResource resource) {
        return classify(resource, ZoneOffset.UTC);
    }

    /** Classifies a resource; partial dates are resolved at the start of their period in {@code zone}. */
    public static ResourceFacts classify(IBaseResource resource, ZoneId zone) {
        if (resource == null) {
            throw new IllegalArgumentException("resource is required");
        }
        if (resource instanceof Observation o) {
            Instant d = first(zone, o.getEffective(), o.getIssuedElement());
            return ResourceFacts.of(observationClass(o), d);
        }
        if (resource instanceof DiagnosticReport r) {
            Instant d = first(zone, r.getEffective(), r.getIssuedElement());
            return ResourceFacts.of(reportClass(r), d);
        }
        if (resource instanceof ImagingStudy s) {
            Set<String> mods = new LinkedHashSet<>();
            for (Coding c : s.getModality()) {
                if (c.hasCode()) {
                    mods.add(c.getCode());
                }
            }
            for (ImagingStudy.ImagingStudySeriesComponent series : s.getSeries()) {
                if (series.hasModality() && series.getModality().hasCode()) {
                    mods.add(series.getModality().getCode());
                }
            }
            return new ResourceFacts(DataClass.IMAGING, new ArrayList<>(mods), first(zone, s.getStartedElement()));
        }
        if (resource instanceof Condition c) {
            return ResourceFacts.of(DataClass.CONDITIONS, first(zone, c.getRecordedDateElement(), c.getOnset()));
        }
        if (resource instanceof AllergyIntolerance a) {
            return ResourceFacts.of(DataClass.CONDITIONS, first(zone, a.getRecordedDateElement(), a.getOnset()));
        }
        if (resource instanceof MedicationRequest m) {
            return ResourceFacts.of(DataClass.MEDICATIONS, first(zone, m.getAuthoredOnElement()));
        }
        if (resource instanceof MedicationStatement m) {
            return ResourceFacts.of(DataClass.MEDICATIONS, first(zone, m.getEffective(), m.getDateAssertedElement()));
        }
        if (resource instanceof MedicationAdministration m) {
            return ResourceFacts.of(DataClass.MEDICATIONS, first(zone, m.getEffective()));
        }
        if (resource instanceof MedicationDispense m) {
            return ResourceFacts.of(DataClass.MEDICATIONS, first(zone, m.getWhenHandedOverElement(), m.getWhenPreparedElement()));
        }
        if (resource instanceof Immunization i) {
            return ResourceFacts.of(DataClass.MEDICATIONS, first(zone, i.getOccurrence(), i.getRecordedElement()));
        }
        if (resource instanceof DocumentReference d) {
            Period ctx = d.hasContext() ? d.getContext().getPeriod() : null;
            return ResourceFacts.of(DataClass.DOCUMENTS, first(zone, ctx, d.getDateElement()));
        }
        if (resource instanceof Composition c) {
            return ResourceFacts.of(DataClass.DOCUMENTS, first(zone, c.getDateElement()));
        }
        if (resource instanceof Media m) {
            return ResourceFacts.of(DataClass.DOCUMENTS, first(zone, m.getCreated(), m.getIssuedElement()));
        }
        if (resource instanceof Binary) {
            return ResourceFacts.of(DataClass.DOCUMENTS, null);
        }
        return new ResourceFacts(null, List.of(), null);
    }

    static DataClass observationClass(Observation o) {
        for (CodeableConcept cc : o.getCategory()) {
            for (Coding c : cc.getCoding()) {
                if (!OBS_CATEGORY.equals(c.getSystem()) || c.getCode() == null) {
                    continue;
                }
                switch (c.getCode()) {
                    case "laboratory":
                        return DataClass.LABORATORY;
                    case "vital-signs":
                        return DataClass.VITAL_SIGNS;
                    case "imaging":
                        return DataClass.IMAGING;
                    default:
                        break;
                }
            }
        }
        // An observation without a recognised category is still an observation of the patient; "checkup" is the
        // catch-all class for exam, survey, social-history, activity and uncategorised findings.
        return DataClass.CHECKUP;
    }

    static DataClass reportClass(DiagnosticReport r) {
        for (CodeableConcept cc : r.getCategory()) {
            for (Coding c : cc.getCoding()) {
                if (V2_0074.equals(c.getSystem()) && c.getCode() != null) {
                    if (IMAGING_SECTIONS.contains(c.getCode())) {
                        return DataClass.IMAGING;
                    }
                    if (LAB_SECTIONS.contains(c.getCode())) {
                        return DataClass.LABORATORY;
                    }
                }
                if (OBS_CATEGORY.equals(c.getSystem()) && "laboratory".equals(c.getCode())) {
                    return DataClass.LABORATORY;
                }
            }
        }
        return DataClass.DOCUMENTS;
    }

    /** The first present date among candidates (dateTime/instant elements, Periods' starts). */
    private static Instant first(ZoneId zone, Object... candidates) {
        for (Object o : candidates) {
            BaseDateTimeType dt = null;
            if (o instanceof BaseDateTimeType b) {
                dt = b;
            } else if (o instanceof Period p && p.hasStart()) {
                dt = p.getStartElement();
            }
            if (dt != null && dt.getValue() != null) {
                return Instant.ofEpochMilli(FhirDates.lower(dt, zone));
            }
        }
        return null;
    }
}
