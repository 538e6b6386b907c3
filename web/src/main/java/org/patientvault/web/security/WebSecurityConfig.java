package org.patientvault.web.security;

import jakarta.servlet.http.HttpServletRequest;
import org.patientvault.web.WebProperties;
import org.patientvault.web.WebUi;
import org.patientvault.web.port.SignedInCallers;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.oidc.web.logout.OidcClientInitiatedLogoutSuccessHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.HttpSessionOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * The browser UI's wall, a backend-for-frontend (OAuth 2.0 for Browser-Based Apps): {@code oauth2Login} with the
 * {@code vault-web} client (authorization code + PKCE), the user's tokens kept in the server session only, an
 * HttpOnly SameSite session cookie, CSRF tokens on every state-changing request, and every page behind sign-in
 * except the static assets. Its own filter chain, ordered before the API's stateless one, so {@code /app/**} never
 * accepts a bearer token and the API never accepts a session.
 *
 * <p>The security context of a signed-in browser is stored under its own session key, so the development issuer's
 * login session (same host and cookie in embedded mode) and the UI's never overwrite each other.
 */
@Configuration(proxyBeanMethods = false)
class WebSecurityConfig {

    /** Where an anonymous user is sent: straight to the provider's login page, then back to the page asked for. */
    static final String SIGN_IN = WebUi.BASE + "/oauth2/authorization/" + DiscoveredClientRegistrations.ID;
    static final String CONTEXT_KEY = "PATIENT_VAULT_WEB_SECURITY_CONTEXT";

    @Bean
    @Order(1)
    SecurityFilterChain webChain(HttpSecurity http, ClientRegistrationRepository registrations,
                                 OAuth2AuthorizedClientRepository authorizedClients,
                                 OAuth2AuthorizedClientManager tokens, SignedInCallers callers,
                                 WebProperties props) throws Exception {
        HttpSessionSecurityContextRepository contexts = new HttpSessionSecurityContextRepository();
        contexts.setSpringSecurityContextKey(CONTEXT_KEY);
        HttpSessionRequestCache requests = requestCache();
        SavedRequestAwareAuthenticationSuccessHandler backToPage = new SavedRequestAwareAuthenticationSuccessHandler();
        backToPage.setRequestCache(requests);
        backToPage.setDefaultTargetUrl(WebUi.BASE);

        DefaultOAuth2AuthorizationRequestResolver resolver = new DefaultOAuth2AuthorizationRequestResolver(
                registrations, WebUi.BASE + "/oauth2/authorization");
        resolver.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());

        OidcClientInitiatedLogoutSuccessHandler logout = new OidcClientInitiatedLogoutSuccessHandler(registrations);
        logout.setPostLogoutRedirectUri("{baseUrl}" + WebUi.BASE + "/signed-out");
        logout.setDefaultTargetUrl(WebUi.BASE + "/signed-out");

        http.securityMatcher(WebUi.BASE, WebUi.BASE + "/**")
                .securityContext(s -> s.securityContextRepository(contexts))
                .requestCache(c -> c.requestCache(requests))
                .authorizeHttpRequests(a -> a
                        .requestMatchers(WebUi.BASE + "/assets/**", WebUi.BASE + "/signed-out").permitAll()
                        .anyRequest().authenticated())
                .oauth2Login(o -> o
                        .loginPage(SIGN_IN)
                        .authorizationEndpoint(e -> e.baseUri(WebUi.BASE + "/oauth2/authorization")
                                .authorizationRequestResolver(resolver))
                        .redirectionEndpoint(r -> r.baseUri(WebUi.BASE + "/login/oauth2/code/*"))
                        .authorizedClientRepository(authorizedClients)
                        .successHandler((request, response, authentication) -> {
                            request.getSession().setMaxInactiveInterval((int) props.sessionTimeout().toSeconds());
                            backToPage.onAuthenticationSuccess(request, response, authentication);
                        })
                        .failureUrl(WebUi.BASE + "/signed-out?error"))
                .logout(l -> l.logoutRequestMatcher(PathPatternRequestMatcher.withDefaults()
                                .matcher(HttpMethod.POST, WebUi.BASE + "/logout"))
                        .logoutSuccessHandler(logout))
                .exceptionHandling(e -> e
                        .authenticationEntryPoint(new SignInEntryPoint(new LoginUrlAuthenticationEntryPoint(SIGN_IN)))
                        .accessDeniedHandler((request, response, denied) -> response.sendError(403,
                                denied instanceof CsrfException
                                        ? "The form has expired or did not come from this site: reload the page"
                                        : "Not allowed")))
                .headers(h -> h
                        .contentSecurityPolicy(c -> c.policyDirectives("default-src 'self'; img-src 'self' data:; "
                                + "style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; "
                                + "frame-ancestors 'none'; form-action 'self' " + providerOrigin(props)))
                        .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN)))
                .addFilterAfter(new SignedInCallerFilter(tokens, callers), AuthorizationFilter.class);
        return http.build();
    }

    /**
     * Signing out posts a form that is answered with a redirect to the provider's logout page; the CSP must let that
     * form's navigation go there. In embedded mode the provider is this origin.
     */
    private static String providerOrigin(WebProperties props) {
        if (props.oidcIssuer().isBlank()) {
            return "";
        }
        java.net.URI issuer = java.net.URI.create(props.oidcIssuer());
        return issuer.getScheme() + "://" + issuer.getRawAuthority();
    }

    /**
     * Where the page to return to after sign-in is kept: under the UI's own session key, because in embedded mode the
     * development issuer's login keeps its own saved request (the authorization request) in the same session, and
     * the two must not overwrite each other (the user would loop between the two).
     */
    static HttpSessionRequestCache requestCache() {
        HttpSessionRequestCache requests = new HttpSessionRequestCache();
        requests.setSessionAttrName("PATIENT_VAULT_WEB_SAVED_REQUEST");
        requests.setRequestMatcher(WebSecurityConfig::worthReturningTo);
        requests.setMatchingRequestParameterName(null);
        return requests;
    }

    /** Only page views are worth returning to after sign-in: not assets, fragments or form posts. */
    private static boolean worthReturningTo(HttpServletRequest request) {
        return "GET".equals(request.getMethod()) && request.getHeader("HX-Request") == null
                && !request.getRequestURI().startsWith(request.getContextPath() + WebUi.BASE + "/assets/");
    }

    @Bean
    ClientRegistrationRepository webClientRegistrations(WebProperties props, Environment env) {
        return new DiscoveredClientRegistrations(props, env);
    }

    /** The users' tokens, in their server session only. */
    @Bean
    OAuth2AuthorizedClientRepository webAuthorizedClients() {
        return new HttpSessionOAuth2AuthorizedClientRepository();
    }

    /** Refreshes an expired access token with the session's refresh token before a page uses it. */
    @Bean
    OAuth2AuthorizedClientManager webAuthorizedClientManager(ClientRegistrationRepository registrations,
                                                             OAuth2AuthorizedClientRepository authorizedClients) {
        var manager = new org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizedClientManager(
                registrations, authorizedClients);
        manager.setAuthorizedClientProvider(OAuth2AuthorizedClientProviderBuilder.builder()
                .authorizationCode().refreshToken().build());
        return manager;
    }
}
