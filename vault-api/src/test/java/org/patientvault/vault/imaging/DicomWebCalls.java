package org.patientvault.vault.imaging;

import static org.assertj.core.api.Assertions.assertThat;

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

/** Plain HTTP calls to {@code /dicomweb} for the imaging ITs: STOW-RS, GETs, and splitting multipart answers. */
final class DicomWebCalls {

    private final HttpClient http = HttpClient.newHttpClient();
    private final int port;

    DicomWebCalls(int port) {
        this.port = port;
    }

    String url(String path) {
        return "http://localhost:" + port + path;
    }

    HttpResponse<byte[]> stow(String token, String path, List<Path> files) throws Exception {
        String boundary = "b-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Path f : files) {
            body.write(("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            body.write(Files.readAllBytes(f));
            body.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + boundary)
                .header("Authorization", "Bearer " + token);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> get(String token, String path) throws Exception {
        return get(token, path, null);
    }

    HttpResponse<byte[]> get(String token, String path, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (accept != null) {
            b.header("Accept", accept);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> send(String token, String method, String path, String contentType, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path)))
                .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .header("Content-Type", contentType)
                .header("Accept", "application/fhir+json")
                .header("Authorization", "Bearer " + token);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** The parts of a multipart/related answer, split by its boundary (independent of the server's reader). */
    static List<byte[]> parts(HttpResponse<byte[]> r) {
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
        byte[] crlf2 = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int k = 0; k + 1 < starts.size(); k++) {
            int from = starts.get(k) + delim.length + 2;
            int headerEnd = from;
            while (!Arrays.equals(body, headerEnd, headerEnd + 4, crlf2, 0, 4)) {
                headerEnd++;
            }
            parts.add(Arrays.copyOfRange(body, headerEnd + 4, starts.get(k + 1) - 2));
        }
        return parts;
    }
}
