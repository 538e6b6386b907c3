package org.patientvault.vault.submission;

import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.rest.annotation.At;
import ca.uhn.fhir.rest.annotation.History;
import ca.uhn.fhir.rest.annotation.Since;
import ca.uhn.fhir.rest.annotation.Transaction;
import ca.uhn.fhir.rest.annotation.TransactionParam;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.DateRangeParam;
import java.util.Date;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Meta;
import org.springframework.stereotype.Component;

/**
 * System-level FHIR interactions: {@code POST /fhir} (transaction and batch, i.e. hospital submissions) and
 * {@code GET /fhir/_history}. It replaces HAPI's JpaSystemProvider so that every transaction goes through
 * {@link SubmissionService}: replay detection, provenance and the receipt.
 */
@Component
public class VaultSystemProvider {

    private final SubmissionService submissions;
    private final IFhirSystemDao<Bundle, Meta> systemDao;

    VaultSystemProvider(SubmissionService submissions, IFhirSystemDao<Bundle, Meta> systemDao) {
        this.submissions = submissions;
        this.systemDao = systemDao;
    }

    @Transaction
    public Bundle transaction(RequestDetails request, @TransactionParam Bundle bundle) {
        return submissions.submit(bundle, request);
    }

    @History
    public IBundleProvider history(RequestDetails request, @Since Date since, @At DateRangeParam at) {
        Date from = since;
        Date until = null;
        if (at != null) {
            from = at.getLowerBoundAsInstant();
            until = at.getUpperBoundAsInstant();
        }
        return systemDao.history(from, until, null, request);
    }
}
