package org.patientvault.vault.devissuer;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A client's redirect URIs as Keycloak writes them, matched the way the vault realm needs: exact URIs match exactly;
 * a pattern whose port is {@code *} ({@code http://localhost:*}, {@code http://127.0.0.1:*}/*) matches the same
 * scheme and host on any port, with any path (and query). A trailing {@code *} makes the pattern's path a prefix.
 * Nothing else is a wildcard, so {@code http://localhost.evil.example/}, userinfo tricks
 * ({@code http://localhost:1@evil.example/}) and fragments are refused.
 */
final class RealmRedirectUris {

    private final Set<String> exact;
    private final List<Pattern> patterns;

    private record Pattern(String scheme, String host, boolean anyPort, int port, String path, boolean prefix) {
    }

    RealmRedirectUris(List<String> realmUris, String clientId) {
        Set<String> exactUris = new LinkedHashSet<>();
        List<Pattern> wild = new ArrayList<>();
        for (String u : realmUris) {
            if (!u.contains("*")) {
                exactUris.add(u);
                continue;
            }
            wild.add(pattern(u, clientId));
        }
        this.exact = Set.copyOf(exactUris);
        this.patterns = List.copyOf(wild);
    }

    /**
     * URIs to register with Spring Authorization Server, which wants exact ones: the exact realm URIs and, for each
     * pattern, its base ({@code http://localhost}); requests are matched by {@link #accepts}, not by this list.
     */
    Set<String> registrable() {
        Set<String> out = new LinkedHashSet<>(exact);
        patterns.forEach(p -> out.add(p.scheme() + "://" + p.host()));
        return out;
    }

    boolean isEmpty() {
        return exact.isEmpty() && patterns.isEmpty();
    }

    boolean accepts(String requested) {
        if (requested == null || requested.isBlank()) {
            return false;
        }
        if (exact.contains(requested)) {
            return true;
        }
        URI uri;
        try {
            uri = new URI(requested);
        } catch (URISyntaxException e) {
            return false;
        }
        if (uri.getRawFragment() != null || uri.getRawUserInfo() != null || uri.getScheme() == null
                || uri.getHost() == null || uri.getRawAuthority() == null) {
            return false;
        }
        // getHost() is null for a registry-based authority, so "localhost:*" style junk never gets here.
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (path.contains("/../") || path.endsWith("/..")) {
            return false;
        }
        for (Pattern p : patterns) {
            if (p.scheme().equals(scheme) && p.host().equals(host)
                    && (p.anyPort() || p.port() == uri.getPort())
                    && (p.prefix() ? path.startsWith(p.path()) : path.equals(p.path()))) {
                return true;
            }
        }
        return false;
    }

    private static Pattern pattern(String u, String clientId) {
        String where = "redirect URI pattern \"" + u + "\" of client " + clientId;
        int schemeEnd = u.indexOf("://");
        if (schemeEnd <= 0) {
            throw new DevRealmException(where + ": only http(s)://host[:*][/path][*] patterns are supported");
        }
        String scheme = u.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        String rest = u.substring(schemeEnd + 3);
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash);
        String host;
        boolean anyPort = false;
        int port = -1;
        int colon = authority.lastIndexOf(':');
        if (colon >= 0) {
            host = authority.substring(0, colon);
            String portText = authority.substring(colon + 1);
            if (portText.equals("*")) {
                anyPort = true;
            } else {
                try {
                    port = Integer.parseInt(portText);
                } catch (NumberFormatException e) {
                    throw new DevRealmException(where + ": port must be a number or *");
                }
            }
        } else {
            host = authority;
        }
        if (!scheme.equals("http") && !scheme.equals("https") || host.isEmpty() || host.contains("*")
                || host.contains("@")) {
            throw new DevRealmException(where + ": only http(s)://host[:*][/path][*] patterns are supported");
        }
        // Keycloak: a trailing * makes the path a prefix; "http://localhost:*" (no path) allows any path.
        boolean prefix = path.isEmpty() || path.endsWith("*");
        if (path.endsWith("*")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.contains("*")) {
            throw new DevRealmException(where + ": a * may stand only for the port or at the end of the path");
        }
        return new Pattern(scheme, host.toLowerCase(Locale.ROOT), anyPort, port, path, prefix);
    }
}
