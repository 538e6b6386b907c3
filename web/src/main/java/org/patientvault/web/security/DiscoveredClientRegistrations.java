package org.patientvault.web.security;

import java.util.concurrent.atomic.AtomicReference;
import org.patientvault.web.WebProperties;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * The one client registration of the UI ({@code vault-web}, public, code + PKCE), built from the provider's OpenID
 * discovery document on first use rather than at start: the vault starts (and serves its API) while Keycloak is
 * still starting, and in embedded mode the provider is the vault itself, on a port known only once it listens.
 * A failed discovery is retried on the next sign-in. Cost: one HTTP request, once.
 */
final class DiscoveredClientRegistrations implements ClientRegistrationRepository {

    static final String ID = "vault";

    private final WebProperties props;
    private final Environment env;
    private final AtomicReference<ClientRegistration> registration = new AtomicReference<>();

    DiscoveredClientRegistrations(WebProperties props, Environment env) {
        this.props = props;
        this.env = env;
    }

    @Override
    public ClientRegistration findByRegistrationId(String registrationId) {
        if (!ID.equals(registrationId)) {
            return null;
        }
        ClientRegistration known = registration.get();
        if (known != null) {
            return known;
        }
        ClientRegistration discovered = ClientRegistrations.fromIssuerLocation(issuer())
                .registrationId(ID)
                .clientId(props.clientId())
                .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri("{baseUrl}/app/login/oauth2/code/{registrationId}")
                .scope("openid", "profile")
                .userNameAttributeName("preferred_username")
                .build();
        registration.compareAndSet(null, discovered);
        return registration.get();
    }

    /** The configured provider, or in embedded mode the vault's own development issuer. */
    String issuer() {
        if (!props.oidcIssuer().isBlank()) {
            return props.oidcIssuer();
        }
        String port = env.getProperty("local.server.port", env.getProperty("server.port", "8080"));
        return "http://localhost:" + port;
    }
}
