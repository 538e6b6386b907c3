package org.patientvault.vault.access;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.Set;

/**
 * Search parameters that make HAPI evaluate records other than the ones a search returns. Consent filters what a
 * search returns, never what it evaluates, so these would answer "does a hidden record with this value exist?":
 * reverse chaining ({@code _has}), forward chaining ({@code subject.name}), and the parameters that reach into lists,
 * free text or contained resources. They are refused for every caller, so the refusal itself says nothing.
 */
final class SearchParameterRules {

    private static final Set<String> REFUSED = Set.of("_filter", "_query", "_list", "_text", "_content",
            "_contained", "_containedType");

    private SearchParameterRules() {
    }

    static void refuseIfCrossResource(String name) {
        String bare = name.contains(":") ? name.substring(0, name.indexOf(':')) : name;
        if (bare.startsWith("_has") || name.contains(".") || REFUSED.contains(bare)) {
            throw new InvalidRequestException("Search parameter '" + name + "' is not offered by the vault: it would"
                    + " evaluate records beyond the ones returned. Search the other resource type directly and"
                    + " combine the results (see docs/security.md)");
        }
    }

    /**
     * The same parameter repeated with the same values ({@code _tag=x&_tag=x}) means nothing more than once, and HAPI
     * treats it as a broken search; it is answered as the caller's mistake.
     */
    static void refuseIfRepeated(String name, String[] values) {
        if (values == null || values.length < 2) {
            return;
        }
        Set<String> seen = new java.util.HashSet<>();
        for (String value : values) {
            String[] alternatives = value == null ? new String[0] : value.split(",");
            java.util.Arrays.sort(alternatives);
            if (!seen.add(String.join(",", alternatives))) {
                throw new InvalidRequestException("Search parameter '" + name + "' is repeated with the same value;"
                        + " send it once");
            }
        }
    }
}
