package org.patientvault.mobile.support;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refusals raised before any controller of the patient API is chosen (an unknown path, a method or media type the
 * route does not take) reach the servlet container as {@code sendError}, which would render the container's error
 * page. Under {@code /mobile/v1} they are written as problem JSON instead, keeping the status and headers Spring set
 * (e.g. {@code Allow}). Controllers never call {@code sendError}: their errors are written by the advice.
 */
final class ErrorBodies extends OncePerRequestFilter {

    private final ProblemWriter writer;

    ErrorBodies(ProblemWriter writer) {
        this.writer = writer;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        chain.doFilter(request, new HttpServletResponseWrapper(response) {
            @Override
            public void sendError(int sc) throws IOException {
                sendError(sc, null);
            }

            @Override
            public void sendError(int sc, String msg) throws IOException {
                HttpStatus status = HttpStatus.resolve(sc);
                if (isCommitted() || status == null) {
                    super.sendError(sc, msg);
                    return;
                }
                resetBuffer();
                String detail = switch (sc) {
                    case 404 -> "No route of the patient API matches this path";
                    case 405 -> "This route does not accept " + request.getMethod();
                    default -> status.getReasonPhrase();
                };
                writer.write((HttpServletResponse) getResponse(), new MobileProblem(status,
                        sc == 404 ? "not-found" : "request", detail));
            }
        });
    }
}
