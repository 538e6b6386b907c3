package org.patientvault.vault.access;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Raw HTTP against the running app, so tests see exactly the status, headers and body a client would. */
final class HttpCalls {

    static final String FHIR_JSON = "application/fhir+json";
    static final String JSON_PATCH = "application/json-patch+json";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String root;

    HttpCalls(int port) {
        this.root = "http://localhost:" + port;
    }

    /**
     * @param path        relative to {@code /fhir/} unless it starts with "/"; a raw {@code |} is sent as is
     * @param contentType the body's type, or null for {@code application/fhir+json}
     * @param headers     name, value pairs
     */
    HttpResponse<String> send(String token, String method, String path, String body, String contentType,
                              String... headers) {
        String url = path.startsWith("/") ? root + path : root + "/fhir/" + path;
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url.replace("|", "%7C").replace(" ", "%20")))
                .timeout(Duration.ofSeconds(60)).header("Accept", FHIR_JSON);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", contentType == null ? FHIR_JSON : contentType)
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> get(String token, String path) {
        return send(token, "GET", path, null, null);
    }
}
