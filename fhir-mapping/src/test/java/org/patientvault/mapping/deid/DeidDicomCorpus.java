package org.patientvault.mapping.deid;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.patientvault.mapping.dicom.testing.Dcmtk;

/**
 * DICOM instances with planted markers in every identifying attribute (GB18030 Chinese and pinyin names, IDs, resident
 * ID and phone in comments, addresses, institution, physicians, accession, study ID, descriptions, UIDs, dates, a
 * private block, nested sequences), built with dcmtk's dump2dcm (and dcmcjpeg for the encapsulated variant).
 */
final class DeidDicomCorpus {
    static final int ROWS = 64;
    static final int COLS = 64;

    final Path dir;
    final List<String> markers = new ArrayList<>();
    /** Markers that are exact dates (checked per patient: another patient's shifted date may coincide). */
    final List<String> dateMarkers = new ArrayList<>();

    DeidDicomCorpus(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
    }

    static String studyUid(int p) {
        return "2.25.88" + String.format("%06d", p) + "77";
    }

    /** 8-bit pixels with no printable-ASCII runs (values 0..31 and 128..255), so a byte search cannot hit a marker. */
    static byte[] pixels(int p) {
        byte[] b = new byte[ROWS * COLS];
        for (int i = 0; i < b.length; i++) {
            int v = (i * 7 + p * 13) & 0xFF;
            b[i] = (byte) (v >= 32 && v < 128 ? v + 128 : v);
        }
        return b;
    }

    /**
     * One instance of patient {@code p}; {@code modality} CT or US, {@code sopClass} a dcmtk name, {@code burned} the
     * Burned In Annotation value or null, {@code ts} the dump2dcm transfer syntax option.
     */
    Path instance(int p, String name, String modality, String sopClass, String burned, String ts) throws IOException {
        Files.write(dir.resolve(name + ".raw"), pixels(p));
        String study = studyUid(p);
        String rid = DeidCorpus.residentId(p);
        String phone = DeidCorpus.mobile(p);
        String fam = DeidCorpus.FAMILY[p % DeidCorpus.FAMILY.length];
        String given = DeidCorpus.GIVEN[p % DeidCorpus.GIVEN.length] + "MK" + p;
        String pinyin = DeidCorpus.FAMILY_PINYIN[p % 8] + "^" + DeidCorpus.GIVEN_PINYIN[p % 10] + "MK" + p;
        String studyDate = String.format("2023%02d%02d", 1 + p % 12, 1 + p % 28);
        String birth = String.format("19%02d%02d%02d", 40 + p % 60, 1 + p % 12, 1 + p % 28);
        for (String mk : List.of(fam + "^" + given, pinyin, "PID-MRK-" + p, "OPID-MRK-" + p, rid, phone, "ACC-MRK-" + p,
                "SID-MRK-" + p, "胸部CT平扫MRK" + p, "Axial MRK" + p, "协和医院MRK" + p, "STATION-MRK" + p, "王^医生MRK" + p,
                "Operator^MRK" + p, "朝阳区建国路MRK" + p, "PRIVATE-MRK-" + p, "REQ-MRK-" + p, "Reader^MRK" + p,
                "SERIAL-MRK-" + p, study, study + ".1", study + ".1.1", study + ".9.9", "1.2.826.0.1.3680043.9999." + p)) {
            markers.add(mk);
        }
        dateMarkers.add(studyDate);
        dateMarkers.add(birth);
        String dump = """
                (0008,0005) CS [GB18030]
                (0008,0008) CS [ORIGINAL\\PRIMARY\\AXIAL]
                (0008,0012) DA [%3$s]
                (0008,0016) UI =%13$s
                (0008,0018) UI [%1$s.1.1]
                (0008,0020) DA [%3$s]
                (0008,0021) DA [%3$s]
                (0008,002a) DT [%3$s101500.000000+0800]
                (0008,0030) TM [101500]
                (0008,0050) SH [ACC-MRK-%2$d]
                (0008,0060) CS [%12$s]
                (0008,0070) LO [ACME Medical]
                (0008,0080) LO [协和医院MRK%2$d]
                (0008,0081) ST [朝阳区建国路MRK%2$d]
                (0008,0090) PN [王^医生MRK%2$d]
                (0008,1010) SH [STATION-MRK%2$d]
                (0008,1030) LO [胸部CT平扫MRK%2$d]
                (0008,103e) LO [Axial MRK%2$d]
                (0008,1060) PN [Reader^MRK%2$d]
                (0008,1070) PN [Operator^MRK%2$d]
                (0008,1090) LO [Scanner 9000]
                (0008,1140) SQ (Sequence with undefined length)
                  (fffe,e000) na (Item with undefined length)
                    (0008,1150) UI =CTImageStorage
                    (0008,1155) UI [%1$s.9.9]
                  (fffe,e00d) na (ItemDelimitationItem)
                (fffe,e0dd) na (SequenceDelimitationItem)
                (0009,0010) LO [ACME PRIVATE]
                (0009,1001) LO [PRIVATE-MRK-%2$d]
                (0010,0010) PN [%4$s^%5$s=%6$s]
                (0010,0020) LO [PID-MRK-%2$d]
                (0010,0030) DA [%7$s]
                (0010,0040) CS [%8$s]
                (0010,1000) LO [OPID-MRK-%2$d]
                (0010,1010) AS [045Y]
                (0010,1030) DS [70.5]
                (0010,1040) LO [朝阳区建国路MRK%2$d]
                (0010,2154) SH [%9$s]
                (0018,0015) CS [CHEST]
                (0018,0050) DS [5.0]
                (0018,1000) LO [SERIAL-MRK-%2$d]
                (0020,000d) UI [%1$s]
                (0020,000e) UI [%1$s.1]
                (0020,0010) SH [SID-MRK-%2$d]
                (0020,0011) IS [1]
                (0020,0013) IS [1]
                (0020,0052) UI [1.2.826.0.1.3680043.9999.%2$d]
                (0020,4000) LT [ID %10$s ok]
                (0028,0002) US 1
                (0028,0004) CS [MONOCHROME2]
                (0028,0010) US %14$d
                (0028,0011) US %15$d
                (0028,0100) US 8
                (0028,0101) US 8
                (0028,0102) US 7
                (0028,0103) US 0
                %16$s
                (0032,1064) SQ (Sequence with explicit length #=1)
                  (fffe,e000) na (Item with explicit length #=3)
                    (0008,0100) SH [24627-2]
                    (0008,0102) SH [LN]
                    (0008,0104) LO [CT Chest]
                  (fffe,e00d) na (ItemDelimitationItem for re-encoding)
                (fffe,e0dd) na (SequenceDelimitationItem for re-encod.)
                (0040,0275) SQ (Sequence with undefined length)
                  (fffe,e000) na (Item with undefined length)
                    (0040,1001) SH [REQ-MRK-%2$d]
                  (fffe,e00d) na (ItemDelimitationItem)
                (fffe,e0dd) na (SequenceDelimitationItem)
                (7fe0,0010) OB =%11$s.raw
                """.formatted(study, p, studyDate, fam, given, pinyin, birth, p % 2 == 0 ? "M" : "F", phone, rid, name,
                modality, sopClass, ROWS, COLS, burned == null ? "" : "(0028,0301) CS [" + burned + "]");
        Path out = dir.resolve(name + ".dcm");
        Dcmtk.dump2dcm(dir.resolve(name + ".dump"), dump, Charset.forName("GB18030"), out, ts);
        return out;
    }

    /** JPEG baseline (encapsulated) version of {@code in}. */
    Path jpeg(Path in, String name) throws IOException {
        Path out = dir.resolve(name + ".dcm");
        Dcmtk.run(dir, "dcmcjpeg", "+eb", in.toString(), out.toString());
        return out;
    }
}
