package org.patientvault.mapping.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.patientvault.mapping.dicom.testing.DicomFixtures;

class DicomJsonTest {
    final ObjectMapper json = new ObjectMapper();

    @Test
    void wadoMetadataArrayWithBulkDataUrisAndPersonNameGroups() throws IOException {
        DicomFixtures fx = DicomFixtures.get();
        DicomDataset mr = new DicomReader(DicomReadOptions.metadataOnly()).read(fx.mrMultiframe).dataset();
        DicomDataset ct = new DicomReader().read(fx.ctSeries1.get(0)).dataset();
        String body = DicomJson.toJsonArray(List.of(mr, ct), ds -> tag -> "https://vault.example/dicomweb/studies/"
                + ds.getString(DicomTags.StudyInstanceUID) + "/instances/" + ds.getString(DicomTags.SOPInstanceUID)
                + "/bulkdata/" + String.format("%08X", tag));
        JsonNode arr = json.readTree(body);
        assertThat(arr.size()).isEqualTo(2);
        JsonNode name = arr.get(0).get("00100010").get("Value").get(0);
        assertThat(name.get("Alphabetic").asText()).isEqualTo("李^四");
        assertThat(name.get("Ideographic").asText()).isEqualTo("李^四");
        assertThat(name.get("Phonetic").asText()).isEqualTo("li^si");
        assertThat(arr.get(0).get("7FE00010").get("BulkDataURI").asText())
                .endsWith("/instances/" + DicomFixtures.MR_STUDY + ".1.1/bulkdata/7FE00010");
        assertThat(arr.get(1).get("7FE00010").has("InlineBinary")).as("pixel data is never inlined").isFalse();
        assertThat(arr.get(1).get("00280030").get("Value").get(1).decimalValue()).isEqualByComparingTo("0.7");
        assertThat(arr.get(1).get("00280010").get("Value").get(0).asInt()).isEqualTo(DicomFixtures.CT_ROWS);
        assertThat(arr.get(1).get("00321064").get("Value").get(0).get("00080100").get("Value").get(0).asText())
                .isEqualTo("24627-2");
    }

    @Test
    void emptyComponentsNullsEscapingAndInlineBinary() throws IOException {
        DicomDataset ds = new DicomDataset();
        ds.putString(DicomTags.ImageType, DicomVr.CS, "ORIGINAL", "", "AXIAL");
        ds.putString(DicomTags.StudyDescription, DicomVr.LO, "say \"hi\"");
        ds.putString(DicomTags.AccessionNumber, DicomVr.SH);
        ds.putString(DicomTags.SliceThickness, DicomVr.DS, "+.5");
        ds.putString(DicomTags.KVP, DicomVr.DS, "n/a");
        ds.put(DicomElement.of(0x00291010, DicomVr.OB, new byte[] {1, 2, 3, 4}));
        JsonNode n = json.readTree(DicomJson.toJson(ds));
        assertThat(n.get("00080008").get("Value").get(1).isNull()).isTrue();
        assertThat(n.get("00081030").get("Value").get(0).asText()).isEqualTo("say \"hi\"");
        assertThat(n.get("00080050").has("Value")).isFalse();
        assertThat(n.get("00180050").get("Value").get(0).decimalValue()).isEqualByComparingTo("0.5");
        assertThat(n.get("00180060").get("Value").get(0).asText()).isEqualTo("n/a");
        assertThat(n.get("00291010").get("InlineBinary").asText()).isEqualTo("AQIDBA==");
    }
}
