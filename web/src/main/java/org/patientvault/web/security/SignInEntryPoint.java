package org.patientvault.web.security;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * Sends an anonymous (or expired) user to sign in. A full page load is redirected to the provider and comes back to
 * the same page afterwards; an htmx fragment request cannot follow a cross-site redirect, so it is told (401 and
 * {@code HX-Refresh}) to reload its page, which then takes the first route.
 */
final class SignInEntryPoint implements AuthenticationEntryPoint {

    private final AuthenticationEntryPoint pages;

    SignInEntryPoint(AuthenticationEntryPoint pages) {
        this.pages = pages;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException, ServletException {
        if (request.getHeader("HX-Request") != null) {
            response.setStatus(401);
            response.setHeader("HX-Refresh", "true");
            return;
        }
        pages.commence(request, response, e);
    }
}
