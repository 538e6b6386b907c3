package org.patientvault.consent;

import java.time.Instant;

/**
 * One consent decision about one resource of one patient, for the audit ledger. Carries no clinical values.
 *
 * @param time          the request's decision time
 * @param requester     who asked
 * @param resourceId    versionless {@code Type/id} of the resource
 * @param patientId     the owner patient the decision is about
 * @param effect        permit or deny
 * @param code          a stable code: {@code PATIENT_SELF}, {@code OWN_SUBMISSION}, {@code UNDETERMINED},
 *                      {@code REQUESTER_NOT_ALLOWED}, or a {@link Decision.Code} name
 * @param consentId     the deciding consent, or null
 * @param provisionPath the deciding provision, or null
 * @param reason        human-readable reason
 */
public record ConsentAuditRecord(Instant time, Requester requester, String resourceId, String patientId,
                                 Effect effect, String code, String consentId, String provisionPath, String reason) {
}
