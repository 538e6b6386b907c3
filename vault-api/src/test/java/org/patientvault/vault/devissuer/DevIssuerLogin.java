package org.patientvault.vault.devissuer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Gets access tokens from the development issuer the way real clients do, for tests: client credentials for
 * organisations, and for users the full browser flow (authorization code + PKCE S256 through {@code vault-web}, with
 * the login form, its CSRF token and the session cookie), driven by {@link java.net.http.HttpClient}. Each call is a
 * fresh "browser" (its own cookie jar). Failures throw {@link IllegalStateException} saying which step and what the
 * server answered.
 *
 * <p>{@code baseUrl} is the vault's root, e.g. {@code http://localhost:8080} (no trailing {@code /fhir}).
 */
public final class DevIssuerLogin {

    /** The browser client used for user logins, and the loopback redirect URI it is sent back to. */
    public static final String WEB_CLIENT = "vault-web";
    public static final String REDIRECT_URI = "http://127.0.0.1:65000/callback";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern CSRF = Pattern.compile(
            "name=\"_csrf\"[^>]*value=\"([^\"]+)\"|value=\"([^\"]+)\"[^>]*name=\"_csrf\"");

    private DevIssuerLogin() {
    }

    /** An access token by client credentials ({@code client_secret_basic}). */
    public static String clientCredentialsToken(String baseUrl, String clientId, String secret) {
        return accessToken(clientCredentials(baseUrl, clientId, secret));
    }

    /** The raw token response of a client-credentials request: status and body, whatever they are. */
    public static HttpResponse<String> clientCredentials(String baseUrl, String clientId, String secret) {
        String basic = Base64.getEncoder().encodeToString(
                (form(clientId) + ":" + form(secret)).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(root(baseUrl) + "/oauth2/token"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build();
        return send(HttpClient.newHttpClient(), request, "token request");
    }

    /** An access token for a realm user, by logging in through the browser flow as {@link #WEB_CLIENT}. */
    public static String userToken(String baseUrl, String username, String password) {
        return accessToken(userTokenResponse(baseUrl, username, password));
    }

    /** The whole token response (access, ID and any refresh token) of a browser login as {@link #WEB_CLIENT}. */
    public static HttpResponse<String> userTokenResponse(String baseUrl, String username, String password) {
        String base = root(baseUrl);
        HttpClient browser = HttpClient.newBuilder()
                .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        String verifier = randomToken(32);
        String state = randomToken(12);

        HttpResponse<String> authorize = send(browser, html(base + authorizePath(verifier, state)).GET().build(),
                "authorization request");
        String login = redirectTarget(base, authorize, "authorization request (expected a redirect to /login)");

        HttpResponse<String> page = send(browser, html(login).GET().build(), "login page");
        if (page.statusCode() != 200) {
            throw failure("login page", page);
        }
        Matcher csrf = CSRF.matcher(page.body());
        if (!csrf.find()) {
            throw new IllegalStateException("The login page at " + login + " has no _csrf field");
        }
        String token = csrf.group(1) != null ? csrf.group(1) : csrf.group(2);

        HttpResponse<String> posted = send(browser, html(base + "/login")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(formBody(Map.of(
                        "username", username, "password", password, "_csrf", token))))
                .build(), "login");
        String back = redirectTarget(base, posted, "login");
        if (back.contains("/login?error")) {
            throw new IllegalStateException("Login as " + username + " was refused (wrong username or password)");
        }

        String code = null;
        // The saved authorization request, then the redirect to the client with the code (at most a few hops).
        for (int hop = 0; hop < 5 && code == null; hop++) {
            if (back.startsWith(REDIRECT_URI)) {
                Map<String, String> params = query(URI.create(back).getRawQuery());
                if (params.containsKey("error")) {
                    throw new IllegalStateException("The authorization endpoint answered error=" + params.get("error")
                            + " (" + params.get("error_description") + ")");
                }
                if (!state.equals(params.get("state"))) {
                    throw new IllegalStateException("The authorization response carries the wrong state");
                }
                code = params.get("code");
                if (code == null) {
                    throw new IllegalStateException("The authorization response has no code: " + back);
                }
            } else {
                HttpResponse<String> next = send(browser, html(back).GET().build(), "authorization after login");
                back = redirectTarget(base, next, "authorization after login");
            }
        }
        if (code == null) {
            throw new IllegalStateException("No authorization code after logging in; last redirect: " + back);
        }

        HttpRequest exchange = HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(formBody(Map.of(
                        "grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT_URI,
                        "client_id", WEB_CLIENT, "code_verifier", verifier))))
                .build();
        return send(browser, exchange, "code exchange");
    }

    /** The path and query of an authorization request for {@link #WEB_CLIENT} with this verifier's S256 challenge. */
    public static String authorizePath(String verifier, String state) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("response_type", "code");
        q.put("client_id", WEB_CLIENT);
        q.put("redirect_uri", REDIRECT_URI);
        q.put("scope", "openid");
        q.put("state", state);
        q.put("code_challenge", challenge(verifier));
        q.put("code_challenge_method", "S256");
        return "/oauth2/authorize?" + formBody(q);
    }

    /** The S256 PKCE challenge of a verifier. */
    public static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-256", e);
        }
    }

    /** The decoded payload (claims) of a JWT, without verifying it. */
    public static JsonNode claims(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            throw new IllegalArgumentException("Not a signed JWT (expected 3 parts, got " + parts.length + ")");
        }
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (IOException e) {
            throw new IllegalArgumentException("The JWT payload is not JSON", e);
        }
    }

    private static String accessToken(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw failure("token request", response);
        }
        try {
            JsonNode body = JSON.readTree(response.body());
            String token = body.path("access_token").asText(null);
            if (token == null) {
                throw new IllegalStateException("The token response has no access_token: " + response.body());
            }
            return token;
        } catch (IOException e) {
            throw new IllegalStateException("The token response is not JSON: " + response.body(), e);
        }
    }

    private static HttpRequest.Builder html(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Accept", "text/html,application/xhtml+xml");
    }

    private static String redirectTarget(String base, HttpResponse<String> response, String step) {
        if (response.statusCode() != 302 && response.statusCode() != 303) {
            throw failure(step, response);
        }
        String location = response.headers().firstValue("Location").orElseThrow(
                () -> new IllegalStateException(step + ": redirect without Location"));
        return location.startsWith("/") ? base + location : location;
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest request, String step) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(step + ": cannot reach " + request.uri() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(step + ": interrupted", e);
        }
    }

    private static IllegalStateException failure(String step, HttpResponse<String> response) {
        String body = response.body() == null ? "" : response.body();
        return new IllegalStateException(step + " at " + response.uri() + " answered " + response.statusCode()
                + response.headers().firstValue("Location").map(l -> " (Location " + l + ")").orElse("")
                + ": " + (body.length() > 300 ? body.substring(0, 300) + "..." : body));
    }

    private static String root(String baseUrl) {
        return baseUrl.replaceAll("/+$", "");
    }

    private static String randomToken(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String formBody(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> form(e.getKey()) + "=" + form(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String form(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static Map<String, String> query(String rawQuery) {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery == null) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }
}
