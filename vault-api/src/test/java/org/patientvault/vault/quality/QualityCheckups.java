package org.patientvault.vault.quality;

import java.math.BigDecimal;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.mapping.ResidentId;

/** Checkup transactions for the quality tests: a clean one and one with injected defects. */
final class QualityCheckups {

    static final String RESIDENT_ID = IdentitySystems.RESIDENT_ID;
    static final String TEST_IDS = "urn:patientvault:test:quality";
    static final String LOCAL_SYSTEM = "https://hosp-beijing.example.org/fhir/CodeSystem/lab";
    private static final AtomicInteger SEQ = new AtomicInteger(700);

    private QualityCheckups() {
    }

    /** A fresh valid resident ID born 1980-01-01 (GB 11643 check character). */
    static String residentId() {
        String first17 = "110105" + "19800101" + String.format("%03d", SEQ.incrementAndGet() % 1000);
        return first17 + ResidentId.checkCharacter(first17);
    }

    /** A checkup with a unique tag: each Observation identifier is {@code TEST_IDS|<tag>-<n>}. */
    static Bundle clean(String residentId, String tag) {
        Bundle b = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        b.getIdentifier().setSystem(TEST_IDS).setValue(tag);
        String patientUrl = "urn:uuid:" + UUID.randomUUID();
        Patient p = new Patient();
        p.addIdentifier().setSystem(RESIDENT_ID).setValue(residentId);
        p.addName().setFamily("Quality").addGiven("Test");
        p.setGender(Enumerations.AdministrativeGender.MALE);
        p.setBirthDateElement(new DateType("1980-01-01"));
        b.addEntry().setFullUrl(patientUrl).setResource(p).getRequest().setMethod(Bundle.HTTPVerb.POST)
                .setUrl("Patient");
        lab(b, patientUrl, tag, "14749-6", "Glucose", 5.2, "mmol/L", 3.9, 6.1);
        lab(b, patientUrl, tag, "1742-6", "ALT", 24, "U/L", 9, 50);
        lab(b, patientUrl, tag, "14647-2", "Cholesterol", 4.6, "mmol/L", 0, 5.2);
        lab(b, patientUrl, tag, "718-7", "Hemoglobin", 148, "g/L", 130, 175);
        return b;
    }

    /**
     * The clean checkup with three defects: the glucose has no unit (compl.observation-unit), the ALT carries a local
     * code only (conf.standard-coding) — one no terminology map knows, since mappable local codes get their LOINC
     * coding added on the way in — and the cholesterol is dated in the future (plaus.future-date).
     */
    static Bundle defective(String residentId, String tag) {
        Bundle b = clean(residentId, tag);
        Observation glucose = (Observation) b.getEntry().get(1).getResource();
        glucose.getValueQuantity().setUnit(null).setSystem(null).setCode(null);
        glucose.getReferenceRange().clear();
        Observation alt = (Observation) b.getEntry().get(2).getResource();
        alt.setCode(new CodeableConcept(new Coding(LOCAL_SYSTEM, "ZX017", "Enzyme panel 7")));
        Observation chol = (Observation) b.getEntry().get(3).getResource();
        chol.setEffective(new DateTimeType("2099-01-01T08:00:00+08:00"));
        return b;
    }

    private static void lab(Bundle b, String patientUrl, String tag, String loinc, String display, double value,
                            String unit, double low, double high) {
        Observation o = new Observation();
        o.addIdentifier().setSystem(TEST_IDS).setValue(tag + "-" + b.getEntry().size());
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.addCategory().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/observation-category")
                .setCode("laboratory");
        o.setCode(new CodeableConcept(new Coding("http://loinc.org", loinc, display)).setText(display));
        o.setSubject(new Reference(patientUrl));
        o.setEffective(new DateTimeType("2026-11-20T08:30:00+08:00"));
        o.setValue(ucum(value, unit));
        o.addReferenceRange().setLow(ucum(low, unit)).setHigh(ucum(high, unit));
        b.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(o).getRequest()
                .setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
    }

    private static Quantity ucum(double value, String unit) {
        return new Quantity().setValue(BigDecimal.valueOf(value)).setUnit(unit).setSystem("http://unitsofmeasure.org")
                .setCode(unit);
    }
}
