package org.patientvault.mobile;

import java.math.BigDecimal;
import java.util.Date;
import java.util.UUID;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.web.servlet.MockMvc;

/** The patient API in a MockMvc context on {@link FakeVault}. */
@SpringBootTest(classes = MobileTestApp.class)
@AutoConfigureMockMvc
abstract class ApiTestBase {

    @Autowired
    protected MockMvc mvc;

    @Autowired
    protected FakeVault vault;

    @BeforeEach
    void resetVault() {
        vault.reset();
        Organization beijing = new Organization().setName("Beijing Hospital Directory Name");
        beijing.setId("Organization/org-bj");
        beijing.addIdentifier(new Identifier().setSystem("https://patientvault.org/fhir/sid/org")
                .setValue("hosp-beijing"));
        vault.resources.add(beijing);
    }

    protected static Observation glucose(String org, String date, double value, String unit, Double low,
                                         Double high, Double quality) {
        Observation o = new Observation();
        o.setId("Observation/" + UUID.randomUUID() + "/_history/1");
        o.getMeta().addTag(FakeVault.submitter(org));
        o.getMeta().setLastUpdated(new Date());
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.setCode(new CodeableConcept(new Coding("http://loinc.org", "1558-6", "Fasting glucose")));
        o.setEffective(new DateTimeType(date));
        o.setValue(new Quantity().setValue(value).setUnit(unit).setSystem("http://unitsofmeasure.org").setCode(unit));
        if (low != null || high != null) {
            Observation.ObservationReferenceRangeComponent rr = o.addReferenceRange();
            if (low != null) {
                rr.setLow(new org.hl7.fhir.r4.model.SimpleQuantity().setValue(low).setUnit(unit));
            }
            if (high != null) {
                rr.setHigh(new org.hl7.fhir.r4.model.SimpleQuantity().setValue(high).setUnit(unit));
            }
        }
        if (quality != null) {
            o.addExtension("https://patientvault.org/fhir/StructureDefinition/quality-score",
                    new DecimalType(BigDecimal.valueOf(quality)));
        }
        return o;
    }

    protected static ImagingStudy study(String org, String started, String uid, String... seriesModalities) {
        ImagingStudy s = new ImagingStudy();
        s.setId("ImagingStudy/" + UUID.randomUUID() + "/_history/1");
        s.getMeta().addTag(FakeVault.submitter(org));
        s.getMeta().setLastUpdated(new Date());
        s.setStatus(ImagingStudy.ImagingStudyStatus.AVAILABLE);
        s.addIdentifier().setSystem("urn:dicom:uid").setValue("urn:oid:" + uid);
        s.setStartedElement(new DateTimeType(started));
        s.setDescription("Chest CT");
        int n = 1;
        for (String m : seriesModalities) {
            ImagingStudy.ImagingStudySeriesComponent se = s.addSeries().setUid(uid + "." + n).setNumber(n)
                    .setModality(new Coding("http://dicom.nema.org/resources/ontology/DCM", m, null));
            se.setBodySite(new Coding("http://snomed.info/sct", "51185008", "Chest"));
            se.addInstance().setUid(uid + "." + n + ".1").setSopClass(new Coding("urn:ietf:rfc:3986",
                    "urn:oid:1.2.840.10008.5.1.4.1.1.2", null));
            n++;
        }
        s.setNumberOfSeries(seriesModalities.length);
        s.setNumberOfInstances(seriesModalities.length);
        return s;
    }
}
