package org.patientvault.vault.caller;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.patientvault.vault.VaultStartupReport;
import org.patientvault.vault.problem.ApiProblem;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The API's wall: stateless, bearer tokens only, default deny. Public: {@code GET /fhir/metadata}, health probes and
 * the development issuer's own endpoints (which have their own, earlier filter chains). Everything else needs a
 * verified token whose audience is the vault, and the routes outside {@code /fhir} are allow-listed here with the role
 * each needs ({@link #ROLE_ROUTES}); a route not listed is refused. Which record a caller may touch is decided further
 * in: by HAPI's authorization rules and consent on {@code /fhir}, by each feature's own lookup elsewhere.
 *
 * <p>Refusals: 401 with {@code WWW-Authenticate}; 403 as an OperationOutcome on {@code /fhir}, as RFC 7807 problem
 * JSON elsewhere, naming what the route is for and never anything stored.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class ApiSecurityConfig {

    @Bean
    @Order(10)
    SecurityFilterChain apiChain(HttpSecurity http, VaultAuthenticationConverter converter) throws Exception {
        http.securityMatcher("/**")
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(a -> a
                        .requestMatchers(HttpMethod.GET, "/fhir/metadata").permitAll()
                        .requestMatchers(HttpMethod.OPTIONS, "/fhir/metadata").permitAll()
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info").permitAll()
                        .requestMatchers("/error").permitAll()
                        // The patient API's published spec and its Swagger UI (no data).
                        .requestMatchers(path(HttpMethod.GET, "/mobile/v1/openapi.json"),
                                path(HttpMethod.GET, "/mobile/v1/openapi.json/**"),
                                path(HttpMethod.GET, "/mobile/v1/swagger-ui.html"),
                                path(HttpMethod.GET, "/mobile/v1/swagger-ui/**")).permitAll()
                        // SMART Health Links' public side: the passcode and unguessable ids are the credentials.
                        .requestMatchers(path(HttpMethod.POST, "/mobile/v1/shl/*"),
                                path(HttpMethod.GET, "/mobile/v1/shl/files/*")).permitAll()
                        // FHIR: every interaction is decided by HAPI's authorization rules and consent.
                        .requestMatchers(path(null, "/fhir/**")).authenticated()
                        .requestMatchers(ROLE_ROUTES.stream().map(RoleRoute::matcher).toArray(RequestMatcher[]::new))
                        .access((auth, context) -> new AuthorizationDecision(allowed(auth.get(), context.getRequest())))
                        // DICOMweb reads: who sees what is decided per study by the caller's own FHIR search.
                        .requestMatchers(path(HttpMethod.GET, "/dicomweb/**")).authenticated()
                        // Scorecards: the caller's own hospital, or any for an admin; else the unknown-org 404.
                        .requestMatchers(path(HttpMethod.GET, "/api/quality/scorecards/*")).authenticated()
                        .anyRequest().denyAll())
                .oauth2ResourceServer(o -> o
                        .jwt(j -> j.jwtAuthenticationConverter(converter))
                        .authenticationEntryPoint(unauthorized())
                        .accessDeniedHandler(forbidden()))
                .exceptionHandling(e -> e.authenticationEntryPoint(unauthorized()).accessDeniedHandler(forbidden()));
        return http.build();
    }

    /** Decoder for tokens of an external Keycloak realm ({@code VAULT_OIDC_ISSUER}); keys are fetched lazily. */
    @Bean
    @org.springframework.boot.autoconfigure.condition.ConditionalOnExpression(
            "'${vault.security.oidc-issuer:}'.trim() != ''")
    JwtDecoder keycloakJwtDecoder(SecurityProperties props, VaultStartupReport report) {
        String issuer = props.oidcIssuer().replaceAll("/+$", "");
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(issuer + "/protocol/openid-connect/certs").build();
        decoder.setJwtValidator(TokenValidation.validator(props, new JwtIssuerValidator(issuer)));
        report.part("identity", "external issuer " + issuer);
        return decoder;
    }

    private static AuthenticationEntryPoint unauthorized() {
        return (request, response, ex) -> {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"patient-vault\"");
            writeOutcome(response, 401, "login", "Authentication required: send a valid bearer token ("
                    + ex.getMessage() + ")");
        };
    }

    /** A route outside {@code /fhir} that only one kind of caller may use, and what others are told (403). */
    record RoleRoute(RequestMatcher matcher, VaultPrincipal.Kind kind, String refusal) {
    }

    /** The role-bound routes outside {@code /fhir}: the one place that says who may call them. */
    static final List<RoleRoute> ROLE_ROUTES = List.of(
            new RoleRoute(path(HttpMethod.POST, "/intake/checkup"), VaultPrincipal.Kind.HOSPITAL,
                    "Only hospitals may upload checkup results"),
            new RoleRoute(path(HttpMethod.POST, "/dicomweb/studies/**"), VaultPrincipal.Kind.HOSPITAL,
                    "Only hospitals may store studies"),
            new RoleRoute(path(null, "/api/admin/**"), VaultPrincipal.Kind.ADMIN,
                    "Only an administrator may use the admin routes"),
            new RoleRoute(path(null, "/mobile/v1/**"), VaultPrincipal.Kind.PATIENT,
                    "Only patients may use the patient API"));

    private static RequestMatcher path(HttpMethod method, String pattern) {
        return PathPatternRequestMatcher.withDefaults().matcher(method, pattern);
    }

    /** The first role route matching the request. */
    private static Optional<RoleRoute> routeOf(HttpServletRequest request) {
        return ROLE_ROUTES.stream().filter(r -> r.matcher().matches(request)).findFirst();
    }

    /** Whether the caller is of the kind the request's role route names. */
    static boolean allowed(Authentication auth, HttpServletRequest request) {
        return routeOf(request)
                .map(r -> auth != null && auth.getPrincipal() instanceof VaultPrincipal p && p.kind() == r.kind())
                .orElse(false);
    }

    private static AccessDeniedHandler forbidden() {
        return (request, response, ex) -> {
            String path = request.getRequestURI().substring(request.getContextPath().length());
            if (path.equals("/fhir") || path.startsWith("/fhir/")) {
                writeOutcome(response, 403, "forbidden", "Access denied");
                return;
            }
            String refusal = routeOf(request).map(RoleRoute::refusal).orElse("This route is not offered to you");
            byte[] body = new ApiProblem(HttpStatus.FORBIDDEN, "forbidden", refusal).body();
            response.setStatus(403);
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        };
    }

    /** A minimal OperationOutcome, written by hand: this runs before HAPI and must not fail. */
    static void writeOutcome(HttpServletResponse response, int status, String code, String message)
            throws java.io.IOException {
        String safe = message == null ? "" : message.replace("\\", "\\\\").replace("\"", "\\\"")
                .replace("\n", " ").replace("\r", " ");
        byte[] body = ("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\""
                + code + "\",\"diagnostics\":\"" + safe + "\"}]}").getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/fhir+json;charset=utf-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
