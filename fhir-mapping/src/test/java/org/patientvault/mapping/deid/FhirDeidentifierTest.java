package org.patientvault.mapping.deid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.FhirTerser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.patientvault.mapping.dicom.DicomReader;
import org.patientvault.mapping.dicom.DicomTags;

/** The FHIR side: planted-marker corpus, clinical content identity, structure, rules one by one. */
class FhirDeidentifierTest {
    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static final LocalDate REFERENCE = LocalDate.of(2026, 12, 1);

    private static DeidRelease release(String key) {
        return DeidRelease.fromKey(("release-key-" + key + "-padding-padding").getBytes(StandardCharsets.UTF_8), 180,
                REFERENCE);
    }

    private static String json(Resource r) {
        return CTX.newJsonParser().encodeResourceToString(r);
    }

    @Test
    void noPlantedMarkerSurvivesAndClinicalContentIsIdentical() {
        DeidCorpus corpus = DeidCorpus.generate(200);
        FhirDeidentifier d = new FhirDeidentifier(CTX, DeidProfile.research(), release("corpus"));
        StringBuilder ndjson = new StringBuilder();
        Map<String, StringBuilder> perPatient = new HashMap<>();
        FhirTerser terser = CTX.newTerser();
        int out = 0;
        for (Resource in : corpus.resources) {
            Optional<Resource> o = d.deidentify(in);
            if (in.fhirType().equals("Provenance") || in.fhirType().equals("AuditEvent")) {
                assertThat(o).isEmpty();
                continue;
            }
            Resource r = o.orElseThrow();
            out++;
            String line = json(r);
            ndjson.append(line).append('\n');
            String patient = in.getIdElement().getIdPart().replaceAll("^.*?-(\\d+)-mrk$", "$1");
            perPatient.computeIfAbsent(patient, k -> new StringBuilder()).append(line);
            assertThat(R4Structure.problems(CTX, line)).as("%s", line).isEmpty();
            assertThat(r.getMeta().getSecurity("http://terminology.hl7.org/CodeSystem/v3-ObservationValue", "PSEUDED"))
                    .isNotNull();
            // clinical content: every coding (system|code) and every quantity, in order
            assertThat(codes(terser, r)).isEqualTo(codes(terser, in));
            assertThat(quantities(terser, r)).isEqualTo(quantities(terser, in));
        }
        assertThat(out).isEqualTo(200 * 7);
        assertNoMarker(ndjson.toString(), corpus.markers);
        // exact dates: no patient's output holds any of its own original dates (another patient's shifted date may
        // coincide with one, so this check is per patient)
        for (int p = 0; p < 200; p++) {
            String mine = perPatient.get(Integer.toString(p)).toString();
            DeidCorpus one = DeidCorpus.of(p);
            for (String m : one.markers) {
                if (m.matches("\\d{4}-\\d{2}-\\d{2}.*")) {
                    assertThat(mine).as("patient %d date %s", p, m).doesNotContain(m.substring(0, 10));
                }
            }
        }
        DeidReport report = d.report();
        assertThat(report.excluded()).containsEntry("type:Provenance", 200L).containsEntry("type:AuditEvent", 200L);
        // planted in kept code displays: one mobile (glucose local code) and one resident ID (urine component) each
        assertThat(report.mobileNumbersRemoved()).isEqualTo(200);
        assertThat(report.residentIdsRemoved()).isEqualTo(200);
        assertThat(report.resourcesOut()).isEqualTo(1400);
    }

    /**
     * No marker occurs in {@code output}. Markers carrying a sentinel ({@code MK}, {@code MRK}, {@code mrk}, {@code mk};
     * hex pseudonyms cannot contain m or k) are covered by searching for the sentinels; the others (resident IDs,
     * phones, UIDs) by searching every run of digits and dots of the output. Exact dates are checked per patient.
     */
    static void assertNoMarker(String output, List<String> markers) {
        List<String> sentinels = List.of("MK", "MRK", "mrk", "mk");
        for (String s : sentinels) {
            assertThat(output).as("sentinel %s", s).doesNotContain(s);
        }
        List<String> runs = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("[0-9.]{11,}").matcher(output);
        while (m.find()) {
            runs.add(m.group());
        }
        for (String marker : markers) {
            if (sentinels.stream().anyMatch(marker::contains) || marker.matches("\\d{4}-\\d{2}-\\d{2}.*")) {
                continue;
            }
            assertThat(marker).as("marker without sentinel must be digits and dots").matches("[0-9.Xx]{11,}");
            String digits = marker.endsWith("X") ? marker.substring(0, marker.length() - 1) : marker;
            assertThat(runs).as("marker %s", marker).noneMatch(r -> r.contains(digits));
        }
    }

    private static List<String> codes(FhirTerser t, Resource r) {
        List<String> out = new ArrayList<>();
        for (Coding c : t.getAllPopulatedChildElementsOfType(r, Coding.class)) {
            if (!r.getMeta().getSecurity().contains(c) && !r.getMeta().getTag().contains(c)) {
                out.add(c.getSystem() + "|" + c.getCode());
            }
        }
        return out;
    }

    private static List<String> quantities(FhirTerser t, Resource r) {
        List<String> out = new ArrayList<>();
        for (Quantity q : t.getAllPopulatedChildElementsOfType(r, Quantity.class)) {
            out.add(q.getValue().toPlainString() + " " + q.getUnit() + " " + q.getSystem() + "|" + q.getCode());
        }
        return out;
    }

    @Test
    void referencesAndIdsArePseudonymisedConsistentlyAndDatesShiftedPerPatient() {
        DeidRelease rel = release("refs");
        FhirDeidentifier d = new FhirDeidentifier(CTX, DeidProfile.research(), rel);
        DeidCorpus c = DeidCorpus.of(3);
        Patient pat = (Patient) d.deidentify(c.resources.get(0)).orElseThrow();
        Encounter enc = (Encounter) d.deidentify(c.resources.get(1)).orElseThrow();
        Observation glu = (Observation) d.deidentify(c.resources.get(2)).orElseThrow();
        assertThat(pat.getIdElement().getIdPart()).isEqualTo(rel.patientPseudonym(c.patientIds.get(0)));
        assertThat(glu.getSubject().getReference()).isEqualTo("Patient/" + pat.getIdElement().getIdPart());
        assertThat(glu.getEncounter().getReference()).isEqualTo("Encounter/" + enc.getIdElement().getIdPart());
        assertThat(glu.getSubject().hasDisplay()).isFalse();
        assertThat(pat.getIdentifier()).allSatisfy(i -> {
            assertThat(i.getSystem()).isEqualTo(DeidRelease.PSEUDONYM_SYSTEM);
            assertThat(rel.isOwnPseudonym(i.getValue())).isTrue();
            assertThat(i.hasAssigner()).isFalse();
        });
        int shift = rel.shiftDays(c.patientIds.get(0));
        assertThat(shift).isNotZero().isBetween(-180, 180);
        OffsetDateTime before = OffsetDateTime.parse(((Observation) c.resources.get(2)).getEffectiveDateTimeType().getValueAsString());
        assertThat(OffsetDateTime.parse(glu.getEffectiveDateTimeType().getValueAsString())).isEqualTo(before.plusDays(shift));
        // Patient: birth date to year, address to province, no names, telecom, photo, contact, narrative, foreign extension
        assertThat(pat.getBirthDateElement().getValueAsString()).isEqualTo(Integer.toString(1943));
        assertThat(pat.getAddress()).singleElement().satisfies(a -> {
            assertThat(a.getState()).isEqualTo(DeidCorpus.PROVINCE[3]);
            assertThat(a.hasLine() || a.hasCity() || a.hasDistrict() || a.hasPostalCode() || a.hasText()).isFalse();
        });
        assertThat(pat.hasName() || pat.hasTelecom() || pat.hasPhoto() || pat.hasContact() || pat.hasText()).isFalse();
        assertThat(pat.getExtension()).extracting(e -> e.getUrl())
                .containsExactly("https://patientvault.org/fhir/StructureDefinition/quality-score");
        assertThat(pat.getMeta().hasSource() || pat.getMeta().hasVersionId()).isFalse();
        // valueString: allow-listed kept, free text removed
        Observation urine = (Observation) d.deidentify(c.resources.get(3)).orElseThrow();
        assertThat(urine.getValueStringType().getValue()).isEqualTo("阴性");
        assertThat(urine.getComponentFirstRep().hasValue()).isFalse();
        assertThat(glu.hasNote()).isFalse();
        assertThat(glu.getCode().hasText()).isFalse();
    }

    @Test
    void theVeryOldShareOneAgeGroup() {
        FhirDeidentifier d = new FhirDeidentifier(CTX, DeidProfile.research(), release("age"));
        Patient old = new Patient();
        old.setId("old");
        old.setBirthDateElement(new DateType("1930-05-06"));
        Patient out = (Patient) d.deidentify(old).orElseThrow();
        assertThat(out.getBirthDateElement().getValue()).isNull();
        assertThat(out.getBirthDateElement().getExtensionByUrl(FhirDeidentifier.AGE_GROUP_EXTENSION).getValue())
                .isInstanceOfSatisfying(StringType.class, s -> assertThat(s.getValue()).isEqualTo("90+"));
        assertThat(json(out)).doesNotContain("1930");
        assertThat(R4Structure.problems(CTX, json(out))).isEmpty();
        Patient young = new Patient();
        young.setId("young");
        young.setBirthDateElement(new DateType("1937-01-01"));
        assertThat(((Patient) d.deidentify(young).orElseThrow()).getBirthDateElement().getValueAsString()).isEqualTo("1937");
    }

    @Test
    void aRequiredElementEmptiedByTheRulesIsMarkedAbsentNotDropped() {
        FhirDeidentifier d = new FhirDeidentifier(CTX, DeidProfile.research(), release("absent"));
        Observation o = new Observation();
        o.setId("o1");
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.setCode(new CodeableConcept().setText("血糖 of 张三"));
        Observation out = (Observation) d.deidentify(o).orElseThrow();
        assertThat(out.getCode().getExtensionByUrl(FhirDeidentifier.DATA_ABSENT_REASON)).isNotNull();
        assertThat(json(out)).doesNotContain("张三");
        assertThat(R4Structure.problems(CTX, json(out))).isEmpty();
    }

    @Test
    void imagingStudyNamesTheSameUidsAsTheDicomSideOfTheRelease() throws Exception {
        DeidRelease rel = release("imaging");
        DeidCorpus c = DeidCorpus.of(11);
        ImagingStudy in = (ImagingStudy) c.resources.get(6);
        ImagingStudy out = (ImagingStudy) new FhirDeidentifier(CTX, DeidProfile.research(), rel).deidentify(in)
                .orElseThrow();
        DeidDicomCorpus dicom = new DeidDicomCorpus(Path.of("target", "deid-dicom-fhir").toAbsolutePath());
        // the DICOM instance carries the same original Study Instance UID family as the FHIR study of patient 11
        Path instance = dicom.instance(11, "ct-11", "CT", "CTImageStorage", null, "+te");
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (InputStream is = Files.newInputStream(instance)) {
            new DicomDeidentifier(rel).deidentify(c.patientIds.get(0), is, o);
        }
        var ds = new DicomReader().read(new ByteArrayInputStream(o.toByteArray())).dataset();
        String studyUid = ds.getString(DicomTags.StudyInstanceUID);
        String fhirStudy = out.getIdentifier().stream().filter(i -> "urn:dicom:uid".equals(i.getSystem())).findFirst()
                .orElseThrow().getValue();
        // both sides map the original through the release: same original, same new UID
        assertThat(fhirStudy).isEqualTo("urn:oid:" + rel.dicomUid(c.studyUids.get(0)));
        assertThat(studyUid).isEqualTo(rel.dicomUid(DeidDicomCorpus.studyUid(11)));
        assertThat(out.getSeriesFirstRep().getUid()).isEqualTo(rel.dicomUid(c.studyUids.get(0) + ".1"));
        assertThat(out.getSeriesFirstRep().getInstanceFirstRep().getUid()).isEqualTo(rel.dicomUid(c.studyUids.get(0) + ".1.1"));
        assertThat(out.getSeriesFirstRep().getInstanceFirstRep().getSopClass().getCode())
                .isEqualTo("urn:oid:1.2.840.10008.5.1.4.1.1.2");
        // the same Patient pseudonym on both sides
        assertThat(ds.getString(0x00100020)).isEqualTo(rel.patientPseudonym(c.patientIds.get(0)));
        assertThat(out.getSubject().getReference()).isEqualTo("Patient/" + rel.patientPseudonym(c.patientIds.get(0)));
        assertThat(out.hasDescription() || out.getSeriesFirstRep().hasDescription()).isFalse();
    }

    @Test
    void bundleEntriesAreDeidentifiedAndExcludedTypesDropped() {
        DeidRelease rel = release("bundle");
        Bundle b = new Bundle().setType(Bundle.BundleType.COLLECTION);
        DeidCorpus c = DeidCorpus.of(5);
        for (Resource r : c.resources) {
            b.addEntry().setFullUrl("urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e").setResource(r);
        }
        Bundle out = (Bundle) new FhirDeidentifier(CTX, DeidProfile.research(), rel).deidentify(b).orElseThrow();
        assertThat(out.getEntry()).filteredOn(e -> e.hasResource()).hasSize(7);
        assertThat(out.getEntry()).allSatisfy(e -> assertThat(e.getFullUrl()).startsWith("urn:uuid:")
                .doesNotContain("0f8fad5b"));
    }

    @Test
    void containedResourcesKeepTheirLocalIdsAndAreDeidentified() {
        org.hl7.fhir.r4.model.MedicationRequest mr = new org.hl7.fhir.r4.model.MedicationRequest();
        mr.setId("mr1");
        mr.setStatus(org.hl7.fhir.r4.model.MedicationRequest.MedicationRequestStatus.ACTIVE);
        mr.setIntent(org.hl7.fhir.r4.model.MedicationRequest.MedicationRequestIntent.ORDER);
        mr.setSubject(new Reference("Patient/p1"));
        org.hl7.fhir.r4.model.Medication med = new org.hl7.fhir.r4.model.Medication();
        med.setId("med1");
        med.getCode().addCoding(new Coding("http://www.nlm.nih.gov/research/umls/rxnorm", "860975", null));
        med.getBatch().setLotNumber("LOT-MRK-1").setExpirationDateElement(new org.hl7.fhir.r4.model.DateTimeType("2027-01-31"));
        mr.addContained(med);
        mr.setMedication(new Reference("#med1"));
        DeidRelease rel = release("contained");
        String out = json(new FhirDeidentifier(CTX, DeidProfile.research(), rel).deidentify(mr).orElseThrow());
        assertThat(out).contains("\"reference\":\"#med1\"").contains("\"id\":\"med1\"").contains("860975")
                .doesNotContain("LOT-MRK-1").doesNotContain("2027-01-31");
        assertThat(R4Structure.problems(CTX, out)).isEmpty();
    }

    @Test
    void profilesAreValidatedWhenParsed() {
        assertThat(DeidProfile.research().id()).isEqualTo("research");
        assertThat(DeidProfile.research().excludedResourceTypes()).contains("Provenance", "AuditEvent");
        for (String bad : List.of("{\"id\":\"x\",\"version\":\"1\",\"rules\":[{\"path\":\"Patient.name\",\"method\":\"scramble\"}]}",
                "{\"id\":\"x\",\"version\":\"1\",\"rules\":[{\"method\":\"redact\"}]}",
                "{\"id\":\"x\",\"version\":\"1\",\"rules\":[{\"path\":\"patient..name\",\"method\":\"redact\"}]}",
                "{\"id\":\"x\",\"version\":\"1\",\"rules\":[{\"type\":\"date\",\"method\":\"generalize\"}]}",
                "{\"version\":\"1\",\"rules\":[]}")) {
            assertThatThrownBy(() -> DeidProfile.parse(new ByteArrayInputStream(bad.getBytes(StandardCharsets.UTF_8))))
                    .as(bad).isInstanceOf(DeidProfileException.class);
        }
    }

    @Test
    void aProfileFromDataChangesTheOutcome() throws Exception {
        String profile = """
                {"id": "keep-names", "version": "1", "rules": [
                  {"id": "names", "type": "HumanName", "method": "keep"},
                  {"id": "gender", "path": "Patient.gender", "method": "substitute", "value": "unknown"},
                  {"id": "ids", "path": "Resource.id", "method": "redact"}
                ]}""";
        DeidProfile p = DeidProfile.parse(new ByteArrayInputStream(profile.getBytes(StandardCharsets.UTF_8)));
        Patient in = (Patient) DeidCorpus.of(1).resources.get(0);
        Patient out = (Patient) new FhirDeidentifier(CTX, p, release("custom")).deidentify(in).orElseThrow();
        assertThat(out.getName()).hasSize(2);
        assertThat(out.getGender().toCode()).isEqualTo("unknown");
        assertThat(out.hasIdElement()).isFalse();
        assertThat(new Reference("Patient/1").getReference()).isEqualTo("Patient/1");
    }
}
