package org.patientvault.mobile.support;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies over the limit before a controller reads them: a declared {@code Content-Length} over it is
 * a 413 at once; an undeclared (chunked) body fails with {@link TooLarge} when reading passes the limit, which the
 * problem advice turns into the same 413. Either way nothing has been changed.
 */
final class BodyLimit extends OncePerRequestFilter {

    /** Reading passed the limit. */
    static final class TooLarge extends IOException {
        TooLarge(long limit) {
            super("The request body is larger than " + limit + " bytes");
        }
    }

    private final long limit;
    private final ProblemWriter writer;

    BodyLimit(long limit, ProblemWriter writer) {
        this.limit = limit;
        this.writer = writer;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > limit) {
            writer.write(response, new MobileProblem(org.springframework.http.HttpStatus.PAYLOAD_TOO_LARGE,
                    "too-large", "The request body is larger than " + limit + " bytes"));
            return;
        }
        chain.doFilter(new Limited(request, limit), response);
    }

    private static final class Limited extends HttpServletRequestWrapper {
        private final long limit;

        Limited(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            ServletInputStream in = super.getInputStream();
            return new ServletInputStream() {
                private long read;

                @Override public boolean isFinished() { return in.isFinished(); }
                @Override public boolean isReady() { return in.isReady(); }
                @Override public void setReadListener(ReadListener l) { in.setReadListener(l); }

                @Override
                public int read() throws IOException {
                    int b = in.read();
                    if (b >= 0 && ++read > limit) {
                        throw new TooLarge(limit);
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = in.read(b, off, len);
                    if (n > 0 && (read += n) > limit) {
                        throw new TooLarge(limit);
                    }
                    return n;
                }
            };
        }
    }
}
