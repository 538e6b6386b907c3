package org.patientvault.mapping.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class DicomDatasetTest {

    @Test
    void typedAccessorsOverBinaryAndTextVrs() {
        DicomDataset ds = new DicomDataset();
        ds.putInt(DicomTags.Rows, DicomVr.US, 65535);
        ds.putInt(0x00191001, DicomVr.SS, -2, 3);
        ds.putInt(DicomTags.TransducerFrequency, DicomVr.UL, -1);
        ds.putInt(DicomTags.NumberOfFrames, DicomVr.IS, 12);
        ds.putString(DicomTags.WindowCenter, DicomVr.DS, " 40 ", "-1.5e2");
        ds.put(DicomElement.of(DicomTags.PhysicalDeltaX, DicomVr.FD,
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.25).array()));
        ds.put(DicomElement.of(DicomTags.FrameIncrementPointer, DicomVr.AT, new byte[] {0x18, 0, 0x63, 0x10}));
        assertThat(ds.getInt(DicomTags.Rows, 0)).isEqualTo(65535);
        assertThat(ds.getInts(0x00191001)).containsExactly(-2, 3);
        assertThat(ds.getLongs(DicomTags.TransducerFrequency)).containsExactly(4294967295L);
        assertThatThrownBy(() -> ds.getInts(DicomTags.TransducerFrequency)).isInstanceOf(DicomValueException.class)
                .hasMessageContaining("(0018,6030)");
        assertThat(ds.getInt(DicomTags.NumberOfFrames, 0)).isEqualTo(12);
        assertThat(ds.getDoubles(DicomTags.WindowCenter)).containsExactly(40, -150);
        assertThat(ds.getStrings(DicomTags.WindowCenter)).containsExactly("40", "-1.5e2");
        assertThat(ds.getDouble(DicomTags.PhysicalDeltaX, 0)).isEqualTo(0.25);
        assertThat(ds.getStrings(DicomTags.FrameIncrementPointer)).containsExactly("00181063");
        assertThat(ds.getString(DicomTags.PatientName)).isNull();
        assertThat(ds.getInt(DicomTags.Columns)).isEmpty();
        assertThat(ds.getSequence(DicomTags.Rows)).isEmpty();
    }

    @Test
    void badValuesAndVrsGiveTypedErrorsNamingTheTag() {
        DicomDataset ds = new DicomDataset();
        ds.putString(DicomTags.InstanceNumber, DicomVr.IS, "12a");
        assertThatThrownBy(() -> ds.getInt(DicomTags.InstanceNumber)).isInstanceOf(DicomValueException.class)
                .hasMessageContaining("(0020,0013)").hasMessageContaining("12a");
        ds.putString(DicomTags.SliceThickness, DicomVr.DS, "thick");
        assertThatThrownBy(() -> ds.getDouble(DicomTags.SliceThickness)).isInstanceOf(DicomValueException.class);
        assertThatThrownBy(() -> ds.putInt(DicomTags.Rows, DicomVr.LO, 1)).isInstanceOf(DicomValueException.class);
        assertThatThrownBy(() -> ds.putString(DicomTags.Rows, DicomVr.US, "1")).isInstanceOf(DicomValueException.class);
        assertThatThrownBy(() -> ds.putString(DicomTags.SpecificCharacterSet, DicomVr.CS, "ISO 2022 IR 87"))
                .isInstanceOf(DicomValueException.class).hasMessageContaining("unsupported Specific Character Set");
    }

    @Test
    void charsetFollowsSpecificCharacterSetAndIsInheritedByItems() {
        DicomDataset ds = new DicomDataset();
        ds.putString(DicomTags.SpecificCharacterSet, DicomVr.CS, "GB18030");
        ds.putString(DicomTags.PatientName, DicomVr.PN, "张^三");
        assertThat(ds.get(DicomTags.PatientName).orElseThrow().bytes()).hasSize(6);
        DicomDataset item = new DicomDataset(ds.charset());
        item.putString(DicomTags.CodeMeaning, DicomVr.LO, "胸部");
        ds.putSequence(DicomTags.ProcedureCodeSequence, List.of(item));
        assertThat(ds.getSequence(DicomTags.ProcedureCodeSequence).get(0).getString(DicomTags.CodeMeaning))
                .isEqualTo("胸部");
        ds.remove(DicomTags.SpecificCharacterSet);
        assertThat(ds.charset().name()).isEqualTo("ISO-8859-1");
        assertThat(ds.getString(DicomTags.PatientName)).isNotEqualTo("张^三");
    }
}
