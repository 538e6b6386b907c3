package org.patientvault.vault.caller;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Sends a FHIR request through the {@code /fhir} servlet on the current thread, as if the caller had sent it there.
 *
 * <p>Why the servlet and not the submission service directly: the servlet is the one path where every HAPI
 * interceptor runs in order — authorization rules (incoming and storage), request validation, submitter tags, the
 * submission ledger, terminology, safe errors and the audit event. A hand-built {@code RequestDetails} would run only
 * the storage hooks. The caller stays the same because the security context is thread-bound
 * ({@code VaultPrincipal.current()}), and a {@code ServletRequestDetails} is not a {@code SystemRequestDetails}, so
 * nothing treats it as internal. Spring Security's filters have already run for the outer request.
 *
 * <p>The response is buffered in memory (a transaction-response Bundle or a search page, small next to the submitted
 * data). Intakes (CSV, imaging) submit and read through it; so do the edges' ports.
 * A file is the exception: {@link #stream} hands its body to the caller's stream as it is written.
 */
@Component
public final class FhirDispatch {

    /** Status, content type and body of the FHIR servlet's answer. */
    public record Answer(int status, String contentType, byte[] body) {
    }

    private final ObjectProvider<RestfulServer> server;

    /** The server is looked up on each dispatch: it is assembled after the features that dispatch to it. */
    public FhirDispatch(ObjectProvider<RestfulServer> server) {
        this.server = server;
    }

    /** POSTs {@code json} to the server base ({@code /fhir}), i.e. a transaction or batch. */
    public Answer postToBase(HttpServletRequest outer, byte[] json) {
        return dispatch(new InternalRequest(outer, json));
    }

    /**
     * As {@link #postToBase(HttpServletRequest, byte[])}, handing each of {@code handOvers} to the dispatched request: the
     * code handling it finds it with {@link #handedOver(RequestDetails, Class)} under its type (for example a
     * submission's context). One value per type; nothing else travels beside the body.
     */
    public Answer postToBase(HttpServletRequest outer, byte[] json, Object... handOvers) {
        InternalRequest request = new InternalRequest(outer, json);
        for (Object handOver : handOvers) {
            request.setAttribute(handOverKey(handOver.getClass()), handOver);
        }
        return dispatch(request);
    }

    /** The value of type {@code type} handed to this request by an in-process dispatch, if it is one. */
    public static <T> Optional<T> handedOver(RequestDetails request, Class<T> type) {
        Object value = request instanceof ServletRequestDetails servlet && servlet.getServletRequest() != null
                ? servlet.getServletRequest().getAttribute(handOverKey(type)) : null;
        return type.isInstance(value) ? Optional.of(type.cast(value)) : Optional.empty();
    }

    private static String handOverKey(Class<?> type) {
        return FhirDispatch.class.getName() + ".handOver." + type.getName();
    }

    /**
     * GETs {@code /fhir/<path>} with the given query parameters (unencoded values) as the caller, e.g. a search:
     * authorization, search narrowing and consent decide what comes back, exactly as for the caller's own request.
     */
    public Answer get(HttpServletRequest outer, String path, Map<String, String[]> parameters) {
        return get(outer, path, parameters, Map.of());
    }

    /**
     * As {@link #get(HttpServletRequest, String, Map)} with request headers, e.g. {@code Prefer: respond-async} for a
     * Bulk Data kick-off. Names are case-insensitive; the content headers of the dispatch cannot be replaced.
     */
    public Answer get(HttpServletRequest outer, String path, Map<String, String[]> parameters,
                      Map<String, String> headers) {
        InternalRequest request = getRequest(outer, path, parameters);
        headers.forEach((name, value) -> request.headers.putIfAbsent(name.toLowerCase(Locale.ROOT), value));
        return dispatch(request);
    }

    private static InternalRequest getRequest(HttpServletRequest outer, String path, Map<String, String[]> parameters) {
        InternalRequest request = new InternalRequest(outer, new byte[0]);
        request.method = "GET";
        request.pathInfo = "/" + path;
        request.parameters = Map.copyOf(parameters);
        StringBuilder q = new StringBuilder();
        parameters.forEach((k, vs) -> {
            for (String v : vs) {
                q.append(q.length() == 0 ? "" : "&").append(java.net.URLEncoder.encode(k, StandardCharsets.UTF_8))
                        .append('=').append(java.net.URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        request.query = q.length() == 0 ? null : q.toString();
        return request;
    }

    /**
     * POSTs {@code json} to {@code /fhir/<path>} as the caller: a create ({@code Consent}) or an operation
     * ({@code Patient/<id>/$claim}). Used by the edges' ports.
     */
    public Answer post(HttpServletRequest outer, String path, byte[] json) {
        InternalRequest request = new InternalRequest(outer, json);
        request.pathInfo = "/" + path;
        return dispatch(request);
    }

    /**
     * PUTs a resource ({@code json}) to {@code /fhir/<path>} as the caller, optionally only if the current version
     * is {@code ifMatch} (an ETag such as {@code W/"3"}).
     */
    public Answer put(HttpServletRequest outer, String path, byte[] json, String ifMatch) {
        InternalRequest request = new InternalRequest(outer, json);
        request.method = "PUT";
        request.pathInfo = "/" + path;
        if (ifMatch != null) {
            request.headers.put("if-match", ifMatch);
        }
        return dispatch(request);
    }

    /**
     * Where a streamed answer's body goes: asked once, when the servlet writes its first byte, with the status and
     * content type set by then. Return null to have the body buffered into the {@link Answer} instead (an error).
     */
    @FunctionalInterface
    public interface Sink {
        java.io.OutputStream open(int status, String contentType) throws IOException;
    }

    /**
     * As {@link #get(HttpServletRequest, String, Map)}, but the body is written to the stream {@code sink} opens
     * rather than held in memory (a file download): the answer then has an empty body. Everything else is the same
     * dispatch, so authorization and audit run as for the caller's own request.
     */
    public Answer stream(HttpServletRequest outer, String path, Map<String, String[]> parameters, Sink sink) {
        BufferedResponse response = new BufferedResponse();
        response.sink = sink;
        return dispatch(getRequest(outer, path, parameters), response);
    }

    private Answer dispatch(InternalRequest request) {
        return dispatch(request, new BufferedResponse());
    }

    private Answer dispatch(InternalRequest request, BufferedResponse response) {
        try {
            server.getObject().service((jakarta.servlet.ServletRequest) request,
                    (jakarta.servlet.ServletResponse) response);
        } catch (ServletException | IOException e) {
            throw new IllegalStateException("internal dispatch to the FHIR servlet failed", e);
        }
        return new Answer(response.status, response.contentType, response.body());
    }

    /** The outer request, re-addressed to {@code POST /fhir} (or a GET) with a FHIR JSON body; own attributes. */
    private static final class InternalRequest extends HttpServletRequestWrapper {
        private final byte[] body;
        private final Map<String, String> headers;
        private final Map<String, Object> attributes = new java.util.HashMap<>();
        private String method = "POST";
        private String pathInfo;
        private String query;
        private Map<String, String[]> parameters = Collections.emptyMap();

        InternalRequest(HttpServletRequest outer, byte[] body) {
            super(outer);
            this.body = body;
            this.headers = new java.util.HashMap<>(Map.of(
                    "content-type", "application/fhir+json; charset=UTF-8",
                    "accept", "application/fhir+json",
                    "content-length", Integer.toString(body.length)));
        }

        @Override public String getMethod() { return method; }
        @Override public String getServletPath() { return "/fhir"; }
        @Override public String getPathInfo() { return pathInfo; }
        @Override public String getQueryString() { return query; }
        @Override public String getRequestURI() { return getContextPath() + "/fhir" + (pathInfo == null ? "" : pathInfo); }

        @Override
        public StringBuffer getRequestURL() {
            HttpServletRequest outer = (HttpServletRequest) getRequest();
            String url = outer.getRequestURL().toString();
            String root = url.substring(0, url.length() - outer.getRequestURI().length());
            return new StringBuffer(root).append(getRequestURI());
        }

        @Override public Map<String, String[]> getParameterMap() { return parameters; }
        @Override public String getParameter(String name) {
            String[] v = parameters.get(name);
            return v == null || v.length == 0 ? null : v[0];
        }
        @Override public String[] getParameterValues(String name) { return parameters.get(name); }
        @Override public Enumeration<String> getParameterNames() {
            return Collections.enumeration(parameters.keySet());
        }

        @Override public String getHeader(String name) { return headers.get(name.toLowerCase(Locale.ROOT)); }

        @Override
        public Enumeration<String> getHeaders(String name) {
            String v = getHeader(name);
            return v == null ? Collections.emptyEnumeration() : Collections.enumeration(java.util.List.of(v));
        }

        @Override public Enumeration<String> getHeaderNames() { return Collections.enumeration(headers.keySet()); }
        @Override public long getDateHeader(String name) { return -1; }
        @Override public int getIntHeader(String name) {
            String v = getHeader(name);
            return v == null ? -1 : Integer.parseInt(v);
        }
        @Override public String getContentType() { return headers.get("content-type"); }
        @Override public String getCharacterEncoding() { return "UTF-8"; }
        @Override public int getContentLength() { return body.length; }
        @Override public long getContentLengthLong() { return body.length; }

        @Override public Object getAttribute(String name) { return attributes.get(name); }
        @Override public Enumeration<String> getAttributeNames() {
            return Collections.enumeration(attributes.keySet());
        }
        @Override public void setAttribute(String name, Object o) { attributes.put(name, o); }
        @Override public void removeAttribute(String name) { attributes.remove(name); }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override public boolean isFinished() { return in.available() == 0; }
                @Override public boolean isReady() { return true; }
                @Override public void setReadListener(ReadListener l) { throw new UnsupportedOperationException(); }
                @Override public int read() { return in.read(); }
                @Override public int read(byte[] b, int off, int len) { return in.read(b, off, len); }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8));
        }
    }

    /** Collects status, content type and body; nothing reaches the outer response. */
    private static final class BufferedResponse extends HttpServletResponseWrapper {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private Sink sink;
        private java.io.OutputStream target;
        private PrintWriter writer;
        private int status = 200;
        private String contentType;
        private final Map<String, String> headers = new java.util.HashMap<>();

        BufferedResponse() {
            // The wrapper needs a delegate; every method that would touch it is overridden below.
            super(new NoResponse());
        }

        byte[] body() {
            if (writer != null) {
                writer.flush();
            }
            return out.toByteArray();
        }

        @Override public void setStatus(int sc) { status = sc; }
        @Override public int getStatus() { return status; }
        @Override public void sendError(int sc) { status = sc; }
        @Override public void sendError(int sc, String msg) { status = sc; }
        @Override public void setContentType(String type) { contentType = type; }
        @Override public String getContentType() { return contentType; }
        @Override public void setCharacterEncoding(String charset) { }
        @Override public String getCharacterEncoding() { return "UTF-8"; }
        @Override public void setContentLength(int len) { }
        @Override public void setContentLengthLong(long len) { }
        @Override public void setHeader(String name, String value) {
            if ("content-type".equalsIgnoreCase(name)) {
                contentType = value;
            }
            headers.put(name.toLowerCase(Locale.ROOT), value);
        }
        @Override public void addHeader(String name, String value) { setHeader(name, value); }
        @Override public void setIntHeader(String name, int value) { setHeader(name, Integer.toString(value)); }
        @Override public void addIntHeader(String name, int value) { setHeader(name, Integer.toString(value)); }
        @Override public void setDateHeader(String name, long date) { }
        @Override public void addDateHeader(String name, long date) { }
        @Override public boolean containsHeader(String name) { return headers.containsKey(name.toLowerCase(Locale.ROOT)); }
        @Override public String getHeader(String name) { return headers.get(name.toLowerCase(Locale.ROOT)); }
        @Override public java.util.Collection<String> getHeaders(String name) {
            String v = getHeader(name);
            return v == null ? java.util.List.of() : java.util.List.of(v);
        }
        @Override public java.util.Collection<String> getHeaderNames() { return headers.keySet(); }
        @Override public void setLocale(Locale loc) { }
        @Override public void setBufferSize(int size) { }
        @Override public void flushBuffer() { }
        @Override public boolean isCommitted() { return false; }
        @Override public void reset() { out.reset(); headers.clear(); status = 200; }
        @Override public void resetBuffer() { out.reset(); }
        @Override public String encodeURL(String url) { return url; }
        @Override public String encodeRedirectURL(String url) { return url; }
        @Override public void sendRedirect(String location) { status = 302; setHeader("Location", location); }

        @Override
        public ServletOutputStream getOutputStream() {
            return new ServletOutputStream() {
                @Override public boolean isReady() { return true; }
                @Override public void setWriteListener(WriteListener l) { throw new UnsupportedOperationException(); }
                @Override public void write(int b) throws IOException { target().write(b); }
                @Override public void write(byte[] b, int off, int len) throws IOException {
                    target().write(b, off, len);
                }
                @Override public void flush() throws IOException {
                    if (target != null) {
                        target.flush();
                    }
                }
            };
        }

        /** The buffer, or the sink's stream once the first byte of a streamed answer is written. */
        private java.io.OutputStream target() throws IOException {
            if (target == null) {
                java.io.OutputStream opened = sink == null ? null : sink.open(status, contentType);
                target = opened == null ? out : opened;
            }
            return target;
        }

        @Override
        public PrintWriter getWriter() {
            if (writer == null) {
                writer = new PrintWriter(new OutputStreamWriter(getOutputStream(), StandardCharsets.UTF_8));
            }
            return writer;
        }
    }

    /** A response that must never be used: the buffered wrapper overrides everything it would be asked for. */
    private static final class NoResponse extends HttpServletResponseWrapper {
        NoResponse() {
            super((HttpServletResponse) java.lang.reflect.Proxy.newProxyInstance(
                    FhirDispatch.class.getClassLoader(), new Class<?>[] {HttpServletResponse.class},
                    (proxy, method, args) -> {
                        throw new IllegalStateException("internal FHIR dispatch touched the response: "
                                + method.getName());
                    }));
        }
    }
}
