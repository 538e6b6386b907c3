package org.patientvault.mapping.deid;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.mapping.ResidentId;

/**
 * A planted-marker FHIR corpus shaped like the vault's data (Synthea-like mix of Patient, Encounter, Observation,
 * Condition, MedicationRequest, ImagingStudy, plus Provenance and AuditEvent): every identifying field holds a value that
 * appears nowhere else (names in Chinese and pinyin, resident IDs, phones, addresses, MRNs, accession numbers, UIDs,
 * exact dates, notes). {@link #markers} lists them; none may survive de-identification.
 */
final class DeidCorpus {
    static final String[] FAMILY = {"欧阳", "司马", "诸葛", "上官", "东方", "慕容", "皇甫", "令狐"};
    static final String[] FAMILY_PINYIN = {"Ouyang", "Sima", "Zhuge", "Shangguan", "Dongfang", "Murong", "Huangfu", "Linghu"};
    static final String[] GIVEN = {"翠花", "铁柱", "秀兰", "建国", "春燕", "志强", "桂英", "德胜", "玉梅", "振华"};
    static final String[] GIVEN_PINYIN = {"Cuihua", "Tiezhu", "Xiulan", "Jianguo", "Chunyan", "Zhiqiang", "Guiying", "Desheng", "Yumei", "Zhenhua"};
    static final String[] PROVINCE = {"北京市", "上海市", "广东省", "四川省", "浙江省"};

    final List<Resource> resources = new ArrayList<>();
    final List<String> markers = new ArrayList<>();
    /** Per patient: vault id and the original Study Instance UID of its imaging study. */
    final List<String> patientIds = new ArrayList<>();
    final List<String> studyUids = new ArrayList<>();

    static DeidCorpus generate(int patients) {
        DeidCorpus c = new DeidCorpus();
        for (int p = 0; p < patients; p++) {
            c.patient(p);
        }
        return c;
    }

    /** The resources of patient {@code p} alone. */
    static DeidCorpus of(int p) {
        DeidCorpus c = new DeidCorpus();
        c.patient(p);
        return c;
    }

    private String m(String marker) {
        markers.add(marker);
        return marker;
    }

    static String residentId(int p) {
        // region 110105, birth 19xx, sequence from p: a valid check character
        String body = String.format("110105%04d%02d%02d%03d", 1940 + p % 60, 1 + p % 12, 1 + p % 28, 100 + p % 900);
        return body + ResidentId.checkCharacter(body);
    }

    static String mobile(int p) {
        return String.format("139%08d", 10_000_000 + p * 7919 % 89_999_999);
    }

    private void patient(int p) {
        String pid = String.format("pat-%05d-mrk", p);
        patientIds.add(pid);
        m(pid);
        String family = FAMILY[p % FAMILY.length];
        String given = GIVEN[p % GIVEN.length] + "MK" + p;
        String pinyin = FAMILY_PINYIN[p % FAMILY.length] + " " + GIVEN_PINYIN[p % GIVEN.length] + "MK" + p;
        m(family + given);
        m(given);
        m(pinyin);
        String rid = m(residentId(p));
        String mrn = m("MRN-MRK-" + p);
        String phone = m(mobile(p));
        String street = m("建国路" + (100 + p) + "号MRK");
        String postal = m("1000" + (20 + p % 80) + "MRK");
        LocalDate birth = LocalDate.of(1940 + p % 60, 1 + p % 12, 1 + p % 28);
        String birthText = m(birth.toString());

        Patient pat = new Patient();
        pat.setId(pid);
        pat.getMeta().setSource(m("hospital-source-MRK" + p)).setVersionId("3");
        Narrative narrative = new Narrative().setStatus(Narrative.NarrativeStatus.GENERATED);
        narrative.setDivAsString("<div xmlns=\"http://www.w3.org/1999/xhtml\">" + family + given + " " + rid + "</div>");
        pat.setText(narrative);
        pat.addIdentifier(ResidentId.parse(rid).toIdentifier());
        pat.addIdentifier().setSystem("https://hospital-a.example/mrn").setValue(mrn)
                .setType(new CodeableConcept().addCoding(new Coding(IdentitySystems.V2_0203, "MR", null)).setText(m("MRN of 协和MRK" + p)))
                .setAssigner(new Reference("Organization/org-a").setDisplay(m("北京协和医院MRK" + p)));
        pat.addName(new HumanName().setFamily(family).addGiven(given).setText(family + given));
        pat.addName(new HumanName().setText(pinyin).setUse(HumanName.NameUse.OFFICIAL));
        pat.addTelecom(new ContactPoint().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(phone));
        pat.addTelecom(new ContactPoint().setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue(m("mk" + p + "@mail.example")));
        pat.setGender(p % 2 == 0 ? Enumerations.AdministrativeGender.MALE : Enumerations.AdministrativeGender.FEMALE);
        pat.setBirthDateElement(new org.hl7.fhir.r4.model.DateType(birthText));
        pat.addAddress().addLine(street).setCity("北京市").setDistrict(m("朝阳区MRK" + p)).setPostalCode(postal)
                .setState(PROVINCE[p % PROVINCE.length]).setCountry("CN").setText(m("北京市朝阳区" + street));
        pat.addPhoto(new Attachment().setContentType("image/png").setData(new byte[] {1, 2, 3}).setTitle(m("photo-MRK" + p)));
        pat.addContact().addTelecom(new ContactPoint().setValue(m(mobile(p + 100_000))))
                .setName(new HumanName().setText(m("联系人MRK" + p)));
        pat.addExtension(new Extension("https://hospital-a.example/ext/ethnicity", new StringType(m("汉族MRK" + p))));
        pat.addExtension(new Extension("https://patientvault.org/fhir/StructureDefinition/quality-score", new DecimalType("0.875")));
        resources.add(pat);
        String patRef = "Patient/" + pid;

        String encId = m("enc-" + p + "-mrk");
        Encounter enc = new Encounter();
        enc.setId(encId);
        enc.setStatus(Encounter.EncounterStatus.FINISHED);
        enc.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"));
        enc.addIdentifier().setSystem("https://hospital-a.example/visit").setValue(m("VISIT-MRK-" + p));
        enc.setSubject(new Reference(patRef).setDisplay(family + given));
        String encStart = m(String.format("2021-%02d-%02dT08:15:00+08:00", 1 + p % 12, 1 + p % 28));
        enc.setPeriod(new Period().setStartElement(new DateTimeType(encStart))
                .setEndElement(new DateTimeType(encStart.replace("T08:15", "T09:45"))));
        enc.addParticipant().setIndividual(new Reference("Practitioner/dr-" + p).setDisplay(m("张医生MRK" + p)));
        enc.setServiceProvider(new Reference("Organization/org-a").setDisplay("北京协和医院MRK" + p));
        resources.add(enc);

        Observation glucose = new Observation();
        glucose.setId(m("obs-glu-" + p + "-mrk"));
        glucose.setStatus(Observation.ObservationStatus.FINAL);
        glucose.addIdentifier().setSystem("https://patientvault.org/fhir/sid/submission").setValue(m("SUB-MRK-" + p));
        glucose.getCode().addCoding(new Coding("http://loinc.org", "2345-7", "Glucose [Mass/volume] in Serum or Plasma"))
                .addCoding(new Coding("https://hospital-a.example/lab", "GLU", "血糖 随访电话" + mobile(p + 200_000)))
                .setText(m("空腹血糖 by 张医生MRK" + p));
        m(mobile(p + 200_000));
        glucose.setSubject(new Reference(patRef));
        glucose.setEncounter(new Reference("Encounter/" + encId));
        String eff = m(String.format("2022-%02d-%02dT07:30:00+08:00", 1 + p % 12, 1 + p % 28));
        glucose.setEffective(new DateTimeType(eff));
        glucose.setIssuedElement(new InstantType(String.format("2022-%02d-%02dT10:00:00.000+08:00", 1 + p % 12, 1 + p % 28)));
        glucose.setValue(new Quantity().setValue(new BigDecimal("5.6")).setUnit("mmol/L").setSystem("http://unitsofmeasure.org").setCode("mmol/L"));
        glucose.addNote(new Annotation().setText(m("患者" + family + given + "自述头晕MRK")));
        glucose.addPerformer(new Reference("Practitioner/dr-" + p).setDisplay("张医生MRK" + p));
        glucose.addExtension(new Extension("https://patientvault.org/fhir/StructureDefinition/quality-score", new DecimalType("0.9")));
        resources.add(glucose);

        Observation urine = new Observation();
        urine.setId("obs-ur-" + p + "-mrk");
        urine.setStatus(Observation.ObservationStatus.FINAL);
        urine.getCode().addCoding(new Coding("http://loinc.org", "5792-7", "Glucose [Presence] in Urine by Test strip"));
        urine.setSubject(new Reference(patRef));
        urine.setEffective(new DateTimeType(eff));
        urine.setValue(new StringType("阴性"));
        urine.addComponent().setCode(new CodeableConcept(new Coding("https://hospital-a.example/lab", "RID",
                "证件号 " + rid))).setValue(new StringType(m("复查请联系" + family + given)));
        resources.add(urine);

        Condition cond = new Condition();
        cond.setId("cond-" + p + "-mrk");
        cond.setSubject(new Reference(patRef));
        cond.getCode().addCoding(new Coding("http://snomed.info/sct", "44054006", "Diabetes mellitus type 2"));
        cond.setOnset(new DateTimeType(m(String.format("2019-%02d-%02d", 1 + p % 12, 1 + p % 28))));
        cond.setRecordedDateElement(new DateTimeType(m(String.format("2020-%02d-%02dT11:11:00+08:00", 1 + p % 12, 1 + p % 28))));
        cond.addNote().setText(m("家属" + given + "电话 " + mobile(p + 300_000)));
        resources.add(cond);

        MedicationRequest med = new MedicationRequest();
        med.setId("med-" + p + "-mrk");
        med.setStatus(MedicationRequest.MedicationRequestStatus.ACTIVE);
        med.setIntent(MedicationRequest.MedicationRequestIntent.ORDER);
        med.setMedication(new CodeableConcept(new Coding("http://www.nlm.nih.gov/research/umls/rxnorm", "860975", "metformin 500 MG")));
        med.setSubject(new Reference(patRef));
        med.setAuthoredOnElement(new DateTimeType(m(String.format("2018-%02d-%02dT09:00:00+08:00", 1 + p % 12, 1 + p % 28))));
        med.addDosageInstruction().setText(m("每日两次 给" + given));
        resources.add(med);

        String studyUid = m("2.25.77" + String.format("%06d", p) + "99");
        studyUids.add(studyUid);
        ImagingStudy study = new ImagingStudy();
        study.setId("img-" + p + "-mrk");
        study.setStatus(ImagingStudy.ImagingStudyStatus.AVAILABLE);
        study.addIdentifier().setSystem("urn:dicom:uid").setValue("urn:oid:" + studyUid);
        study.addIdentifier().setValue(m("ACC-MRK-" + p)).setType(new CodeableConcept(
                new Coding(IdentitySystems.V2_0203, "ACSN", null)));
        study.setSubject(new Reference(patRef));
        study.setStartedElement(new DateTimeType(m(String.format("2023-%02d-%02dT14:05:00+08:00", 1 + p % 12, 1 + p % 28))));
        study.setDescription(m("胸部CT " + family + given));
        study.addModality(new Coding("http://dicom.nema.org/resources/ontology/DCM", "CT", null));
        ImagingStudy.ImagingStudySeriesComponent series = study.addSeries().setUid(m(studyUid + ".1"))
                .setModality(new Coding("http://dicom.nema.org/resources/ontology/DCM", "CT", null))
                .setDescription(m("Axial MRK" + p)).setNumber(1);
        series.addInstance().setUid(m(studyUid + ".1.1"))
                .setSopClass(new Coding("urn:ietf:rfc:3986", "urn:oid:1.2.840.10008.5.1.4.1.1.2", null));
        resources.add(study);

        Provenance prov = new Provenance();
        prov.setId("prov-" + p);
        prov.addTarget(new Reference(patRef));
        prov.setRecordedElement(new InstantType("2023-01-01T00:00:00Z"));
        prov.addAgent().setWho(new Reference("Organization/org-a").setDisplay("北京协和医院MRK" + p));
        resources.add(prov);

        AuditEvent audit = new AuditEvent();
        audit.setId("audit-" + p);
        audit.setType(new Coding("http://dicom.nema.org/resources/ontology/DCM", "110110", "Patient Record"));
        audit.setRecordedElement(new InstantType("2023-01-01T00:00:00Z"));
        audit.addAgent().setRequestor(true).setWho(new Reference(patRef).setDisplay(family + given));
        audit.getSource().setObserver(new Reference("Device/vault"));
        resources.add(audit);
    }
}
