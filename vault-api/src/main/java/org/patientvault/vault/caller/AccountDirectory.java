package org.patientvault.vault.caller;

/**
 * Links token identities to vault resources (implemented by the identity feature). Authentication needs it for every
 * request, so implementations cache: after the first call for an account both methods are a map lookup.
 */
public interface AccountDirectory {

    /**
     * The vault Patient id of a patient account ({@code sub}), linking it on the first call: to the Patient carrying
     * the token's valid resident ID ({@code nationalId}, may be null), else to a new Patient. A link never changes.
     */
    String patientFor(String subject, String nationalId);

    /** The Organization id for a hospital's or AI firm's {@code org_id}, creating the Organization on first use. */
    String organizationFor(String orgCode, VaultPrincipal.Kind kind);
}
