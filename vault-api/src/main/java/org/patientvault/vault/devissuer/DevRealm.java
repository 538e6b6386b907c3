package org.patientvault.vault.devissuer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The clients, users, roles and claim mappers of the Keycloak realm file ({@code deploy/keycloak/vault-realm.json},
 * on the classpath as {@code keycloak/vault-realm.json}), read once at start. This is the only list of demo accounts:
 * the development issuer keeps no copy of its own.
 *
 * <p>Only the parts of Keycloak's format the vault realm uses are understood: confidential and public
 * OpenID Connect clients, the audience, user-attribute and hard-coded-claim mappers, users with a password
 * credential, realm roles and attributes, and service-account users.
 */
final class DevRealm {

    static final String CLASSPATH_LOCATION = "keycloak/vault-realm.json";

    private final String name;
    private final Duration accessTokenLifespan;
    private final Map<String, Client> clients;
    private final Map<String, User> usersByName;

    private DevRealm(String name, Duration accessTokenLifespan, Map<String, Client> clients,
                     Map<String, User> usersByName) {
        this.name = name;
        this.accessTokenLifespan = accessTokenLifespan;
        this.clients = clients;
        this.usersByName = usersByName;
    }

    /** Reads the realm from the classpath. */
    static DevRealm fromClasspath() {
        try (InputStream in = DevRealm.class.getClassLoader().getResourceAsStream(CLASSPATH_LOCATION)) {
            if (in == null) {
                throw new DevRealmException("The realm file classpath:" + CLASSPATH_LOCATION + " is missing; the build "
                        + "copies deploy/keycloak/vault-realm.json there");
            }
            return parse(in, "classpath:" + CLASSPATH_LOCATION);
        } catch (IOException e) {
            throw new DevRealmException("Cannot read classpath:" + CLASSPATH_LOCATION + ": " + e.getMessage(), e);
        }
    }

    static DevRealm parse(InputStream in, String where) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new DevRealmException(where + " is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new DevRealmException(where + " must hold a JSON object (a Keycloak realm export)");
        }
        String realmName = text(root, "realm", where);
        int lifespan = root.path("accessTokenLifespan").asInt(300);
        if (lifespan <= 0) {
            throw new DevRealmException(where + ": accessTokenLifespan must be positive, got " + lifespan);
        }
        Map<String, Client> clients = new LinkedHashMap<>();
        JsonNode clientArray = root.path("clients");
        for (int i = 0; i < clientArray.size(); i++) {
            Client c = client(clientArray.get(i), where + " clients[" + i + "]");
            if (clients.put(c.clientId(), c) != null) {
                throw new DevRealmException(where + ": clientId " + c.clientId() + " appears twice");
            }
        }
        Map<String, User> users = new LinkedHashMap<>();
        JsonNode userArray = root.path("users");
        for (int i = 0; i < userArray.size(); i++) {
            User u = user(userArray.get(i), where + " users[" + i + "]");
            if (users.put(u.username(), u) != null) {
                throw new DevRealmException(where + ": username " + u.username() + " appears twice");
            }
        }
        return new DevRealm(realmName, Duration.ofSeconds(lifespan), Collections.unmodifiableMap(clients),
                Collections.unmodifiableMap(users));
    }

    String name() {
        return name;
    }

    Duration accessTokenLifespan() {
        return accessTokenLifespan;
    }

    /** Every client, in file order. */
    List<Client> clients() {
        return List.copyOf(clients.values());
    }

    Optional<Client> client(String clientId) {
        return Optional.ofNullable(clients.get(clientId));
    }

    /** Users who can log in: enabled, not a service account, with a password. */
    List<User> loginUsers() {
        return usersByName.values().stream()
                .filter(u -> u.enabled() && u.serviceAccountClientId() == null && u.password() != null).toList();
    }

    Optional<User> user(String username) {
        return Optional.ofNullable(usersByName.get(username));
    }

    /** The {@code service-account-<client>} user whose roles a client-credentials token carries. */
    Optional<User> serviceAccountOf(String clientId) {
        return usersByName.values().stream().filter(u -> clientId.equals(u.serviceAccountClientId())).findFirst();
    }

    /**
     * A realm client.
     *
     * @param secret       the client secret of a confidential client; null for public ones
     * @param redirectUris as written in the realm, Keycloak wildcards included
     */
    record Client(String clientId, boolean enabled, boolean publicClient, String secret, boolean standardFlow,
                  boolean serviceAccounts, boolean directAccessGrants, List<String> redirectUris,
                  List<Mapper> mappers) {

        /** Audiences added by {@code oidc-audience-mapper}s to access tokens. */
        List<String> audiences() {
            return mappers.stream().filter(m -> m.type().equals("oidc-audience-mapper") && m.accessToken())
                    .map(m -> m.config().get("included.custom.audience")).filter(a -> a != null && !a.isBlank())
                    .toList();
        }
    }

    /** A protocol mapper: its Keycloak type ({@code protocolMapper}) and its string config. */
    record Mapper(String name, String type, Map<String, String> config) {

        boolean accessToken() {
            return "true".equals(config.get("access.token.claim"));
        }

        boolean idToken() {
            return "true".equals(config.get("id.token.claim"));
        }
    }

    /**
     * A realm user.
     *
     * @param id                     the fixed user id: the token {@code sub}
     * @param password               the plain demo password of the first password credential; null when none
     * @param serviceAccountClientId for {@code service-account-<client>} users, the client; otherwise null
     * @param attributes             first value of each attribute
     */
    record User(String id, String username, boolean enabled, String password, List<String> realmRoles,
                Map<String, String> attributes, String firstName, String lastName, String email,
                boolean emailVerified, String serviceAccountClientId) {
    }

    private static Client client(JsonNode n, String where) {
        String clientId = text(n, "clientId", where);
        boolean publicClient = n.path("publicClient").asBoolean(false);
        String secret = publicClient ? null : n.path("secret").asText(null);
        List<Mapper> mappers = new ArrayList<>();
        JsonNode ms = n.path("protocolMappers");
        for (int i = 0; i < ms.size(); i++) {
            JsonNode m = ms.get(i);
            Map<String, String> config = new LinkedHashMap<>();
            m.path("config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
            mappers.add(new Mapper(m.path("name").asText(""),
                    text(m, "protocolMapper", where + " protocolMappers[" + i + "]"), Map.copyOf(config)));
        }
        boolean serviceAccounts = n.path("serviceAccountsEnabled").asBoolean(false);
        if (serviceAccounts && (secret == null || secret.isBlank())) {
            throw new DevRealmException(where + " (" + clientId + "): a service-account client needs a secret");
        }
        return new Client(clientId, n.path("enabled").asBoolean(true), publicClient, secret,
                n.path("standardFlowEnabled").asBoolean(true), serviceAccounts,
                n.path("directAccessGrantsEnabled").asBoolean(false), strings(n.path("redirectUris")),
                List.copyOf(mappers));
    }

    private static User user(JsonNode n, String where) {
        String username = text(n, "username", where);
        String id = text(n, "id", where + " (" + username + ")");
        String password = null;
        for (JsonNode cred : n.path("credentials")) {
            if ("password".equals(cred.path("type").asText()) && cred.hasNonNull("value")) {
                password = cred.get("value").asText();
                break;
            }
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        n.path("attributes").fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            String first = v.isArray() ? (v.isEmpty() ? null : v.get(0).asText()) : v.asText();
            if (first != null) {
                attributes.put(e.getKey(), first);
            }
        });
        return new User(id, username, n.path("enabled").asBoolean(true), password, strings(n.path("realmRoles")),
                Map.copyOf(attributes), n.path("firstName").asText(null), n.path("lastName").asText(null),
                n.path("email").asText(null), n.path("emailVerified").asBoolean(false),
                n.path("serviceAccountClientId").asText(null));
    }

    private static String text(JsonNode n, String field, String where) {
        JsonNode v = n.path(field);
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new DevRealmException(where + ": \"" + field + "\" is missing or not a non-empty string");
        }
        return v.asText();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return List.copyOf(out);
    }
}
