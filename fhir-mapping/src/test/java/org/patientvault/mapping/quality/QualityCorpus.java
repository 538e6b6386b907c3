package org.patientvault.mapping.quality;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.patientvault.mapping.quality.internal.ResidentIdChecksum;

/**
 * The evidence corpus: a realistic, clean checkup submission (Patient with a valid resident ID and MRN, hospital
 * Organization, 14 lab Observations with LOINC + UCUM + reference ranges, PSA, vital signs with a BP panel, a
 * DiagnosticReport, and a CT ImagingStudy with full acquisition attributes), and injectable defects, each with the
 * check id that must find it. Mutable on purpose: defects are applied in place.
 */
final class QualityCorpus {
    static final Instant NOW = Instant.parse("2026-11-28T06:00:00Z");
    static final String LOCAL_SYSTEM = "https://hospital-a.example.org/fhir/CodeSystem/lab";
    static final String CT_SERIES_UID = "1.2.826.0.1.3680043.8.498.1001.1";
    static final String PATIENT_URL = "urn:uuid:6f1c2a10-0000-4000-8000-000000000001";
    static final String ORG_URL = "urn:uuid:6f1c2a10-0000-4000-8000-0000000000aa";

    /** A defect and the check id that must report it. */
    enum Defect {
        MISSING_UNIT(QualityChecks.OBSERVATION_UNIT),
        LOCAL_CODE_ONLY(QualityChecks.STANDARD_CODING),
        IMPLAUSIBLE_GLUCOSE(QualityChecks.VALUE_RANGE),
        IMPLAUSIBLE_HEIGHT(QualityChecks.VALUE_RANGE),
        WRONG_UNIT(QualityChecks.UNIT_ANALYTE),
        MISSING_CT_TAGS(QualityChecks.DICOM_ACQUISITION),
        FUTURE_DATE(QualityChecks.FUTURE_DATE),
        BEFORE_BIRTH(QualityChecks.BEFORE_BIRTH),
        PSA_ON_FEMALE(QualityChecks.SEX_SPECIFIC),
        DUPLICATE_ACROSS_SUBMISSIONS(QualityChecks.DUPLICATE),
        BAD_RESIDENT_ID(QualityChecks.RESIDENT_ID),
        MRN_WITHOUT_ASSIGNER(QualityChecks.MRN_IDENTIFIER),
        DANGLING_REFERENCE(QualityChecks.REFERENCE_INTEGRITY),
        MISSING_REFERENCE_RANGE(QualityChecks.OBSERVATION_REFERENCE_RANGE),
        MISSING_REPORT_PERFORMER(QualityChecks.REPORT_PERFORMER),
        MISSING_IMAGING_BODY_SITE(QualityChecks.IMAGING_BODY_SITE),
        VALIDATION_ERROR(QualityChecks.BASE_VALIDATION),
        // adds a resource: covered by the property because copies are kept out of the submission mean
        DUPLICATE_IN_SUBMISSION(QualityChecks.DUPLICATE),
        // removes what plaus.before-birth needs, so it can hide that defect: not drawn by the property

        MISSING_BIRTH_DATE(QualityChecks.PATIENT_BIRTH_DATE);

        final String expectedCheck;

        Defect(String expectedCheck) {
            this.expectedCheck = expectedCheck;
        }

        boolean inPlace() {
            return this != MISSING_BIRTH_DATE;
        }
    }

    final List<Resource> resources = new ArrayList<>();
    final List<String> fullUrls = new ArrayList<>();
    final Map<String, Map<String, String>> dicom = new HashMap<>();
    final Set<String> seen = new HashSet<>();
    final List<QualityValidationMessage> validation = new ArrayList<>();
    final Map<String, Integer> index = new HashMap<>();
    String patientKey;

    static String residentId(String first17) {
        return first17 + ResidentIdChecksum.checkCharacter(first17);
    }

    /** A clean corpus; {@code seed} jitters the values inside their normal ranges. */
    static QualityCorpus clean(long seed) {
        Random rnd = new Random(seed);
        QualityCorpus c = new QualityCorpus();
        Organization org = new Organization();
        org.addIdentifier().setSystem("https://patientvault.org/fhir/sid/org").setValue("hospital-a");
        org.setName("Hospital A");
        c.add("org", ORG_URL, org);

        Patient p = new Patient();
        p.addIdentifier().setSystem("https://patientvault.org/fhir/sid/cn-resident-id")
                .setValue(residentId("11010519800101123"));
        Identifier mrn = p.addIdentifier().setSystem("https://hospital-a.example.org/fhir/sid/mrn").setValue("MRN-0042");
        mrn.getType().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/v2-0203").setCode("MR");
        mrn.setAssigner(new Reference(ORG_URL));
        p.addName().setFamily("Wang").addGiven("Lei");
        p.setGender(AdministrativeGender.MALE);
        p.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1980-01-01"));
        c.add("patient", PATIENT_URL, p);

        List<Reference> results = new ArrayList<>();
        results.add(c.lab("glucose", "14749-6", "Glucose [Moles/volume] in Serum or Plasma", jitter(rnd, 5.2), "mmol/L", 3.9, 6.1));
        results.add(c.lab("hba1c", "4548-4", "Hemoglobin A1c", jitter(rnd, 5.5), "%", 4.0, 6.0));
        results.add(c.lab("alt", "1742-6", "ALT", jitter(rnd, 24), "U/L", 9, 50));
        results.add(c.lab("ast", "1920-8", "AST", jitter(rnd, 22), "U/L", 15, 40));
        results.add(c.lab("creatinine", "14682-9", "Creatinine", jitter(rnd, 78), "umol/L", 57, 111));
        results.add(c.lab("cholesterol", "14647-2", "Cholesterol", jitter(rnd, 4.6), "mmol/L", 0, 5.2));
        results.add(c.lab("tg", "14927-8", "Triglyceride", jitter(rnd, 1.3), "mmol/L", 0, 1.7));
        results.add(c.lab("hdl", "14646-4", "HDL cholesterol", jitter(rnd, 1.3), "mmol/L", 1.0, 3.0));
        results.add(c.lab("ldl", "22748-8", "LDL cholesterol", jitter(rnd, 2.8), "mmol/L", 0, 3.4));
        results.add(c.lab("wbc", "6690-2", "Leukocytes", jitter(rnd, 6.2), "10*9/L", 3.5, 9.5));
        results.add(c.lab("rbc", "789-8", "Erythrocytes", jitter(rnd, 4.9), "10*12/L", 4.3, 5.8));
        results.add(c.lab("hgb", "718-7", "Hemoglobin", jitter(rnd, 148), "g/L", 130, 175));
        results.add(c.lab("plt", "777-3", "Platelets", jitter(rnd, 230), "10*9/L", 125, 350));
        results.add(c.lab("psa", "2857-1", "Prostate specific Ag", jitter(rnd, 1.1), "ng/mL", 0, 4));

        Observation bp = c.vital("bp", "85354-9", "Blood pressure panel", null, null);
        bp.addComponent().setCode(loinc("8480-6", "Systolic blood pressure"))
                .setValue(ucum(jitter(rnd, 122), "mm[Hg]"));
        bp.addComponent().setCode(loinc("8462-4", "Diastolic blood pressure"))
                .setValue(ucum(jitter(rnd, 78), "mm[Hg]"));
        c.vital("height", "8302-2", "Body height", jitter(rnd, 172), "cm");
        c.vital("weight", "29463-7", "Body weight", jitter(rnd, 68), "kg");
        c.vital("bmi", "39156-5", "Body mass index", jitter(rnd, 23), "kg/m2");

        DiagnosticReport report = new DiagnosticReport();
        report.setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL);
        report.addCategory().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/v2-0074").setCode("LAB");
        report.setCode(loinc("11502-2", "Laboratory report"));
        report.setSubject(new Reference(PATIENT_URL));
        report.setEffective(new DateTimeType("2026-11-20T08:30:00+08:00"));
        report.setIssuedElement(new InstantType("2026-11-20T15:00:00+08:00"));
        report.addPerformer(new Reference(ORG_URL));
        report.setResult(results);
        c.add("report", "urn:uuid:6f1c2a10-0000-4000-8000-0000000000bb", report);

        ImagingStudy ct = new ImagingStudy();
        ct.addIdentifier().setSystem("urn:dicom:uid").setValue("urn:oid:1.2.826.0.1.3680043.8.498.1001");
        ct.setStatus(ImagingStudy.ImagingStudyStatus.AVAILABLE);
        ct.addModality().setSystem("http://dicom.nema.org/resources/ontology/DCM").setCode("CT");
        ct.setSubject(new Reference(PATIENT_URL));
        ct.setStartedElement(new DateTimeType("2026-11-20T10:05:00+08:00"));
        ct.setNumberOfSeries(1);
        ct.setNumberOfInstances(240);
        ImagingStudy.ImagingStudySeriesComponent series = ct.addSeries();
        series.setUid(CT_SERIES_UID).setNumber(1).setNumberOfInstances(240);
        series.setModality(new Coding("http://dicom.nema.org/resources/ontology/DCM", "CT", "Computed Tomography"));
        series.setBodySite(new Coding("http://snomed.info/sct", "51185008", "Thoracic structure"));
        c.add("ct", "urn:uuid:6f1c2a10-0000-4000-8000-0000000000cc", ct);
        Map<String, String> attrs = new HashMap<>();
        attrs.put("SliceThickness", "1.25");
        attrs.put("KVP", "120");
        attrs.put("ConvolutionKernel", "STANDARD");
        attrs.put("PixelSpacing", "0.703125\\0.703125");
        attrs.put("Manufacturer", "GE MEDICAL SYSTEMS");
        attrs.put("ManufacturerModelName", "Revolution CT");
        c.dicom.put(CT_SERIES_UID, attrs);
        return c;
    }

    private static double jitter(Random rnd, double normal) {
        return normal * (0.95 + 0.1 * rnd.nextDouble());
    }

    static CodeableConcept loinc(String code, String display) {
        return new CodeableConcept().addCoding(new Coding("http://loinc.org", code, display)).setText(display);
    }

    static Quantity ucum(double value, String unit) {
        return new Quantity().setValue(BigDecimal.valueOf(value).setScale(2, java.math.RoundingMode.HALF_UP))
                .setUnit(unit).setSystem("http://unitsofmeasure.org").setCode(unit);
    }

    private Reference lab(String key, String code, String display, double value, String unit, double low,
            double high) {
        Observation o = observation(code, display, "laboratory");
        o.setValue(ucum(value, unit));
        o.addReferenceRange().setLow(ucum(low, unit)).setHigh(ucum(high, unit));
        String url = "urn:uuid:6f1c2a10-1111-4000-8000-" + String.format("%012d", resources.size());
        add(key, url, o);
        return new Reference(url);
    }

    private Observation vital(String key, String code, String display, Double value, String unit) {
        Observation o = observation(code, display, "vital-signs");
        if (value != null) {
            o.setValue(ucum(value, unit));
        }
        add(key, "urn:uuid:6f1c2a10-2222-4000-8000-" + String.format("%012d", resources.size()), o);
        return o;
    }

    private static Observation observation(String code, String display, String category) {
        Observation o = new Observation();
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.addCategory().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/observation-category")
                .setCode(category);
        o.setCode(loinc(code, display));
        o.setSubject(new Reference(PATIENT_URL));
        o.setEffective(new DateTimeType("2026-11-20T08:30:00+08:00"));
        o.setIssuedElement(new InstantType("2026-11-20T14:00:00+08:00"));
        o.addPerformer(new Reference(ORG_URL));
        return o;
    }

    private void add(String key, String url, Resource r) {
        index.put(key, resources.size());
        resources.add(r);
        fullUrls.add(url);
    }

    @SuppressWarnings("unchecked")
    <T extends Resource> T get(String key) {
        return (T) resources.get(index.get(key));
    }

    Bundle bundle() {
        Bundle b = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (int i = 0; i < resources.size(); i++) {
            b.addEntry().setFullUrl(fullUrls.get(i)).setResource(resources.get(i)).getRequest()
                    .setMethod(Bundle.HTTPVerb.POST).setUrl(resources.get(i).fhirType());
        }
        return b;
    }

    QualityContext context() {
        QualityContext.Builder b = QualityContext.builder(NOW).seenFingerprints(seen).validationMessages(validation)
                .patientKey(patientKey);
        dicom.forEach(b::dicomAttributes);
        return b.build();
    }

    QualityCorpus apply(Defect d, QualityScorer scorer) {
        switch (d) {
            case MISSING_UNIT -> {
                Quantity q = this.<Observation>get("alt").getValueQuantity();
                q.setUnit(null).setSystem(null).setCode(null);
            }
            case LOCAL_CODE_ONLY -> this.<Observation>get("cholesterol").setCode(new CodeableConcept()
                    .addCoding(new Coding(LOCAL_SYSTEM, "CHOL", "总胆固醇")));
            case IMPLAUSIBLE_GLUCOSE -> this.<Observation>get("glucose").setValue(ucum(80, "mmol/L"));
            case IMPLAUSIBLE_HEIGHT -> this.<Observation>get("height").setValue(ucum(17, "m"));
            case WRONG_UNIT -> this.<Observation>get("ast").setValue(ucum(22, "mmol/L"));
            case MISSING_CT_TAGS -> {
                dicom.get(CT_SERIES_UID).remove("KVP");
                dicom.get(CT_SERIES_UID).remove("ConvolutionKernel");
            }
            case FUTURE_DATE -> this.<Observation>get("hba1c").setEffective(new DateTimeType("2027-03-01T08:00:00+08:00"));
            case BEFORE_BIRTH -> this.<Observation>get("creatinine").setEffective(new DateTimeType("1975-06-01"));
            case PSA_ON_FEMALE -> this.<Patient>get("patient").setGender(AdministrativeGender.FEMALE);
            case DUPLICATE_ACROSS_SUBMISSIONS -> {
                QualityReport r = scorer.score(bundle(), context());
                seen.add(r.resource(index.get("wbc")).orElseThrow().fingerprint());
            }
            case BAD_RESIDENT_ID -> {
                Identifier id = this.<Patient>get("patient").getIdentifierFirstRep();
                String v = id.getValue();
                char wrong = v.charAt(17) == '1' ? '2' : '1';
                id.setValue(v.substring(0, 17) + wrong);
            }
            case MRN_WITHOUT_ASSIGNER -> this.<Patient>get("patient").getIdentifier().get(1).setAssigner(null);
            case DANGLING_REFERENCE -> {
                DiagnosticReport rep = get("report");
                String missing = "urn:uuid:6f1c2a10-9999-4000-8000-000000000000";
                if (rep.getResult().stream().noneMatch(x -> missing.equals(x.getReference()))) {
                    rep.addResult(new Reference(missing));
                }
            }
            case MISSING_REFERENCE_RANGE -> this.<Observation>get("hgb").setReferenceRange(new ArrayList<>());
            case MISSING_REPORT_PERFORMER -> this.<DiagnosticReport>get("report").setPerformer(new ArrayList<>());
            case MISSING_IMAGING_BODY_SITE -> this.<ImagingStudy>get("ct").getSeriesFirstRep().setBodySite(null);
            case VALIDATION_ERROR -> {
                QualityValidationMessage m = QualityValidationMessage.of("error",
                        "Bundle.entry[" + index.get("glucose") + "].resource.status",
                        "Observation.status: minimum required = 1, but only found 0");
                if (!validation.contains(m)) {
                    validation.add(m);
                }
            }
            case DUPLICATE_IN_SUBMISSION -> {
                Observation copy = this.<Observation>get("tg").copy();
                add("tg-copy", "urn:uuid:6f1c2a10-3333-4000-8000-" + String.format("%012d", resources.size()), copy);
            }
            case MISSING_BIRTH_DATE -> this.<Patient>get("patient").setBirthDateElement(null);
        }
        return this;
    }
}
