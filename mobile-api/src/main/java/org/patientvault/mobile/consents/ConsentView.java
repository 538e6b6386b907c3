package org.patientvault.mobile.consents;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.patientvault.mobile.support.Hospitals.Org;

/**
 * A consent as the app shows it.
 *
 * @param id          the Consent's id (for revoke)
 * @param kind        {@code share}, {@code ai-training}, or {@code other} for a Consent written outside the app (shown,
 *                    explained generically; it applies as written)
 * @param status      {@code active}, {@code revoked}, {@code expired}, {@code pending} (starts later) or {@code draft}
 * @param statusText  the status in the request's language
 * @param recipient   the hospital or AI firm; absent for "any approved AI firm" ({@code anyAiFirm} true)
 * @param dataClasses the data classes covered ({@code all} when unrestricted)
 * @param purposes    {@code treatment}, {@code ai-training}, {@code research}
 * @param from        first day (yyyy-MM-dd)
 * @param until       last day (yyyy-MM-dd); absent for "until revoked"
 * @param explanation what it allows, in plain words, in the request's language
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConsentView(String id, String kind, String status, String statusText, Org recipient, Boolean anyAiFirm,
                   List<String> dataClasses, List<String> purposes, Boolean crossBorder, String from, String until,
                   String explanation) {
}
