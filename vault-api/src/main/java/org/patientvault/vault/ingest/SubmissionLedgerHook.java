package org.patientvault.vault.ingest;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.time.Instant;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Provenance;
import org.springframework.stereotype.Component;

/**
 * Writes the ledger row of a submission inside the submission's own database transaction: HAPI announces each
 * created resource before commit, and the submission's Provenance is the last one. So the row exists exactly when the
 * submission committed, and a unique-key clash with a concurrent duplicate rolls the whole submission back.
 */
@Component
@Interceptor
public class SubmissionLedgerHook {

    static final String PENDING = SubmissionLedgerHook.class.getName() + ".pending";

    record Pending(UUID ledgerId, String submitter, String bundleIdentifier, String contentSha256,
                   Instant receivedAt) {
    }

    private final SubmissionLedger ledger;

    SubmissionLedgerHook(SubmissionLedger ledger) {
        this.ledger = ledger;
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
    public void created(IBaseResource resource, RequestDetails request) {
        if (request == null || !(resource instanceof Provenance provenance)) {
            return;
        }
        if (!(request.getUserData().get(PENDING) instanceof Pending pending)) {
            return;
        }
        boolean ours = provenance.getEntity().stream().anyMatch(e ->
                SubmissionService.SHA256_SYSTEM.equals(e.getWhat().getIdentifier().getSystem())
                        && pending.contentSha256().equals(e.getWhat().getIdentifier().getValue()));
        if (!ours) {
            return;
        }
        request.getUserData().remove(PENDING);
        ledger.insert(pending.ledgerId(), pending.submitter(), pending.bundleIdentifier(), pending.contentSha256(),
                pending.receivedAt(), provenance.getIdElement().toUnqualifiedVersionless().getValue());
    }
}
