package org.patientvault.vault.caller;

import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import org.patientvault.vault.VaultStartupReport;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * The API's wall: stateless, bearer tokens only, default deny. Public: {@code GET /fhir/metadata}, health probes and
 * the development issuer's own endpoints (which have their own, earlier filter chains). Everything else needs a
 * verified token whose audience is the vault.
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
                        // DICOMweb (imaging): every caller authenticated; who sees what is decided per study.
                        .requestMatchers("/dicomweb/**").authenticated()
                        .anyRequest().authenticated())
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

    private static AccessDeniedHandler forbidden() {
        return (request, response, ex) -> writeOutcome(response, 403, "forbidden", "Access denied");
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
