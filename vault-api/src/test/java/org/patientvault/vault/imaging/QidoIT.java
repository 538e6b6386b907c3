package org.patientvault.vault.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.patientvault.vault.imaging.DicomWebCalls.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.patientvault.vault.FhirIT;
import org.patientvault.vault.devissuer.DevIssuerLogin;

/**
 * QIDO-RS (issue 14, item 8): matching (PatientName with fuzzy matching, StudyDate ranges, ModalitiesInStudy,
 * AccessionNumber, StudyInstanceUID lists), includefield, limit/offset, and that nobody ever lists — or counts — a
 * study their own FHIR search would not find.
 */
class QidoIT extends FhirIT {

    private static final String ALICE_RID = "110101198503120025";
    private static final String BOB_RID = "310104197809210017";

    private final ObjectMapper json = new ObjectMapper();
    private String root;
    private String a1;
    private String a2;
    private String b1;
    private String h1;

    private DicomWebCalls web() {
        return new DicomWebCalls(port);
    }

    private String user(String name) {
        return DevIssuerLogin.userToken("http://localhost:" + port, name, name + "-demo");
    }

    private String clientToken(String client) {
        return DevIssuerLogin.clientCredentialsToken("http://localhost:" + port, client, client + "-secret");
    }

    @BeforeEach
    void studies() throws Exception {
        root = "2.25." + Math.abs(ThreadLocalRandom.current().nextLong());
        ImagingFixtures fx = new ImagingFixtures(root);
        a1 = root + ".1";
        a2 = root + ".2";
        b1 = root + ".3";
        h1 = root + ".4";
        ImagingFixtures.Who alice = new ImagingFixtures.Who("Q-A-" + root, null, "Wang^Li=王^丽", "19850312", "F",
                ALICE_RID);
        ImagingFixtures.Who bob = new ImagingFixtures.Who("Q-B-" + root, null, "Bai^Bo", "19780921", "M", BOB_RID);
        ImagingFixtures.Who stranger = ImagingFixtures.Who.mrn("Q-H-" + root, "Zhang^San");
        stow(hospitalToken, List.of(fx.ctOn(a1, 1, 1, alice, "20250310", "QA1-" + root),
                fx.ctOn(a1, 2, 1, alice, "20250310", "QA1-" + root),
                fx.ctOn(a1, 2, 2, alice, "20250310", "QA1-" + root)));
        // Latin-1 header: the same patient, alphabetic name only.
        stow(hospitalToken, List.of(fx.us(a2, 1, 1, new ImagingFixtures.Who("Q-A-" + root, null, "Wang^Li",
                "19850312", "F", ALICE_RID))));
        stow(clientToken("hosp-shanghai"), List.of(fx.ctOn(b1, 1, 1, bob, "20250311", "QB1-" + root)));
        stow(hospitalToken, List.of(fx.ctOn(h1, 1, 1, stranger, "20250311", "QH1-" + root)));
    }

    private void stow(String token, List<java.nio.file.Path> files) throws Exception {
        HttpResponse<byte[]> r = web().stow(token, "/dicomweb/studies", files);
        assertThat(r.statusCode()).as(text(r)).isEqualTo(200);
    }

    private JsonNode qido(String token, String path) throws Exception {
        HttpResponse<byte[]> r = web().get(token, path, "application/dicom+json");
        assertThat(r.statusCode()).as(path + " " + text(r)).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("application/dicom+json");
        JsonNode n = json.readTree(r.body());
        assertThat(n.isArray()).isTrue();
        return n;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The Study Instance UIDs in the answer that belong to this test (other tests store studies for alice too). */
    private List<String> ours(JsonNode answer, String tag) {
        List<String> out = new ArrayList<>();
        for (JsonNode ds : answer) {
            String uid = ds.path(tag).path("Value").path(0).asText();
            if (uid.startsWith(root + ".")) {
                out.add(uid);
            }
        }
        return out;
    }

    private String mine() {
        return "StudyInstanceUID=" + String.join(",", a1, a2, b1, h1);
    }

    @Test
    void studiesMatchByDateModalityAccessionUidAndName() throws Exception {
        String alice = user("alice");
        // Everything alice may see, and nothing else: hers from both series, not bob's, not the unlinked stranger's.
        JsonNode all = qido(alice, "/dicomweb/studies");
        assertThat(ours(all, "0020000D")).containsExactlyInAnyOrder(a1, a2);
        JsonNode first = null;
        for (JsonNode ds : all) {
            if (a1.equals(ds.path("0020000D").path("Value").path(0).asText())) {
                first = ds;
            }
        }
        assertThat(first).isNotNull();
        assertThat(first.path("00201206").path("Value").get(0).asInt()).isEqualTo(2);
        assertThat(first.path("00201208").path("Value").get(0).asInt()).isEqualTo(3);
        assertThat(first.path("00080061").path("Value").get(0).asText()).isEqualTo("CT");
        assertThat(first.path("00100010").path("Value").get(0).path("Alphabetic").asText()).isEqualTo("Wang^Li");
        assertThat(first.path("00100010").path("Value").get(0).path("Ideographic").asText()).isEqualTo("王^丽");
        assertThat(first.path("00080020").path("Value").get(0).asText()).isEqualTo("20250310");
        assertThat(first.path("00081190").path("Value").get(0).asText()).endsWith("/dicomweb/studies/" + a1);
        assertThat(first.has("00081030")).as("StudyDescription only with includefield").isFalse();

        String beijing = hospitalToken;
        assertThat(ours(qido(beijing, "/dicomweb/studies?" + mine() + "&StudyDate=20250310-20250311"),
                "0020000D")).containsExactlyInAnyOrder(a1, h1);
        assertThat(ours(qido(beijing, "/dicomweb/studies?" + mine() + "&StudyDate=20250311-"), "0020000D"))
                .containsExactlyInAnyOrder(a2, h1);
        assertThat(ours(qido(beijing, "/dicomweb/studies?" + mine() + "&StudyDate=-20250310"), "0020000D"))
                .containsExactly(a1);
        assertThat(ours(qido(beijing, "/dicomweb/studies?" + mine() + "&ModalitiesInStudy=US"), "0020000D"))
                .containsExactly(a2);
        assertThat(ours(qido(beijing, "/dicomweb/studies?AccessionNumber=" + enc("QA1-" + root)), "0020000D"))
                .containsExactly(a1);
        assertThat(ours(qido(beijing, "/dicomweb/studies?" + mine() + "&AccessionNumber=QH1-*"), "0020000D"))
                .containsExactly(h1);

        // PatientName: wildcards, case-insensitive, any group; fuzzy: word starts, CJK anywhere, accents/case ignored.
        assertThat(ours(qido(alice, "/dicomweb/studies?" + mine() + "&PatientName=wang*"), "0020000D"))
                .containsExactlyInAnyOrder(a1, a2);
        assertThat(ours(qido(alice, "/dicomweb/studies?" + mine() + "&PatientName=wang"), "0020000D")).isEmpty();
        assertThat(ours(qido(alice, "/dicomweb/studies?" + mine() + "&PatientName=LI&fuzzymatching=true"),
                "0020000D")).containsExactlyInAnyOrder(a1, a2);
        assertThat(ours(qido(alice, "/dicomweb/studies?" + mine() + "&PatientName=" + enc("王^丽")), "0020000D"))
                .containsExactly(a1);
        assertThat(ours(qido(alice, "/dicomweb/studies?" + mine() + "&PatientName=" + enc("丽")
                + "&fuzzymatching=true"), "0020000D")).containsExactly(a1);
        assertThat(ours(qido(beijing, "/dicomweb/studies?" + mine() + "&PatientName=zha&fuzzymatching=true"),
                "0020000D")).containsExactly(h1);
        assertThat(ours(qido(alice, "/dicomweb/studies?" + mine() + "&PatientName=zhang&fuzzymatching=true"),
                "0020000D")).isEmpty();
    }

    @Test
    void pagingAndIncludefield() throws Exception {
        String q = "/dicomweb/studies?StudyInstanceUID=" + String.join(",", a1, a2, h1);
        List<String> page1 = ours(qido(hospitalToken, q + "&limit=2"), "0020000D");
        List<String> page2 = ours(qido(hospitalToken, q + "&limit=2&offset=2"), "0020000D");
        assertThat(page1).hasSize(2);
        assertThat(page2).hasSize(1);
        Set<String> union = new HashSet<>(page1);
        union.addAll(page2);
        assertThat(union).containsExactlyInAnyOrder(a1, a2, h1);
        assertThat(qido(hospitalToken, q + "&offset=3")).isEmpty();

        JsonNode with = qido(hospitalToken, "/dicomweb/studies?StudyInstanceUID=" + a1
                + "&includefield=StudyDescription");
        assertThat(with.get(0).path("00081030").path("Value").get(0).asText()).isEqualTo("胸部CT平扫");
        JsonNode byTag = qido(hospitalToken, "/dicomweb/studies?StudyInstanceUID=" + a1 + "&includefield=00081030");
        assertThat(byTag.get(0).has("00081030")).isTrue();
        JsonNode everything = qido(hospitalToken, "/dicomweb/studies?StudyInstanceUID=" + a1 + "&includefield=all");
        assertThat(everything.get(0).has("00081030")).isTrue();
        assertThat(everything.get(0).has("00100030")).isTrue();
        assertThat(everything.get(0).has("0020000E")).as("no series attributes at the study level").isFalse();
    }

    @Test
    void seriesAndInstancesOfAStudy() throws Exception {
        String alice = user("alice");
        JsonNode series = qido(alice, "/dicomweb/studies/" + a1 + "/series");
        assertThat(series).hasSize(2);
        assertThat(series.get(0).path("0020000E").path("Value").get(0).asText()).isEqualTo(a1 + ".1");
        assertThat(series.get(1).path("00201209").path("Value").get(0).asInt()).isEqualTo(2);
        assertThat(series.get(1).path("00080060").path("Value").get(0).asText()).isEqualTo("CT");
        assertThat(series.get(1).path("00081190").path("Value").get(0).asText())
                .endsWith("/dicomweb/studies/" + a1 + "/series/" + a1 + ".2");
        assertThat(qido(alice, "/dicomweb/studies/" + a1 + "/series?SeriesNumber=2")).hasSize(1);
        assertThat(qido(alice, "/dicomweb/studies/" + a1 + "/series?Modality=MR")).isEmpty();

        JsonNode instances = qido(alice, "/dicomweb/studies/" + a1 + "/series/" + a1 + ".2/instances");
        assertThat(instances).hasSize(2);
        assertThat(instances.get(0).path("00080018").path("Value").get(0).asText()).isEqualTo(a1 + ".2.1");
        assertThat(instances.get(0).path("00080016").path("Value").get(0).asText())
                .isEqualTo("1.2.840.10008.5.1.4.1.1.2");
        assertThat(instances.get(1).path("00200013").path("Value").get(0).asInt()).isEqualTo(2);
        assertThat(qido(alice, "/dicomweb/studies/" + a1 + "/series/" + a1 + ".2/instances?SOPInstanceUID="
                + a1 + ".2.2")).hasSize(1);
        assertThat(ours(qido(alice, "/dicomweb/series?Modality=US"), "0020000D")).containsExactly(a2);
        assertThat(qido(alice, "/dicomweb/studies/" + a1 + "/instances")).hasSize(3);

        // Opening what was listed: the RetrieveURL of an instance answers with its bytes.
        String url = instances.get(0).path("00081190").path("Value").get(0).asText();
        HttpResponse<byte[]> opened = web().get(alice, url.substring(url.indexOf("/dicomweb")));
        assertThat(opened.statusCode()).isEqualTo(200);
        assertThat(DicomWebCalls.parts(opened)).hasSize(1);
    }

    @Test
    void hiddenStudiesAreNeverListedNorCounted() throws Exception {
        String bob = user("bob");
        String shanghai = clientToken("hosp-shanghai");
        String ai = clientToken("ai-lab");
        for (String other : List.of(bob, shanghai, ai)) {
            JsonNode listed = qido(other, "/dicomweb/studies?" + mine());
            List<String> seen = ours(listed, "0020000D");
            assertThat(seen).doesNotContain(a1, a2, h1);
            assertThat(qido(other, "/dicomweb/studies/" + a1 + "/series")).isEmpty();
            assertThat(qido(other, "/dicomweb/studies/" + a1 + "/series/" + a1 + ".1/instances")).isEmpty();
            assertThat(ours(qido(other, "/dicomweb/instances?" + mine()), "0020000D")).doesNotContain(a1, a2, h1);
        }
        // bob and shanghai see bob's study, counted from its one instance only.
        JsonNode bobs = qido(bob, "/dicomweb/studies?StudyInstanceUID=" + b1);
        assertThat(bobs).hasSize(1);
        assertThat(bobs.get(0).path("00201208").path("Value").get(0).asInt()).isEqualTo(1);
        assertThat(qido(ai, "/dicomweb/studies?StudyInstanceUID=" + b1)).isEmpty();
        // alice never sees bob's study; beijing never sees shanghai's.
        assertThat(ours(qido(user("alice"), "/dicomweb/studies?" + mine()), "0020000D")).doesNotContain(b1, h1);
        assertThat(ours(qido(hospitalToken, "/dicomweb/studies?" + mine()), "0020000D")).doesNotContain(b1);
        assertThat(web().get(null, "/dicomweb/studies").statusCode()).isEqualTo(401);
    }

    @Test
    void badQueriesAre400WithAClearBody() throws Exception {
        for (String q : List.of("StudyDate=2025", "StudyDate=20250101-2025", "limit=-1", "limit=x", "offset=-2",
                "Foo=1", "includefield=Nonsense", "fuzzymatching=maybe", "StudyInstanceUID=not-a-uid",
                "SOPInstanceUID=1.2.3", "InstanceNumber=abc")) {
            HttpResponse<byte[]> r = web().get(hospitalToken, "/dicomweb/studies?" + q);
            assertThat(r.statusCode()).as(q + " " + text(r)).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type")).get().asString().contains("problem+json");
            assertThat(json.readTree(r.body()).path("detail").asText()).isNotBlank();
        }
        assertThat(web().get(hospitalToken, "/dicomweb/studies/not-a-uid/series").statusCode()).isEqualTo(400);
        assertThat(web().get(hospitalToken, "/dicomweb/studies", "application/dicom+xml").statusCode())
                .isEqualTo(406);
    }
}
