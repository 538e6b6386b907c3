package org.patientvault.vault.edge;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The HTTP request the ports act for: every port implemented here runs as the caller of the current request (or of a
 * captured one, see {@link ThreadCallerContexts}), and refuses to run without one.
 */
final class CurrentRequest {

    private CurrentRequest() {
    }

    /** @param port the port's name, for the failure's message */
    static HttpServletRequest of(String port) {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes servlet) {
            return servlet.getRequest();
        }
        throw new IllegalStateException(port + " is used outside an HTTP request: there is no caller");
    }
}
