package org.patientvault.vault.submission;

import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.vault.caller.VaultPrincipal;
import org.springframework.stereotype.Component;

/** The submitter of a bundle is the authenticated caller; a hospital's Organization becomes the Provenance author. */
@Component
class PrincipalSubmitter implements SubmitterResolver {

    @Override
    public Submitter resolve(ca.uhn.fhir.rest.api.server.RequestDetails request) {
        return VaultPrincipal.current().map(PrincipalSubmitter::of).orElse(Submitter.UNATTRIBUTED);
    }

    /** The submitter a caller is: its organisation for hospitals and AI firms, else the patient or admin. */
    static Submitter of(VaultPrincipal p) {
        return switch (p.kind()) {
            case HOSPITAL, AI_FIRM -> new Submitter("org:" + p.orgCode(), new Reference(p.organizationReference())
                    .setIdentifier(new Identifier().setSystem(IdentitySystems.ORGANIZATION)
                            .setValue(p.orgCode())).setDisplay(p.orgCode()));
            case PATIENT -> new Submitter("patient:" + p.patientId(), null);
            case ADMIN -> new Submitter("admin:" + p.subject(), null);
        };
    }
}
