package org.patientvault.mobile.support;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * An RFC 7807 answer of the patient API. Controllers and services throw it; {@link MobileProblemAdvice} writes it as
 * {@code application/problem+json}. The detail is built from the request and fixed text, never from stored content.
 *
 * <p>Why mobile-api has its own and does not use vault-api's {@code problem.ApiProblem}: this module may not import
 * vault-api (Maven arrows point down), and moving that class into a domain library would put Spring MVC types there.
 * The body has the same shape and the same type base, so a client cannot tell the two apart.
 */
public class MobileProblem extends RuntimeException {

    /** Base of every problem type URI (the same as vault-api's). */
    public static final String TYPE_BASE = "https://patientvault.org/problems/";

    private final HttpStatus status;
    private final String type;
    private final String title;
    private final Map<String, Object> properties = new LinkedHashMap<>();

    public MobileProblem(HttpStatus status, String type, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = status.getReasonPhrase();
    }

    /** 400: the request is malformed; {@code detail} names what (request-derived or fixed text only). */
    public static MobileProblem badRequest(String detail) {
        return new MobileProblem(HttpStatus.BAD_REQUEST, "bad-request", detail);
    }

    /** 404: unknown, or not the caller's: one answer for both. */
    public static MobileProblem notFound(String what) {
        return new MobileProblem(HttpStatus.NOT_FOUND, "not-found", what + " is not known");
    }

    /** 422: well-formed but not acceptable. */
    public static MobileProblem unprocessable(String detail) {
        return new MobileProblem(HttpStatus.UNPROCESSABLE_ENTITY, "unprocessable", detail);
    }

    /** Adds an extension member; values must be JSON-serialisable. */
    public MobileProblem with(String name, Object value) {
        properties.put(name, value);
        return this;
    }

    public HttpStatus status() {
        return status;
    }

    /** The body members in order: type, title, status, detail, then the extension members. */
    public Map<String, Object> body() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", TYPE_BASE + type);
        m.put("title", title);
        m.put("status", status.value());
        m.put("detail", getMessage());
        m.putAll(properties);
        return m;
    }
}
