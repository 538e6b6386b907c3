package org.patientvault.vault.access;

import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;

/**
 * A 403 for an interaction the vault offers to no caller of this kind (history by type, system-wide search, ...).
 * Its text is fixed and says what to do instead; since it is the same for every id and every record, the FHIR
 * error handler passes it unchanged, where other denials are reduced to "Access denied".
 */
public class PolicyRefusal extends ForbiddenOperationException {

    PolicyRefusal(String message) {
        super(message);
    }
}
