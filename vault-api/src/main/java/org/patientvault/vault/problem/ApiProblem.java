package org.patientvault.vault.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * An RFC 7807 answer of a non-FHIR route (the FHIR server answers with OperationOutcomes). Controllers throw it;
 * {@link ProblemAdvice} writes it. The detail is built from the request and fixed text, never from stored content.
 *
 * <p>Body: {@code type} ({@value #TYPE_BASE} + a slug), {@code title}, {@code status}, {@code detail}, then any
 * extension members in the order added.
 */
public class ApiProblem extends RuntimeException {

    /** Base of every problem type URI. */
    public static final String TYPE_BASE = "https://patientvault.org/problems/";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpStatus status;
    private final String type;
    private final String title;
    private final Map<String, Object> properties = new LinkedHashMap<>();

    /** A problem titled with the status's reason phrase. */
    public ApiProblem(HttpStatus status, String type, String detail) {
        this(status, type, status.getReasonPhrase(), detail);
    }

    public ApiProblem(HttpStatus status, String type, String title, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
    }

    /** Adds an extension member (e.g. the row errors of a CSV file); values must be JSON-serialisable. */
    public ApiProblem with(String name, Object value) {
        properties.put(name, value);
        return this;
    }

    public HttpStatus status() {
        return status;
    }

    public String type() {
        return TYPE_BASE + type;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    public Map<String, Object> properties() {
        return Map.copyOf(properties);
    }

    /** The body as JSON bytes. */
    public byte[] body() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type());
        m.put("title", title);
        m.put("status", status.value());
        m.put("detail", getMessage());
        m.putAll(properties);
        try {
            return JSON.writeValueAsBytes(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("problem members must be JSON-serialisable", e);
        }
    }

    /**
     * The response: {@code application/problem+json} set explicitly, so it is written whatever the request's
     * {@code Accept} asked for (a DICOMweb client asks for {@code multipart/related}).
     */
    public ResponseEntity<byte[]> toResponse() {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body());
    }
}
