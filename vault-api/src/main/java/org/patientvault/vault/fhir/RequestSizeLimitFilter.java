package org.patientvault.vault.fhir;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses bodies over the configured limit with 413 and an OperationOutcome, before anything is parsed or stored.
 * A declared Content-Length is checked up front; a chunked body is counted while it is read, so a lying or absent
 * length cannot get past the limit.
 */
final class RequestSizeLimitFilter extends OncePerRequestFilter {

    private final long maxBytes;
    private final FhirContext ctx;

    RequestSizeLimitFilter(long maxBytes, FhirContext ctx) {
        this.maxBytes = maxBytes;
        this.ctx = ctx;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            reject(response, declared);
            return;
        }
        // Chunked or lying bodies fail while being read; SafeErrorInterceptor turns that into a 413.
        chain.doFilter(new LimitedRequest(request, maxBytes), response);
    }

    private void reject(HttpServletResponse response, long declared) throws IOException {
        OperationOutcome oo = new OperationOutcome();
        oo.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR)
                .setCode(OperationOutcome.IssueType.TOOLONG)
                .setDiagnostics("Request body " + (declared >= 0 ? "of " + declared + " bytes " : "")
                        + "exceeds the limit of " + maxBytes + " bytes (vault.fhir.max-request-size)");
        byte[] body = ctx.newJsonParser().encodeResourceToString(oo).getBytes(StandardCharsets.UTF_8);
        response.setStatus(413);
        response.setContentType("application/fhir+json;charset=utf-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    static final String TOO_LARGE_ATTRIBUTE = RequestSizeLimitFilter.class.getName() + ".tooLarge";

    /** Thrown while reading a body that goes past the limit. */
    static final class BodyTooLargeException extends IOException {
        BodyTooLargeException(long max) {
            super("Request body exceeds the limit of " + max + " bytes (vault.fhir.max-request-size)");
        }
    }

    /** Counts bytes as they are read; past the limit, reading fails. */
    private static final class LimitedRequest extends HttpServletRequestWrapper {
        private final long max;
        private ServletInputStream stream;

        LimitedRequest(HttpServletRequest request, long max) {
            super(request);
            this.max = max;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                ServletInputStream in = super.getInputStream();
                stream = new ServletInputStream() {
                    private long count;

                    @Override
                    public int read() throws IOException {
                        int b = in.read();
                        if (b >= 0) {
                            count(1);
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] buf, int off, int len) throws IOException {
                        int n = in.read(buf, off, len);
                        if (n > 0) {
                            count(n);
                        }
                        return n;
                    }

                    private void count(int n) throws IOException {
                        count += n;
                        if (count > max) {
                            // HAPI turns read failures into a 400 and drops the cause; this marks the request so
                            // SafeErrorInterceptor answers 413.
                            setAttribute(TOO_LARGE_ATTRIBUTE, Boolean.TRUE);
                            throw new BodyTooLargeException(max);
                        }
                    }

                    @Override
                    public boolean isFinished() {
                        return in.isFinished();
                    }

                    @Override
                    public boolean isReady() {
                        return in.isReady();
                    }

                    @Override
                    public void setReadListener(ReadListener listener) {
                        in.setReadListener(listener);
                    }
                };
            }
            return stream;
        }
    }
}
