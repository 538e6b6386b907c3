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
}
