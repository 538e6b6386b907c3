package org.patientvault.mobile.usage;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.patientvault.mobile.support.Hospitals.Org;

/**
 * One page of the usage ledger: uses of the patient's data by anyone but the patient, newest first.
 *
 * @param entries    the page
 * @param total      how many entries in all
 * @param nextCursor for the next page; absent on the last
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UsagePage(List<Entry> entries, int total, String nextCursor, Boolean truncated) {

    /**
     * One use.
     *
     * @param id         the AuditEvent it comes from
     * @param when       when it happened (ISO instant)
     * @param who        who: {@code kind} hospital, ai-firm, admin or unknown, and the organization
     * @param action     {@code read}, {@code search-type}, {@code transaction}, … or {@code consent-decision} (the
     *                   vault decided whether a recipient may see records)
     * @param actionText the action in the request's language
     * @param what       which kinds of records and how many
     * @param purpose    why: {@code treatment} for hospitals, {@code ai-training} for AI firms
     * @param request    the request, as the vault recorded it (path and query)
     * @param outcome    {@code success} or {@code denied}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(String id, String when, Who who, String action, String actionText, List<What> what, String purpose,
                 String request, String outcome, String outcomeText) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Who(String kind, Org organization, String text) {
    }

    /** A kind of record (a FHIR type) and how many; {@code permitted}/{@code denied} for consent decisions. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record What(String type, int count, Integer permitted, Integer denied) {
    }
}
