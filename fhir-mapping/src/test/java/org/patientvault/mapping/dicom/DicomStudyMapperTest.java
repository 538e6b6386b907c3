package org.patientvault.mapping.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.ImagingStudy.ImagingStudySeriesComponent;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.patientvault.mapping.dicom.testing.DicomFixtures;

class DicomStudyMapperTest {
    static DicomFixtures fx;
    static List<DicomDataset> ct = new ArrayList<>();
    final DicomStudyMapper mapper = new DicomStudyMapper(ZoneId.of("Asia/Shanghai"));

    @BeforeAll
    static void fixtures() throws IOException {
        fx = DicomFixtures.get();
        DicomReader metadata = new DicomReader(DicomReadOptions.metadataOnly());
        List<Path> files = new ArrayList<>(fx.ctSeries1);
        files.addAll(fx.ctSeries2);
        for (Path p : files) {
            ct.add(metadata.read(p).dataset());
        }
    }

    @Test
    void mapsAMultiSeriesCtStudyWhateverTheInstanceOrder() {
        List<DicomDataset> shuffled = new ArrayList<>(ct);
        Collections.shuffle(shuffled, new Random(7));
        ImagingStudy study = mapper.toImagingStudy(shuffled, new Reference("Patient/p1"), new Reference("Endpoint/wado"));
        assertThat(study.getIdentifierFirstRep().getSystem()).isEqualTo("urn:dicom:uid");
        assertThat(study.getIdentifierFirstRep().getValue()).isEqualTo("urn:oid:" + DicomFixtures.CT_STUDY);
        assertThat(study.getIdentifier()).anyMatch(i -> "ACC123".equals(i.getValue())
                && i.getType().hasCoding("http://terminology.hl7.org/CodeSystem/v2-0203", "ACSN"));
        assertThat(study.getStatus()).isEqualTo(ImagingStudy.ImagingStudyStatus.AVAILABLE);
        assertThat(study.getStartedElement().getValueAsString()).isEqualTo("2026-01-15T09:30:15.123+08:00");
        assertThat(study.getModality()).singleElement().satisfies(c -> {
            assertThat(c.getSystem()).isEqualTo("http://dicom.nema.org/resources/ontology/DCM");
            assertThat(c.getCode()).isEqualTo("CT");
        });
        assertThat(study.getNumberOfSeries()).isEqualTo(2);
        assertThat(study.getNumberOfInstances()).isEqualTo(5);
        assertThat(study.getDescription()).isEqualTo("胸部CT平扫");
        assertThat(study.getReferrer().getDisplay()).isEqualTo("王医生");
        assertThat(study.getProcedureCodeFirstRep().getCodingFirstRep().getSystem()).isEqualTo("http://loinc.org");
        assertThat(study.getProcedureCodeFirstRep().getCodingFirstRep().getCode()).isEqualTo("24627-2");
        assertThat(study.getProcedureCodeFirstRep().getText()).isEqualTo("CT Chest");
        assertThat(study.getSubject().getReference()).isEqualTo("Patient/p1");
        assertThat(study.getEndpointFirstRep().getReference()).isEqualTo("Endpoint/wado");

        ImagingStudySeriesComponent s1 = study.getSeries().get(0);
        assertThat(s1.getUid()).isEqualTo(DicomFixtures.CT_STUDY + ".1");
        assertThat(s1.getNumber()).isEqualTo(1);
        assertThat(s1.getDescription()).isEqualTo("Axial 5mm");
        assertThat(s1.getBodySite().getSystem()).isEqualTo("http://snomed.info/sct");
        assertThat(s1.getBodySite().getCode()).isEqualTo("51185008");
        assertThat(s1.getNumberOfInstances()).isEqualTo(3);
        assertThat(s1.getInstance()).extracting(i -> i.getNumber()).containsExactly(1, 2, 3);
        assertThat(s1.getInstanceFirstRep().getUid()).isEqualTo(DicomFixtures.CT_STUDY + ".1.1");
        assertThat(s1.getInstanceFirstRep().getSopClass().getCode()).isEqualTo("urn:oid:1.2.840.10008.5.1.4.1.1.2");
        ImagingStudySeriesComponent s2 = study.getSeries().get(1);
        assertThat(s2.getBodySite().getCode()).isEqualTo("113345001");
        assertThat(s2.getNumberOfInstances()).isEqualTo(2);

        // HAPI can serialise and re-read it
        FhirContext ctx = FhirContext.forR4Cached();
        String json = ctx.newJsonParser().encodeResourceToString(study);
        ImagingStudy parsed = ctx.newJsonParser().parseResource(ImagingStudy.class, json);
        assertThat(parsed.getSeries()).hasSize(2);
        assertThat(json).contains("\"urn:oid:" + DicomFixtures.CT_STUDY + "\"");
    }

    @Test
    void mergeIsIdempotentAndAddsNewInstances() {
        ImagingStudy study = mapper.toImagingStudy(ct.subList(0, 2));
        assertThat(study.getNumberOfInstances()).isEqualTo(2);
        String before = FhirContext.forR4Cached().newJsonParser().encodeResourceToString(study);
        assertThat(mapper.merge(study, ct.get(1))).isFalse();
        assertThat(FhirContext.forR4Cached().newJsonParser().encodeResourceToString(study)).isEqualTo(before);
        assertThat(mapper.merge(study, ct.get(4))).isTrue();
        assertThat(study.getNumberOfSeries()).isEqualTo(2);
        assertThat(study.getNumberOfInstances()).isEqualTo(3);
        assertThat(mapper.merge(study, ct.get(4))).isFalse();
        assertThat(study.getNumberOfInstances()).isEqualTo(3);
    }

    @Test
    void mrAndUsStudies() throws IOException {
        DicomReader r = new DicomReader(DicomReadOptions.metadataOnly());
        ImagingStudy mr = mapper.toImagingStudy(List.of(r.read(fx.mrMultiframe).dataset()));
        assertThat(mr.getSeriesFirstRep().getBodySite().getCode()).isEqualTo("69536005");
        assertThat(mr.getSeriesFirstRep().getModality().getCode()).isEqualTo("MR");
        assertThat(mr.getReferrer().getDisplay()).isEqualTo("Dr. Anna Smith");
        assertThat(mr.getStartedElement().getValueAsString()).isEqualTo("2026-02-01T14:05:00+08:00");
        ImagingStudy us = new DicomStudyMapper(ZoneId.of("UTC")).toImagingStudy(List.of(r.read(fx.usRgb).dataset()));
        assertThat(us.getModalityFirstRep().getCode()).isEqualTo("US");
        assertThat(us.getStartedElement().getValueAsString()).isEqualTo("2026-03-10T08:00:00Z");
        assertThat(us.hasProcedureCode()).isFalse();
    }

    @Test
    void unknownBodyPartStaysTextAndBadInputIsTyped() {
        DicomDataset ds = new DicomDataset();
        ds.putString(DicomTags.StudyInstanceUID, DicomVr.UI, "2.25.1");
        ds.putString(DicomTags.SeriesInstanceUID, DicomVr.UI, "2.25.1.1");
        ds.putString(DicomTags.SOPInstanceUID, DicomVr.UI, "2.25.1.1.1");
        ds.putString(DicomTags.SOPClassUID, DicomVr.UI, "1.2.840.10008.5.1.4.1.1.7");
        ds.putString(DicomTags.BodyPartExamined, DicomVr.CS, "LEG");
        ds.putString(DicomTags.StudyDate, DicomVr.DA, "2026XX01");
        ds.putString(DicomTags.SeriesNumber, DicomVr.IS, "abc");
        ImagingStudy study = mapper.toImagingStudy(List.of(ds));
        assertThat(study.getSeriesFirstRep().getBodySite().getDisplay()).isEqualTo("LEG");
        assertThat(study.getSeriesFirstRep().getBodySite().hasCode()).isFalse();
        assertThat(study.hasStarted()).as("malformed date left out").isFalse();
        assertThat(study.getSeriesFirstRep().hasNumber()).isFalse();
        assertThat(study.getSeriesFirstRep().getModality().getCode()).isEqualTo("OT");

        assertThatThrownBy(() -> mapper.merge(study, ct.get(0))).isInstanceOf(DicomMappingException.class)
                .hasMessageContaining("belongs to study");
        DicomDataset noUid = new DicomDataset();
        noUid.putString(DicomTags.StudyInstanceUID, DicomVr.UI, "2.25.1");
        assertThatThrownBy(() -> mapper.merge(study, noUid)).isInstanceOf(DicomMappingException.class)
                .hasMessageContaining("SeriesInstanceUID");
        assertThatThrownBy(() -> mapper.toImagingStudy(List.of())).isInstanceOf(DicomMappingException.class);
    }
}
