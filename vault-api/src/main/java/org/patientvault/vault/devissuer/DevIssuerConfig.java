package org.patientvault.vault.devissuer;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.patientvault.vault.VaultProfile;
import org.patientvault.vault.VaultStartupReport;
import org.patientvault.vault.caller.SecurityProperties;
import org.patientvault.vault.caller.TokenValidation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2PushedAuthorizationRequestAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configurers.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.DelegatingOAuth2TokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.JwtGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;

/**
 * The development OIDC issuer of the embedded mode (DESIGN §3, §4): Spring Authorization Server on the vault's own
 * port, active only when {@code vault.security.oidc-issuer} ({@code VAULT_OIDC_ISSUER}) is blank, and refused when
 * {@code VAULT_PROFILE=production}.
 *
 * <p>Clients, users, roles and claims come from the Keycloak realm file ({@link DevRealm}); tokens carry the same
 * claims as Keycloak's ({@link RealmClaims}). The RS256 key is generated at every start, so tokens do not survive a
 * restart. Authorizations, codes and login sessions are held in memory, per replica: this issuer is for one
 * development process, not for a cluster.
 *
 * <p>Filter chains: {@code @Order(1)} the authorization-server endpoints (discovery, JWKS, authorize, token, userinfo,
 * ...), {@code @Order(2)} the stateful login page; the stateless API chain ({@code @Order(10)}, {@code /**}) comes
 * after both.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${vault.security.oidc-issuer:}'.trim() == ''")
class DevIssuerConfig {

    private static final Logger LOG = LoggerFactory.getLogger(DevIssuerConfig.class);

    /**
     * Refuses production before any other bean is made (a bean-factory post-processor runs first), so the refusal
     * names {@code VAULT_OIDC_ISSUER} whatever else is missing.
     */
    @Bean
    static BeanFactoryPostProcessor devIssuerProductionGuard(Environment env) {
        return beanFactory -> VaultProfile.requireExternal(env, "VAULT_OIDC_ISSUER", "identity issuer");
    }

    @Bean
    DevRealm devRealm() {
        return DevRealm.fromClasspath();
    }

    @Bean
    RegisteredClientRepository registeredClientRepository(DevRealm realm) {
        List<RegisteredClient> clients = new ArrayList<>();
        for (DevRealm.Client c : realm.clients()) {
            RegisteredClient rc = registeredClient(c, realm);
            if (rc != null) {
                clients.add(rc);
            }
        }
        if (clients.isEmpty()) {
            throw new DevRealmException("The realm " + realm.name() + " has no client the development issuer serves");
        }
        LOG.info("Development issuer clients: {}", clients.stream().map(RegisteredClient::getClientId)
                .collect(Collectors.joining(", ")));
        return new InMemoryRegisteredClientRepository(clients);
    }

    /**
     * A realm client as Spring Authorization Server sees it, or null when it allows no grant this issuer supports
     * (the password grant, {@code directAccessGrantsEnabled}, is not part of OAuth 2.1 and SAS does not offer it).
     */
    static RegisteredClient registeredClient(DevRealm.Client c, DevRealm realm) {
        if (!c.enabled()) {
            return null;
        }
        TokenSettings tokens = TokenSettings.builder().accessTokenTimeToLive(realm.accessTokenLifespan()).build();
        if (!c.publicClient() && c.serviceAccounts()) {
            return RegisteredClient.withId(c.clientId()).clientId(c.clientId())
                    .clientSecret("{noop}" + c.secret())
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                    .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                    .scopes(s -> s.addAll(List.of("email", "profile")))
                    .tokenSettings(tokens)
                    .clientSettings(ClientSettings.builder().requireAuthorizationConsent(false).build())
                    .build();
        }
        if (c.publicClient() && c.standardFlow()) {
            RealmRedirectUris redirects = new RealmRedirectUris(c.redirectUris(), c.clientId());
            if (redirects.isEmpty()) {
                LOG.warn("Realm client {} has the code flow on but no redirect URI; not served", c.clientId());
                return null;
            }
            return RegisteredClient.withId(c.clientId()).clientId(c.clientId())
                    .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
                    .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                    .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
                    .redirectUris(u -> u.addAll(redirects.registrable()))
                    .scopes(s -> s.addAll(List.of("openid", "email", "profile")))
                    // Keycloak's default SSO idle time; rotated, so a stolen refresh token works once at most.
                    .tokenSettings(TokenSettings.builder().accessTokenTimeToLive(realm.accessTokenLifespan())
                            .refreshTokenTimeToLive(java.time.Duration.ofMinutes(30)).reuseRefreshTokens(false)
                            .build())
                    .clientSettings(ClientSettings.builder().requireProofKey(true)
                            .requireAuthorizationConsent(false).build())
                    .build();
        }
        LOG.info("Realm client {} allows no grant the development issuer supports; not served", c.clientId());
        return null;
    }

    @Bean
    JWKSource<SecurityContext> devIssuerJwkSource(DevIssuerKey key) {
        return new ImmutableJWKSet<>(new JWKSet(key.jwk()));
    }

    @Bean
    DevIssuerKey devIssuerKey() {
        return DevIssuerKey.generate();
    }

    /**
     * The API chain's decoder in embedded mode: this process's own public key, plus the vault's expiry and audience
     * checks. No issuer check: the key exists only in this process, and the port (hence the issuer URL) may be random.
     */
    @Bean
    JwtDecoder devIssuerJwtDecoder(DevIssuerKey key, SecurityProperties props) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withPublicKey(key.publicKey()).build();
        decoder.setJwtValidator(TokenValidation.validator(props, null));
        return decoder;
    }

    /** No issuer is set: it follows the request's host and port, which is what clients on this port see. */
    @Bean
    AuthorizationServerSettings authorizationServerSettings(VaultStartupReport report) {
        report.part("identity", "development issuer (embedded) at /.well-known/openid-configuration");
        return AuthorizationServerSettings.builder().build();
    }

    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> devIssuerClaims(DevRealm realm) {
        return new RealmClaims(realm);
    }

    @Bean
    @Order(1)
    SecurityFilterChain devIssuerEndpointsChain(HttpSecurity http, RegisteredClientRepository clients,
                                                DevRealm realm, JWKSource<SecurityContext> keys,
                                                OAuth2TokenCustomizer<JwtEncodingContext> claims) throws Exception {
        OAuth2AuthorizationServerConfigurer as = OAuth2AuthorizationServerConfigurer.authorizationServer();
        LoopbackRedirectValidator validator = new LoopbackRedirectValidator(realm);
        JwtGenerator jwt = new JwtGenerator(new NimbusJwtEncoder(keys));
        jwt.setJwtCustomizer(claims);
        OAuth2TokenGenerator<OAuth2Token> tokens = new DelegatingOAuth2TokenGenerator(jwt,
                new PublicClientRefresh.Tokens());
        http.securityMatcher(as.getEndpointsMatcher())
                .with(as, a -> a
                        .registeredClientRepository(clients)
                        .tokenGenerator(tokens)
                        .clientAuthentication(c -> c
                                .authenticationConverter(new PublicClientRefresh.Converter())
                                .authenticationProviders(p -> p.add(0, new PublicClientRefresh.Provider(clients))))
                        .oidc(Customizer.withDefaults())
                        .authorizationEndpoint(e -> e.authenticationProviders(providers -> providers.forEach(p -> {
                            if (p instanceof OAuth2AuthorizationCodeRequestAuthenticationProvider code) {
                                code.setAuthenticationValidator(validator);
                            }
                        })))
                        // Pushed authorization requests get the same redirect-URI rules.
                        .pushedAuthorizationRequestEndpoint(e -> e.authenticationProviders(providers ->
                                providers.forEach(p -> {
                                    if (p instanceof OAuth2PushedAuthorizationRequestAuthenticationProvider par) {
                                        par.setAuthenticationValidator(validator);
                                    }
                                }))))
                .authorizeHttpRequests(a -> a.anyRequest().authenticated())
                // The userinfo endpoint takes this issuer's access tokens.
                .oauth2ResourceServer(r -> r.jwt(Customizer.withDefaults()))
                .exceptionHandling(e -> e.defaultAuthenticationEntryPointFor(
                        new LoginUrlAuthenticationEntryPoint("/login"), browserRequests()));
        return http.build();
    }

    /**
     * Requests that ask for HTML explicitly; a wildcard Accept header (or none) does not count, so a token request without
     * client credentials gets 401, not a redirect to the login page.
     */
    private static MediaTypeRequestMatcher browserRequests() {
        MediaTypeRequestMatcher html = new MediaTypeRequestMatcher(MediaType.TEXT_HTML);
        html.setIgnoredMediaTypes(java.util.Set.of(MediaType.ALL));
        return html;
    }

    /** Spring Security's default login page; stateful (a session carries the login to /oauth2/authorize). */
    @Bean
    @Order(2)
    SecurityFilterChain devIssuerLoginChain(HttpSecurity http, DevRealm realm) throws Exception {
        DaoAuthenticationProvider provider = new DaoAuthenticationProvider(users(realm));
        provider.setPasswordEncoder(PasswordEncoderFactories.createDelegatingPasswordEncoder());
        http.securityMatcher("/login", "/logout", "/default-ui.css")
                .authenticationManager(new ProviderManager(provider))
                .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .formLogin(Customizer.withDefaults())
                .logout(Customizer.withDefaults());
        return http.build();
    }

    /** The realm's login users with their demo passwords ({@code {noop}}: they are plain in the realm file anyway). */
    static InMemoryUserDetailsManager users(DevRealm realm) {
        List<UserDetails> users = realm.loginUsers().stream()
                .map(u -> User.withUsername(u.username()).password("{noop}" + u.password())
                        .authorities(u.realmRoles().stream().map(r -> "ROLE_" + r).toArray(String[]::new))
                        .build())
                .map(UserDetails.class::cast)
                .toList();
        if (users.isEmpty()) {
            throw new DevRealmException("The realm " + realm.name() + " has no user with a password");
        }
        return new InMemoryUserDetailsManager(users);
    }

    /** The signing key of this process: RSA 2048, a fresh key id at every start. */
    record DevIssuerKey(RSAKey jwk, RSAPublicKey publicKey) {

        static DevIssuerKey generate() {
            try {
                KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
                gen.initialize(2048);
                KeyPair pair = gen.generateKeyPair();
                RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
                RSAKey jwk = new RSAKey.Builder(pub).privateKey((RSAPrivateKey) pair.getPrivate())
                        .keyID(UUID.randomUUID().toString()).build();
                return new DevIssuerKey(jwk, pub);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("This JVM offers no RSA key generator", e);
            }
        }
    }
}
