package org.patientvault.vault;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.mapping.ResidentId;

/** Small, valid hospital submissions for tests. */
public final class TestBundles {

    public static final String RESIDENT_ID = IdentitySystems.RESIDENT_ID;

    private TestBundles() {
    }

    /** A valid resident ID (GB 11643 check character) that no demo user and, most likely, no other test uses. */
    public static String newResidentId() {
        String first17 = "440106" + "19" + (50 + ThreadLocalRandom.current().nextInt(50)) + "0101"
                + String.format("%03d", ThreadLocalRandom.current().nextInt(1000));
        return first17 + ResidentId.checkCharacter(first17);
    }

    /** A transaction: one Patient (conditional create on the resident ID) and one fasting-glucose Observation. */
    public static Bundle checkup(String residentId, double glucose) {
        Bundle b = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        String patientUrl = "urn:uuid:" + UUID.randomUUID();
        Patient p = new Patient();
        p.addIdentifier(new Identifier().setSystem(RESIDENT_ID).setValue(residentId));
        p.addName().setFamily("Test").addGiven("Patient");
        p.setGender(Enumerations.AdministrativeGender.FEMALE);
        p.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1985-03-12"));
        b.addEntry().setFullUrl(patientUrl).setResource(p).getRequest()
                .setMethod(Bundle.HTTPVerb.POST).setUrl("Patient")
                .setIfNoneExist("identifier=" + RESIDENT_ID + "|" + residentId);
        b.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(glucose(patientUrl, glucose))
                .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
        return b;
    }

    public static Observation glucose(String subject, double value) {
        Observation o = new Observation();
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.setCode(new CodeableConcept(new Coding("http://loinc.org", "1558-6", "Fasting glucose")));
        o.setSubject(new Reference(subject));
        o.setEffective(new DateTimeType("2026-10-01"));
        o.setValue(new Quantity().setValue(value).setUnit("mmol/L").setSystem("http://unitsofmeasure.org")
                .setCode("mmol/L"));
        return o;
    }
}
