package org.patientvault.consent;

import java.util.Objects;

/**
 * Who would receive the data.
 *
 * @param kind          hospital or AI firm; only {@link RecipientKind#AI_FIRM} matches the "any AI firm" actor
 * @param orgId         the Organization identifier value under {@link ConsentCodes#ORG_SYSTEM} (its OAuth client id)
 * @param orgReference  optional literal reference {@code Organization/<id>} of the same organisation, so that
 *                      provisions naming the organisation by literal reference also match; may be null
 */
public record Recipient(RecipientKind kind, String orgId, String orgReference) {
    public Recipient {
        Objects.requireNonNull(kind, "Recipient.kind is required");
        if (orgId == null || orgId.isBlank()) {
            throw new IllegalArgumentException("Recipient.orgId is required (the organisation's client id)");
        }
    }

    public static Recipient hospital(String orgId) {
        return new Recipient(RecipientKind.HOSPITAL, orgId, null);
    }

    public static Recipient aiFirm(String orgId) {
        return new Recipient(RecipientKind.AI_FIRM, orgId, null);
    }
}
