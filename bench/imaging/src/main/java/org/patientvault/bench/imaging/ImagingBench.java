package org.patientvault.bench.imaging;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Imaging benchmark client (run by bench/imaging/run.sh): the same DICOM files once as raw MinIO-SDK puts to the
 * S3 server (baseline: no parsing, no encryption, no FHIR) and once as one STOW-RS request to the vault, which stores
 * them in the same S3 server.
 *
 * <pre>
 * raw &lt;s3 endpoint&gt; &lt;dir&gt;           put every *.dcm, known length
 * stow &lt;vault base&gt; &lt;dir&gt; &lt;label&gt;  one multipart/related request, streamed (chunked), as hosp-beijing
 * </pre>
 * Prints one line: label, bytes, seconds, MiB/s.
 */
public final class ImagingBench {

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[2]);
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".dcm")).sorted().toList();
    }
    long bytes = 0;
    for (Path f : files) {
      bytes += Files.size(f);
    }
    long t0 = System.nanoTime();
    String label;
    if (args[0].equals("raw")) {
      MinioClient raw = MinioClient.builder().endpoint(args[1]).credentials("bench-access", "bench-secret-123")
          .region("us-east-1").build();
      if (!raw.bucketExists(BucketExistsArgs.builder().bucket("raw").build())) {
        raw.makeBucket(MakeBucketArgs.builder().bucket("raw").build());
      }
      for (Path f : files) {
        try (InputStream in = Files.newInputStream(f)) {
          raw.putObject(PutObjectArgs.builder().bucket("raw").object("raw/" + f.getFileName())
              .stream(in, Files.size(f), 16L << 20).contentType("application/dicom").build());
        }
      }
      label = "raw MinIO SDK put";
    } else {
      String base = args[1];
      HttpClient http = HttpClient.newHttpClient();
      String discovery = http.send(HttpRequest.newBuilder(URI.create(base + "/.well-known/openid-configuration"))
          .build(), HttpResponse.BodyHandlers.ofString()).body();
      String tokenUrl = discovery.replaceAll("(?s).*\"token_endpoint\"\\s*:\\s*\"([^\"]+)\".*", "$1");
      String tokenJson = http.send(HttpRequest.newBuilder(URI.create(tokenUrl))
          .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
              "hosp-beijing:hosp-beijing-secret".getBytes(StandardCharsets.UTF_8)))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      String token = tokenJson.replaceAll("(?s).*\"access_token\"\\s*:\\s*\"([^\"]+)\".*", "$1");
      t0 = System.nanoTime();
      String boundary = "bench-boundary-7f3a";
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/dicomweb/studies"))
          .header("Authorization", "Bearer " + token)
          .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + boundary)
          .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body(files, boundary))).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("STOW answered " + r.statusCode() + ": " + r.body());
      }
      label = args.length > 3 ? args[3] : "vault STOW-RS";
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    System.out.println(String.format(Locale.ROOT, "%s|%d|%d|%.2f|%.1f", label, files.size(), bytes, secs,
        bytes / (1024.0 * 1024.0) / secs));
  }

  private static InputStream body(List<Path> files, String boundary) {
    List<InputStream> parts = new ArrayList<>();
    try {
      for (Path f : files) {
        parts.add(new ByteArrayInputStream(("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII)));
        parts.add(new java.io.BufferedInputStream(Files.newInputStream(f), 1 << 20));
        parts.add(new ByteArrayInputStream("\r\n".getBytes(StandardCharsets.US_ASCII)));
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    parts.add(new ByteArrayInputStream(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII)));
    return new SequenceInputStream(Collections.enumeration(parts));
  }
}
