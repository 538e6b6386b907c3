package org.patientvault.vault.problem;

import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import org.hl7.fhir.instance.model.api.IBaseOperationOutcome;

/**
 * A 409 raised by the vault's own rules, whose message names only what the caller sent or owns. The FHIR error
 * handler passes these unchanged and replaces HAPI's own conflict messages, which may name other callers' records.
 */
public class VaultConflict extends ResourceVersionConflictException {

    public VaultConflict(String message) {
        super(message);
    }

    public VaultConflict(String message, IBaseOperationOutcome outcome) {
        super(message, outcome);
    }
}
