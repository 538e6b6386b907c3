package org.patientvault.mapping.linking;

/**
 * Merging identifiers would give a vault Patient a second, different resident ID. {@link PatientLinker}
 * rejects such submissions first, so this signals a caller that merged without deciding. The message
 * masks resident IDs.
 */
public final class IdentityConflictException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public IdentityConflictException(String message) {
        super(message);
    }
}
