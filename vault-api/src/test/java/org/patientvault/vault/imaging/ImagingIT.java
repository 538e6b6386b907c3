package org.patientvault.vault.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Endpoint;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.storage.EncryptedObjectStore;
import org.patientvault.vault.FhirIT;
import org.patientvault.vault.devissuer.DevIssuerLogin;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * DICOMweb end to end on the real app (PostgreSQL, S3Proxy, encrypted store, HAPI): STOW-RS and zip uploads in,
 * ImagingStudy and Patient resolution through the FHIR submission path, WADO-RS and previews out, and the
 * authorization of every read through the caller's own FHIR search.
 */
class ImagingIT extends FhirIT {

    private static final String ALICE_RID = "110101198503120025";
    private static ImagingFixtures fx;
    private static String root;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Autowired
    EncryptedObjectStore store;

    @BeforeAll
    static void fixtures() throws Exception {
        root = "2.25." + Math.abs(ThreadLocalRandom.current().nextLong());
        fx = new ImagingFixtures(root);
    }

    private String uid(String suffix) {
        return root + "." + suffix;
    }

    // ---------------------------------------------------------------- helpers

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    private HttpResponse<byte[]> stow(String token, String path, List<Path> files) throws Exception {
        String boundary = "b-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write("preamble\r\n".getBytes(StandardCharsets.US_ASCII));
        for (Path f : files) {
            body.write(("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            body.write(Files.readAllBytes(f));
            body.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return post(token, path, body.toByteArray(),
                "multipart/related; type=\"application/dicom\"; boundary=" + boundary);
    }

    private HttpResponse<byte[]> post(String token, String path, byte[] body, String contentType) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", contentType);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> get(String token, String path) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private JsonNode jsonOf(HttpResponse<byte[]> r) throws Exception {
        return json.readTree(r.body());
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** The parts of a multipart/related answer, split by its boundary (independent of the server's reader). */
    private static List<byte[]> parts(HttpResponse<byte[]> r) {
        String ct = r.headers().firstValue("Content-Type").orElseThrow();
        assertThat(ct).startsWith("multipart/related").contains("type=\"application/dicom\"");
        String boundary = ct.replaceAll(".*boundary=\"?([^\";]+)\"?.*", "$1");
        byte[] body = r.body();
        byte[] delim = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i <= body.length - delim.length; i++) {
            if (Arrays.equals(body, i, i + delim.length, delim, 0, delim.length)) {
                starts.add(i);
            }
        }
        List<byte[]> parts = new ArrayList<>();
        for (int k = 0; k + 1 < starts.size(); k++) {
            int from = starts.get(k) + delim.length + 2;
            int headerEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), from);
            String headers = new String(body, from, headerEnd - from, StandardCharsets.US_ASCII);
            assertThat(headers).containsIgnoringCase("Content-Type: application/dicom");
            parts.add(Arrays.copyOfRange(body, headerEnd + 4, starts.get(k + 1) - 2));
        }
        return parts;
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        for (int i = from; i <= hay.length - needle.length; i++) {
            if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    private ImagingStudy study(String studyUid) {
        Bundle b = client.search().forResource(ImagingStudy.class)
                .where(ImagingStudy.IDENTIFIER.exactly().systemAndCode("urn:dicom:uid", "urn:oid:" + studyUid))
                .returnBundle(Bundle.class).execute();
        assertThat(b.getEntry()).as("ImagingStudy " + studyUid).hasSize(1);
        // Read by id: the current version, whatever a search page may hold.
        return client.read().resource(ImagingStudy.class)
                .withId(b.getEntry().get(0).getResource().getIdElement().getIdPart()).execute();
    }

    private long objects() {
        try (var s = store.objects().list(StowService.OBJECT_PREFIX)) {
            return s.count();
        }
    }

    private String token(String user, String password) {
        return DevIssuerLogin.userToken("http://localhost:" + port, user, password);
    }

    private String clientToken(String client, String secret) {
        return DevIssuerLogin.clientCredentialsToken("http://localhost:" + port, client, secret);
    }

    // ---------------------------------------------------------------- STOW-RS in

    @Test
    void stowStoresACtStudyAndRetrievesTheSameBytes() throws Exception {
        String study = uid("1");
        ImagingFixtures.Who who = ImagingFixtures.Who.mrn("CT-" + root, "张^三");
        List<Path> files = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            files.add(fx.ct(study, 1, i, who));
        }
        for (int i = 1; i <= 2; i++) {
            files.add(fx.ct(study, 2, i, who));
        }
        HttpResponse<byte[]> r = stow(hospitalToken, "/dicomweb/studies", files);
        assertThat(r.statusCode()).as(text(r)).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("application/dicom+json");
        JsonNode answer = jsonOf(r);
        assertThat(answer.path("00081190").path("Value").get(0).asText()).endsWith("/dicomweb/studies/" + study);
        JsonNode refs = answer.path("00081199").path("Value");
        assertThat(refs).hasSize(5);
        assertThat(refs.get(0).path("00081190").path("Value").get(0).asText())
                .contains("/dicomweb/studies/" + study + "/series/" + study + ".1/instances/" + study + ".1.1");
        assertThat(answer.has("00081198")).isFalse();

        ImagingStudy s = study(study);
        assertThat(s.getStatus()).isEqualTo(ImagingStudy.ImagingStudyStatus.AVAILABLE);
        assertThat(s.getNumberOfSeries()).isEqualTo(2);
        assertThat(s.getNumberOfInstances()).isEqualTo(5);
        assertThat(s.getModality()).extracting(c -> c.getCode()).containsExactly("CT");
        assertThat(s.getDescription()).isEqualTo("胸部CT平扫");
        assertThat(s.getReferrer().getDisplay()).isEqualTo("王医生");
        assertThat(s.getSeries().get(0).getBodySite().getCode()).isEqualTo("51185008");
        assertThat(s.getSeries().get(1).getInstance()).extracting(i -> i.getUid())
                .containsExactly(study + ".2.1", study + ".2.2");
        assertThat(s.getSeries().get(0).getInstance().get(0).getSopClass().getCode())
                .isEqualTo("urn:oid:1.2.840.10008.5.1.4.1.1.2");
        assertThat(s.getStarted()).isNotNull();
        Endpoint endpoint = (Endpoint) s.getContained().get(0);
        assertThat(endpoint.getConnectionType().getCode()).isEqualTo("dicom-wado-rs");
        assertThat(endpoint.getAddress()).isEqualTo(url("/dicomweb"));
        assertThat(s.getEndpointFirstRep().getReference()).isEqualTo("#dicomweb");

        // The subject is the Patient the header named, resolved through the submission path.
        Patient p = client.read().resource(Patient.class).withId(s.getSubject().getReferenceElement().getIdPart())
                .execute();
        assertThat(p.getIdentifier()).anyMatch(i -> ("CT-" + root).equals(i.getValue())
                && (IdentitySystems.BASE + "/sid/mrn/hosp-beijing").equals(i.getSystem()));
        assertThat(p.getNameFirstRep().getText()).isEqualTo("张三");
        assertThat(p.getBirthDateElement().getValueAsString()).isEqualTo("1980-01-01");

        // Instances come back byte for byte, one by one and as a whole study.
        for (Path f : files) {
            String name = f.getFileName().toString().replace(".dcm", "");
            String[] n = name.substring(name.length() - 3).split("-");
            String series = study + "." + n[0];
            String instance = series + "." + n[1];
            HttpResponse<byte[]> one = get(hospitalToken, "/dicomweb/studies/" + study + "/series/" + series
                    + "/instances/" + instance);
            assertThat(one.statusCode()).isEqualTo(200);
            assertThat(parts(one)).hasSize(1).first().isEqualTo(Files.readAllBytes(f));
        }
        HttpResponse<byte[]> all = get(hospitalToken, "/dicomweb/studies/" + study);
        assertThat(all.statusCode()).isEqualTo(200);
        List<byte[]> got = parts(all);
        assertThat(got).hasSize(5);
        for (Path f : files) {
            byte[] sent = Files.readAllBytes(f);
            assertThat(got).anyMatch(b -> Arrays.equals(b, sent));
        }
        HttpResponse<byte[]> series2 = get(hospitalToken, "/dicomweb/studies/" + study + "/series/" + study + ".2");
        assertThat(parts(series2)).hasSize(2);

        // The stored objects are encrypted: the raw store never holds the DICM magic at offset 128.
        String key = StowService.OBJECT_PREFIX + p.getIdElement().getIdPart() + "/" + study + ".1.1";
        try (var raw = store.objects().get(key)) {
            byte[] head = raw.readNBytes(200);
            assertThat(new String(head, 128, 4, StandardCharsets.ISO_8859_1)).isNotEqualTo("DICM");
        }
    }

    @Test
    void metadataIsTheHeaderAsDcm2jsonSeesIt() throws Exception {
        String study = uid("2");
        Path mr = fx.mr(study, ImagingFixtures.Who.mrn("MR-" + root, "李^四=李^四=li^si"));
        assertThat(stow(hospitalToken, "/dicomweb/studies/" + study, List.of(mr)).statusCode()).isEqualTo(200);
        JsonNode oracle = json.readTree(fx.dcm2json(mr));
        for (String level : List.of("/dicomweb/studies/" + study + "/metadata",
                "/dicomweb/studies/" + study + "/series/" + study + ".1/metadata",
                "/dicomweb/studies/" + study + "/series/" + study + ".1/instances/" + study + ".1.1/metadata")) {
            HttpResponse<byte[]> r = get(hospitalToken, level);
            assertThat(r.statusCode()).as(level + " " + text(r)).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("application/dicom+json");
            JsonNode md = jsonOf(r);
            assertThat(md.isArray()).isTrue();
            assertThat(md).hasSize(1);
            JsonNode ds = md.get(0);
            for (String tag : List.of("00080016", "00080018", "00080020", "00080060", "00100010", "00100020",
                    "0020000D", "0020000E", "00200013", "00280008", "00280010", "00280011", "00280100")) {
                assertThat(ds.get(tag)).as(level + " tag " + tag).isEqualTo(oracle.get(tag));
            }
            assertThat(ds.path("7FE00010").path("BulkDataURI").asText())
                    .contains("/dicomweb/studies/" + study + "/series/" + study + ".1/instances/" + study + ".1.1");
        }
        ImagingStudy s = study(study);
        assertThat(s.getSeriesFirstRep().getModality().getCode()).isEqualTo("MR");
        assertThat(s.getSeriesFirstRep().getBodySite().getCode()).isEqualTo("69536005");
    }

    @Test
    void resendingIsIdempotentAndAChangedInstanceIsRefused() throws Exception {
        String study = uid("3");
        ImagingFixtures.Who who = ImagingFixtures.Who.mrn("US-" + root, "Müller^Jörg");
        List<Path> files = List.of(fx.us(study, 1, 1, who), fx.us(study, 1, 2, who));
        assertThat(stow(hospitalToken, "/dicomweb/studies", files).statusCode()).isEqualTo(200);
        ImagingStudy before = study(study);
        long objects = objects();
        int patients = count("Patient");
        int studies = count("ImagingStudy");

        HttpResponse<byte[]> again = stow(hospitalToken, "/dicomweb/studies", files);
        assertThat(again.statusCode()).as(text(again)).isEqualTo(200);
        assertThat(jsonOf(again).path("00081199").path("Value")).hasSize(2);
        ImagingStudy after = study(study);
        assertThat(after.getMeta().getVersionId()).isEqualTo(before.getMeta().getVersionId());
        assertThat(objects()).isEqualTo(objects);
        assertThat(count("Patient")).isEqualTo(patients);
        assertThat(count("ImagingStudy")).isEqualTo(studies);

        // A third instance of the same study is merged into the one ImagingStudy.
        HttpResponse<byte[]> third = stow(hospitalToken, "/dicomweb/studies/" + study,
                List.of(fx.us(study, 2, 1, who)));
        assertThat(third.statusCode()).as(text(third)).isEqualTo(200);
        ImagingStudy merged = study(study);
        assertThat(merged.getNumberOfSeries()).isEqualTo(2);
        assertThat(merged.getNumberOfInstances()).isEqualTo(3);
        assertThat(count("ImagingStudy")).isEqualTo(studies);

        // Same SOP Instance UID, other bytes: refused (0x0111), the first copy stays.
        Path changed = fx.dir.resolve("changed.dcm");
        byte[] bytes = Files.readAllBytes(files.get(0));
        bytes[bytes.length - 1] ^= 0x7f;
        Files.write(changed, bytes);
        HttpResponse<byte[]> conflict = stow(hospitalToken, "/dicomweb/studies", List.of(changed));
        assertThat(conflict.statusCode()).as(text(conflict)).isEqualTo(409);
        JsonNode failed = jsonOf(conflict).path("00081198").path("Value").get(0);
        assertThat(failed.path("00081197").path("Value").get(0).asInt()).isEqualTo(0x0111);
        assertThat(failed.path("00081155").path("Value").get(0).asText()).isEqualTo(study + ".1.1");
        HttpResponse<byte[]> original = get(hospitalToken, "/dicomweb/studies/" + study + "/series/" + study
                + ".1/instances/" + study + ".1.1");
        assertThat(parts(original).get(0)).isEqualTo(Files.readAllBytes(files.get(0)));
    }

    @Test
    void partialFailuresAnswer202AndRouteMismatchesFail() throws Exception {
        String study = uid("4");
        ImagingFixtures.Who who = ImagingFixtures.Who.mrn("MIX-" + root, "Wang^Wu");
        Path good = fx.ct(study, 1, 1, who);
        Path other = fx.ct(uid("41"), 1, 1, who);
        Path notDicom = fx.dir.resolve("not-dicom.bin");
        Files.write(notDicom, "hello, not a DICOM file".getBytes(StandardCharsets.US_ASCII));
        HttpResponse<byte[]> r = stow(hospitalToken, "/dicomweb/studies/" + study, List.of(good, other, notDicom));
        assertThat(r.statusCode()).as(text(r)).isEqualTo(202);
        JsonNode a = jsonOf(r);
        assertThat(a.path("00081199").path("Value")).hasSize(1);
        JsonNode failed = a.path("00081198").path("Value");
        assertThat(failed).hasSize(2);
        assertThat(failed.get(0).path("00081197").path("Value").get(0).asInt()).isEqualTo(0xA900);
        assertThat(failed.get(1).path("00081197").path("Value").get(0).asInt()).isEqualTo(0xC000);
        assertThat(get(hospitalToken, "/dicomweb/studies/" + uid("41")).statusCode()).isEqualTo(404);
    }

    @Test
    void badRequestsAreRefusedAndStoreNothing() throws Exception {
        String study = uid("5");
        Path ct = fx.ct(study, 1, 1, ImagingFixtures.Who.mrn("BAD-" + root, "Bad^Request"));
        long objects = objects();
        int studies = count("ImagingStudy");

        HttpResponse<byte[]> wrongType = post(hospitalToken, "/dicomweb/studies", Files.readAllBytes(ct),
                "application/dicom");
        assertThat(wrongType.statusCode()).isEqualTo(415);
        assertThat(wrongType.headers().firstValue("Content-Type")).get().asString()
                .startsWith("application/problem+json");
        assertThat(jsonOf(wrongType).path("detail").asText()).contains("multipart/related");

        HttpResponse<byte[]> noBoundary = post(hospitalToken, "/dicomweb/studies", Files.readAllBytes(ct),
                "multipart/related; type=\"application/dicom\"");
        assertThat(noBoundary.statusCode()).isEqualTo(400);

        // A whole first part, then the body ends without a closing delimiter: nothing is kept.
        ByteArrayOutputStream cut = new ByteArrayOutputStream();
        cut.write("--xyz\r\nContent-Type: application/dicom\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        cut.write(Files.readAllBytes(ct));
        cut.write("\r\n--xyz\r\nContent-Type: application/dicom\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        cut.write(Files.readAllBytes(ct), 0, 500);
        HttpResponse<byte[]> truncated = post(hospitalToken, "/dicomweb/studies", cut.toByteArray(),
                "multipart/related; type=\"application/dicom\"; boundary=xyz");
        assertThat(truncated.statusCode()).as(text(truncated)).isEqualTo(400);
        assertThat(jsonOf(truncated).path("type").asText()).endsWith("/malformed-multipart");
        assertThat(objects()).isEqualTo(objects);
        assertThat(count("ImagingStudy")).isEqualTo(studies);

        // Only hospitals store; no token is 401.
        String alice = token("alice", "alice-demo");
        assertThat(stow(alice, "/dicomweb/studies", List.of(ct)).statusCode()).isEqualTo(403);
        assertThat(stow(null, "/dicomweb/studies", List.of(ct)).statusCode()).isEqualTo(401);
        assertThat(objects()).isEqualTo(objects);
    }

    // ---------------------------------------------------------------- zip

    private static byte[] zip(List<String> names, List<byte[]> contents) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (int i = 0; i < names.size(); i++) {
                z.putNextEntry(new ZipEntry(names.get(i)));
                z.write(contents.get(i));
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    @Test
    void aZippedStudyFolderIsStoredLikeStow() throws Exception {
        String study = uid("6");
        ImagingFixtures.Who who = ImagingFixtures.Who.mrn("ZIP-" + root, "Zhao^Liu");
        Path a = fx.us(study, 1, 1, who);
        Path b = fx.us(study, 2, 1, who);
        byte[] zip = zip(List.of("STUDY/SER1/IM1", "STUDY/SER2/IM1", "DICOMDIR", "__MACOSX/._IM1"),
                List.of(Files.readAllBytes(a), Files.readAllBytes(b), new byte[] {1, 2, 3}, new byte[] {4}));
        HttpResponse<byte[]> r = post(hospitalToken, "/dicomweb/studies", zip, "application/zip");
        assertThat(r.statusCode()).as(text(r)).isEqualTo(200);
        assertThat(jsonOf(r).path("00081199").path("Value")).hasSize(2);
        assertThat(study(study).getNumberOfSeries()).isEqualTo(2);
        HttpResponse<byte[]> back = get(hospitalToken, "/dicomweb/studies/" + study + "/series/" + study + ".2");
        assertThat(parts(back).get(0)).isEqualTo(Files.readAllBytes(b));
    }

    @Test
    void unsafeOrBombLikeOrNonDicomZipsAreRefusedAndLeaveNothing() throws Exception {
        String study = uid("7");
        ImagingFixtures.Who who = ImagingFixtures.Who.mrn("EVIL-" + root, "Evil^Zip");
        byte[] first = Files.readAllBytes(fx.us(study, 1, 1, who));
        byte[] second = Files.readAllBytes(fx.us(study, 1, 2, who));
        // A DICOM instance that is mostly zeros: it compresses far beyond the ratio limit.
        byte[] bomb = new byte[8 << 20];
        System.arraycopy(second, 0, bomb, 0, second.length);
        long objects = objects();
        int studies = count("ImagingStudy");
        record Case(String name, byte[] zip, String reason, int status) {
        }
        List<Case> cases = List.of(
                new Case("zip slip", zip(List.of("ok/IM1", "../../etc/IM2"), List.of(first, second)),
                        "UNSAFE_PATH", 400),
                new Case("absolute path", zip(List.of("ok/IM1", "/tmp/IM2"), List.of(first, second)),
                        "UNSAFE_PATH", 400),
                new Case("non-DICOM member", zip(List.of("ok/IM1", "notes.txt"), List.of(first,
                        "just notes".getBytes(StandardCharsets.US_ASCII))), "NOT_DICOM", 400),
                new Case("bomb", zip(List.of("ok/IM1", "ok/IM2"), List.of(first, bomb)), "COMPRESSION_RATIO", 400),
                new Case("not a zip", "PK? no".getBytes(StandardCharsets.US_ASCII), null, 400));
        for (Case c : cases) {
            HttpResponse<byte[]> r = post(hospitalToken, "/dicomweb/studies", c.zip(), "application/zip");
            assertThat(r.statusCode()).as(c.name() + ": " + text(r)).isEqualTo(c.status());
            JsonNode problem = jsonOf(r);
            assertThat(r.headers().firstValue("Content-Type")).get().asString()
                    .startsWith("application/problem+json");
            if (c.reason() != null) {
                assertThat(problem.path("reason").asText()).as(c.name()).isEqualTo(c.reason());
            }
            assertThat(problem.path("detail").asText()).as(c.name()).contains("nothing was stored");
            assertThat(objects()).as(c.name() + ": objects left behind").isEqualTo(objects);
            assertThat(count("ImagingStudy")).as(c.name()).isEqualTo(studies);
        }
    }

    // ---------------------------------------------------------------- previews

    @Test
    void previewsRenderTheMiddleImageOrSayWhyNot() throws Exception {
        String study = uid("8");
        ImagingFixtures.Who who = ImagingFixtures.Who.mrn("PV-" + root, "Preview^Pat");
        List<Path> ct = List.of(fx.ct(study, 1, 1, who), fx.ct(study, 1, 2, who), fx.ct(study, 1, 3, who));
        assertThat(stow(hospitalToken, "/dicomweb/studies", ct).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> png = get(hospitalToken, "/dicomweb/studies/" + study + "/series/" + study
                + ".1/rendered");
        assertThat(png.statusCode()).as(text(png)).isEqualTo(200);
        assertThat(png.headers().firstValue("Content-Type")).get().isEqualTo("image/png");
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png.body()));
        assertThat(img.getWidth()).isEqualTo(ImagingFixtures.CT_COLS);
        assertThat(img.getHeight()).isEqualTo(ImagingFixtures.CT_ROWS);

        String mrStudy = uid("9");
        assertThat(stow(hospitalToken, "/dicomweb/studies", List.of(fx.mr(mrStudy, who))).statusCode())
                .isEqualTo(200);
        BufferedImage mr = ImageIO.read(new ByteArrayInputStream(get(hospitalToken, "/dicomweb/studies/" + mrStudy
                + "/series/" + mrStudy + ".1/rendered").body()));
        assertThat(mr.getWidth()).isEqualTo(ImagingFixtures.MR_COLS);
        assertThat(mr.getHeight()).isEqualTo(ImagingFixtures.MR_ROWS);

        String jpegStudy = uid("10");
        Path jpeg = fx.compress(fx.ct8(jpegStudy, who), "dcmcjpeg", "+eb");
        assertThat(stow(hospitalToken, "/dicomweb/studies", List.of(jpeg)).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> jpegPng = get(hospitalToken, "/dicomweb/studies/" + jpegStudy + "/series/" + jpegStudy
                + ".1/rendered");
        assertThat(jpegPng.statusCode()).as(text(jpegPng)).isEqualTo(200);
        assertThat(ImageIO.read(new ByteArrayInputStream(jpegPng.body())).getWidth())
                .isEqualTo(ImagingFixtures.CT_COLS);

        for (String tool : List.of("dcmcjpls", "dcmcrle")) {
            String s = uid("11" + tool.length());
            Path compressed = fx.compress(fx.ct(s, 1, 1, who), tool);
            assertThat(stow(hospitalToken, "/dicomweb/studies", List.of(compressed)).statusCode()).isEqualTo(200);
            HttpResponse<byte[]> none = get(hospitalToken, "/dicomweb/studies/" + s + "/series/" + s + ".1/rendered");
            assertThat(none.statusCode()).as(tool + " " + text(none)).isEqualTo(406);
            assertThat(jsonOf(none).path("type").asText()).endsWith("/no-preview");
            assertThat(jsonOf(none).path("detail").asText()).containsIgnoringCase("preview");
            // The instance itself is still retrievable as sent.
            assertThat(parts(get(hospitalToken, "/dicomweb/studies/" + s)).get(0))
                    .isEqualTo(Files.readAllBytes(compressed));
        }
    }

    // ---------------------------------------------------------------- patients and authorization

    @Test
    void aKnownMrnLinksToItsPatient() throws Exception {
        String mrn = "KNOWN-" + root;
        Patient known = new Patient();
        known.addIdentifier(new Identifier().setSystem(IdentitySystems.BASE + "/sid/mrn/hosp-beijing").setValue(mrn));
        known.addName().setFamily("Known").addGiven("Kate");
        Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        tx.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(known).getRequest()
                .setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
        Bundle resp = client.transaction().withBundle(tx).execute();
        String knownPatient = new org.hl7.fhir.r4.model.IdType(resp.getEntry().get(0).getResponse().getLocation())
                .getIdPart();
        int patients = count("Patient");
        String study = uid("16");
        // The header spells the name differently: the MRN alone decides.
        Path ct = fx.ct(study, 1, 1, new ImagingFixtures.Who(mrn, null, "KNOWN^KATE", "19900101", "F", null));
        assertThat(stow(hospitalToken, "/dicomweb/studies", List.of(ct)).statusCode()).isEqualTo(200);
        assertThat(study(study).getSubject().getReferenceElement().getIdPart()).isEqualTo(knownPatient);
        assertThat(count("Patient")).isEqualTo(patients);
    }

    @Test
    void theHeadersAcquisitionAttributesFeedTheStudysQualityScore() throws Exception {
        ImagingFixtures.Who who = ImagingFixtures.Who.mrn("QA-" + root, "QUALITY^QIN");
        String bare = uid("31");
        String complete = uid("32");
        assertThat(stow(hospitalToken, "/dicomweb/studies", List.of(fx.ct(bare, 1, 1, who))).statusCode())
                .isEqualTo(200);
        assertThat(stow(hospitalToken, "/dicomweb/studies", List.of(fx.ctWithAcquisition(complete, 1, 1, who)))
                .statusCode()).isEqualTo(200);
        double bareScore = qualityScore(study(bare));
        double completeScore = qualityScore(study(complete));
        // The same study but for slice thickness, kVp, kernel, pixel spacing, manufacturer and model.
        assertThat(completeScore).as("score with acquisition attributes").isGreaterThan(bareScore);
    }

    private static double qualityScore(ImagingStudy s) {
        org.hl7.fhir.r4.model.Extension x = s.getExtensionByUrl(
                org.patientvault.mapping.IdentitySystems.EXTENSION_BASE + "quality-score");
        assertThat(x).as("quality-score on the ImagingStudy").isNotNull();
        return ((org.hl7.fhir.r4.model.DecimalType) x.getValue()).getValueAsNumber().doubleValue();
    }

    @Test
    void aResidentIdLinksToThePatientWhoAloneWithTheHospitalMayRead() throws Exception {
        String aliceToken = token("alice", "alice-demo");
        String study = uid("12");
        Path ct = fx.ct(study, 1, 1, new ImagingFixtures.Who("ALICE-" + root, null, "Li^Alice", "19850312", "F",
                ALICE_RID));
        assertThat(stow(hospitalToken, "/dicomweb/studies", List.of(ct)).statusCode()).isEqualTo(200);
        Bundle mine = alice().search().forResource(Patient.class).returnBundle(Bundle.class).execute();
        String alicePatient = mine.getEntryFirstRep().getResource().getIdElement().getIdPart();
        assertThat(study(study).getSubject().getReferenceElement().getIdPart()).isEqualTo(alicePatient);

        String studyPath = "/dicomweb/studies/" + study;
        HttpResponse<byte[]> own = get(aliceToken, studyPath);
        assertThat(own.statusCode()).as(text(own)).isEqualTo(200);
        assertThat(parts(own).get(0)).isEqualTo(Files.readAllBytes(ct));
        assertThat(get(aliceToken, studyPath + "/metadata").statusCode()).isEqualTo(200);
        assertThat(get(aliceToken, studyPath + "/series/" + study + ".1/rendered").statusCode()).isEqualTo(200);

        String unknownPath = "/dicomweb/studies/" + uid("404");
        for (String other : List.of(token("bob", "bob-demo"), clientToken("hosp-shanghai", "hosp-shanghai-secret"),
                clientToken("ai-lab", "ai-lab-secret"))) {
            for (String suffix : List.of("", "/metadata", "/series/" + study + ".1",
                    "/series/" + study + ".1/instances/" + study + ".1.1", "/series/" + study + ".1/rendered")) {
                HttpResponse<byte[]> foreign = get(other, studyPath + suffix);
                HttpResponse<byte[]> unknown = get(other, unknownPath + suffix.replace(study, uid("404")));
                assertThat(foreign.statusCode()).as(suffix).isEqualTo(404);
                assertThat(unknown.statusCode()).isEqualTo(404);
                assertThat(foreign.body()).as("foreign and unknown answered alike").isEqualTo(unknown.body());
                assertThat(text(foreign)).doesNotContain(study, alicePatient);
            }
        }
        assertThat(get(null, studyPath).statusCode()).isEqualTo(401);
    }

    @Test
    void aStudyOfAnUnknownPatientIsHeldUnderANewUnlinkedPatient() throws Exception {
        int patients = count("Patient");
        String study = uid("13");
        String mrn = "NEW-" + root;
        Path ct = fx.ct(study, 1, 1, ImagingFixtures.Who.mrn(mrn, "Stranger^Sam"));
        assertThat(stow(hospitalToken, "/dicomweb/studies", List.of(ct)).statusCode()).isEqualTo(200);
        assertThat(count("Patient")).isEqualTo(patients + 1);
        ImagingStudy s = study(study);
        Patient held = client.read().resource(Patient.class).withId(s.getSubject().getReferenceElement().getIdPart())
                .execute();
        assertThat(held.getIdentifier()).extracting(Identifier::getValue).containsExactly(mrn);
        assertThat(held.getIdentifier()).noneMatch(i -> IdentitySystems.RESIDENT_ID.equals(i.getSystem()));
        // A second study of the same MRN lands on the same Patient.
        String study2 = uid("14");
        assertThat(stow(hospitalToken, "/dicomweb/studies", List.of(fx.ct(study2, 1, 1,
                ImagingFixtures.Who.mrn(mrn, "Stranger^Sam")))).statusCode()).isEqualTo(200);
        assertThat(study(study2).getSubject().getReference()).isEqualTo(s.getSubject().getReference());
        assertThat(count("Patient")).isEqualTo(patients + 1);
    }

    @Test
    void aResidentIdInOtherPatientIdsLinksAcrossHospitals() throws Exception {
        String study = uid("15");
        Path ct = fx.ct(study, 1, 1, new ImagingFixtures.Who("SH-" + root, null, "Bai^Bob", "19780921", "M",
                "310104197809210017"));
        String shanghai = clientToken("hosp-shanghai", "hosp-shanghai-secret");
        assertThat(stow(shanghai, "/dicomweb/studies", List.of(ct)).statusCode()).isEqualTo(200);
        String bob = token("bob", "bob-demo");
        HttpResponse<byte[]> own = get(bob, "/dicomweb/studies/" + study + "/metadata");
        assertThat(own.statusCode()).as(text(own)).isEqualTo(200);
        // hosp-beijing did not submit it and bob shared nothing with it.
        assertThat(get(hospitalToken, "/dicomweb/studies/" + study).statusCode()).isEqualTo(404);
    }
}
