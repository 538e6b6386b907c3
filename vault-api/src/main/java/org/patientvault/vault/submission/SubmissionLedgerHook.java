package org.patientvault.vault.submission;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.time.Instant;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Provenance;
import org.patientvault.vault.identity.PatientLinking;
import org.springframework.stereotype.Component;

/**
 * Writes the ledger row of a submission inside the submission's own database transaction: HAPI announces each
 * created resource before commit, and the submission's Provenance is the last one. So the row exists exactly when the
 * submission committed, and a unique-key clash with a concurrent duplicate rolls the whole submission back.
 *
 * <p>At the same moment it has {@link PatientLinking} write the merged vault Patients, so linking commits or rolls
 * back with the submission (HAPI refuses to run a transaction bundle inside an outer database transaction, so this
 * hook is the way in). Before storage it keeps the link Provenances free of the submitter tag: they are the vault's
 * record of a decision about the patient, not the hospital's submission.
 */
@Component
@Interceptor
public class SubmissionLedgerHook {

    record Pending(UUID ledgerId, String submitter, String bundleIdentifier, String contentSha256,
                   Instant receivedAt, PatientLinking.Plan links) {
    }

    private final SubmissionLedger ledger;
    private final PatientLinking linking;

    SubmissionLedgerHook(SubmissionLedger ledger, PatientLinking linking) {
        this.ledger = ledger;
        this.linking = linking;
    }

    /** After {@code SubmitterTag} stamped the hospital (higher order runs later). */
    @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED, order = 100)
    public void creating(IBaseResource resource, RequestDetails request) {
        Pending pending = request == null ? null : SubmissionContext.of(request).pending();
        if (pending != null && PatientLinking.isLinkRecord(pending.links(), resource)) {
            linking.untag((Provenance) resource);
        }
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
    public void created(IBaseResource resource, RequestDetails request) {
        if (request == null || !(resource instanceof Provenance provenance)) {
            return;
        }
        SubmissionContext context = SubmissionContext.of(request);
        Pending pending = context.pending();
        if (pending == null) {
            return;
        }
        boolean ours = provenance.getEntity().stream().anyMatch(e ->
                SubmissionService.SHA256_SYSTEM.equals(e.getWhat().getIdentifier().getSystem())
                        && pending.contentSha256().equals(e.getWhat().getIdentifier().getValue()));
        if (!ours) {
            return;
        }
        context.pending(null);
        String provenanceId = provenance.getIdElement().toUnqualifiedVersionless().getValue();
        ledger.insert(pending.ledgerId(), pending.submitter(), pending.bundleIdentifier(), pending.contentSha256(),
                pending.receivedAt(), provenanceId);
        if (pending.links() != null && !pending.links().isEmpty()) {
            linking.writeMerges(pending.links());
        }
    }
}
