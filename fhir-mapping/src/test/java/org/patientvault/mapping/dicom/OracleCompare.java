package org.patientvault.mapping.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import org.patientvault.mapping.dicom.testing.Dcmtk;

/** Compares our parse (through {@link DicomJson}) with {@code dcm2json}, tag by tag, recursively. */
final class OracleCompare {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OracleCompare() {
    }

    /** Asserts every tag dcm2json reports is present with equal VR and values, and that we report no extra tag. */
    static int assertMatchesDcm2json(Path file, DicomDataset ds) throws IOException {
        Path source = file;
        JsonNode actual = JSON.readTree(DicomJson.toJson(ds));
        DicomElement px = ds.get(DicomTags.PixelData).orElse(null);
        if (px != null && px.isEncapsulated()) {
            // dcm2json refuses compressed pixel data: compare the rest, and the fragments against dcmdump.
            assertFragmentsMatchDcmdump(file, px);
            source = Files.createTempFile(file.getParent(), "nopixel", ".dcm");
            Files.copy(file, source, StandardCopyOption.REPLACE_EXISTING);
            Dcmtk.run(file.getParent(), "dcmodify", "-nb", "-ea", "(7fe0,0010)", source.toString());
            ((ObjectNode) actual).remove("7FE00010");
        }
        try {
            JsonNode expected = JSON.readTree(Dcmtk.run(file.getParent(), "dcm2json", source.toString()));
            return compare(expected, actual, ds, "");
        } finally {
            if (source != file) {
                Files.deleteIfExists(source);
            }
        }
    }

    private static void assertFragmentsMatchDcmdump(Path file, DicomElement px) throws IOException {
        String dump = Dcmtk.run(file.getParent(), "dcmdump", file.toString());
        List<Long> lengths = new java.util.ArrayList<>();
        Matcher m = Pattern.compile("\\(fffe,e000\\) pi .*#\\s*(\\d+),").matcher(dump);
        while (m.find()) {
            lengths.add(Long.parseLong(m.group(1)));
        }
        List<Long> ours = px.fragments().stream().map(f -> (long) f.length).toList();
        assertThat(ours).as("fragment lengths vs dcmdump").isEqualTo(lengths);
    }

    private static int compare(JsonNode expected, JsonNode actual, DicomDataset ds, String path) {
        TreeSet<String> ek = keys(expected);
        TreeSet<String> ak = keys(actual);
        // dcm2json re-encodes to UTF-8 and rewrites (0008,0005); the decoded text is compared instead.
        ek.remove("00080005");
        ak.remove("00080005");
        assertThat(ak).as("tags at %s", path).isEqualTo(ek);
        int compared = 0;
        for (String key : ek) {
            String where = path + "/" + key;
            JsonNode e = expected.get(key);
            JsonNode a = actual.get(key);
            assertThat(a.get("vr").asText()).as("VR of %s", where).isEqualTo(e.get("vr").asText());
            if (e.has("InlineBinary")) {
                byte[] want = Base64.getDecoder().decode(e.get("InlineBinary").asText());
                if (a.has("InlineBinary")) {
                    assertThat(Base64.getDecoder().decode(a.get("InlineBinary").asText())).as(where).isEqualTo(want);
                } else {
                    DicomElement el = ds.get(Integer.parseUnsignedInt(key, 16)).orElseThrow();
                    assertThat(el.bytes()).as("bytes of %s", where).isEqualTo(want);
                }
            } else if (e.has("Value")) {
                JsonNode ev = e.get("Value");
                JsonNode av = a.get("Value");
                assertThat(av).as("Value of %s", where).isNotNull();
                assertThat(av.size()).as("value count of %s", where).isEqualTo(ev.size());
                List<DicomDataset> items = ds.getSequence(Integer.parseUnsignedInt(key, 16));
                for (int i = 0; i < ev.size(); i++) {
                    JsonNode x = ev.get(i);
                    JsonNode y = av.get(i);
                    if ("SQ".equals(e.get("vr").asText())) {
                        compared += compare(x, y, items.get(i), where + "[" + i + "]");
                    } else if (x.isNumber()) {
                        assertThat(y.isNumber()).as("%s[%d] is a number: %s", where, i, y).isTrue();
                        assertThat(y.decimalValue().compareTo(x.decimalValue())).as("%s[%d] %s vs %s", where, i, y, x)
                                .isZero();
                    } else {
                        assertThat(y).as("%s[%d]", where, i).isEqualTo(x);
                    }
                }
            } else {
                assertThat(a.has("Value")).as("%s has no value", where).isFalse();
            }
            compared++;
        }
        return compared;
    }

    private static TreeSet<String> keys(JsonNode n) {
        TreeSet<String> s = new TreeSet<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
            s.add(it.next());
        }
        return s;
    }
}
