package org.patientvault.web.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import org.patientvault.web.port.SignedInCallers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.client.ClientAuthorizationException;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * For a signed-in browser, runs the rest of the request as its user ({@link SignedInCallers}): the session's access
 * token, refreshed when expired, is verified as the API verifies a bearer token, and the pages and services below
 * see the same caller an API request with that token would. When the token can no longer be had (refresh token
 * expired, the user signed out at the provider) the session ends and the user is sent to sign in, and back.
 *
 * <p>Not a bean: a {@code Filter} bean would also be registered for every request of the servlet container; it belongs
 * in the UI's own chain only.
 */
public final class SignedInCallerFilter extends OncePerRequestFilter {

    /** Request attribute holding the {@link SignedInCallers.Scope} of the current page request. */
    public static final String CALLER = SignedInCallerFilter.class.getName() + ".caller";

    /** Request attribute holding the signed-in user's display name (from the ID token), for the page header. */
    public static final String DISPLAY_NAME = SignedInCallerFilter.class.getName() + ".name";

    private static final Logger LOG = LoggerFactory.getLogger(SignedInCallerFilter.class);

    private final OAuth2AuthorizedClientManager clients;
    private final SignedInCallers callers;

    SignedInCallerFilter(OAuth2AuthorizedClientManager clients, SignedInCallers callers) {
        this.clients = clients;
        this.callers = callers;
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (!(auth instanceof OAuth2AuthenticationToken signedIn)) {
            chain.doFilter(request, response); // assets and the signed-out page
            return;
        }
        String token = accessToken(signedIn, request, response);
        if (token == null) {
            restart(request, response);
            return;
        }
        SignedInCallers.Scope scope;
        try {
            scope = callers.enter(token);
        } catch (SignedInCallers.RefusedToken refused) {
            LOG.info("A web session's token was refused ({}); the user signs in again", refused.getMessage());
            restart(request, response);
            return;
        }
        try (scope) {
            request.setAttribute(CALLER, scope);
            request.setAttribute(DISPLAY_NAME, displayName(signedIn));
            chain.doFilter(request, response);
        }
    }

    private String accessToken(OAuth2AuthenticationToken signedIn, HttpServletRequest request,
                               HttpServletResponse response) {
        try {
            OAuth2AuthorizedClient client = clients.authorize(OAuth2AuthorizeRequest
                    .withClientRegistrationId(signedIn.getAuthorizedClientRegistrationId())
                    .principal(signedIn)
                    .attribute(HttpServletRequest.class.getName(), request)
                    .attribute(HttpServletResponse.class.getName(), response)
                    .build());
            return client == null ? null : client.getAccessToken().getTokenValue();
        } catch (ClientAuthorizationException expired) {
            return null;
        }
    }

    private static String displayName(OAuth2AuthenticationToken signedIn) {
        if (signedIn.getPrincipal() instanceof org.springframework.security.oauth2.core.oidc.user.OidcUser user) {
            for (String name : new String[] {user.getFullName(), user.getPreferredUsername()}) {
                if (name != null && !name.isBlank()) {
                    return name;
                }
            }
        }
        return signedIn.getName();
    }

    /** Ends the session and sends the browser to sign in, returning to this page (if it is one) afterwards. */
    private static void restart(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
        SecurityContextHolder.clearContext();
        if (request.getHeader("HX-Request") != null) {
            response.setStatus(401);
            response.setHeader("HX-Refresh", "true");
            return;
        }
        if ("GET".equals(request.getMethod())) {
            WebSecurityConfig.requestCache().saveRequest(request, response);
        }
        response.sendRedirect(request.getContextPath() + WebSecurityConfig.SIGN_IN);
    }
}
