package org.patientvault.mapping.linking;

import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.Objects;

import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UriType;
import org.patientvault.mapping.IdentitySystems;

/**
 * Builds the Provenance that records a {@link LinkDecision} with its {@link LinkEvidence}.
 *
 * <p>Shape: {@code target} = the given references (e.g. the vault Patient and the submission's Patient
 * entry); {@code activity} = {@link IdentitySystems#LINK_DECISION_CODE_SYSTEM}#{@code link-existing|create-new|
 * claim-candidate|reject}; {@code agent.who} = the submitting Organization (by identifier); one
 * {@link IdentitySystems#LINK_EVIDENCE_EXTENSION} per fact with sub-extensions {@code kind} (code),
 * {@code system} (uri), {@code value} (string; resident IDs masked), {@code patient} (Reference) and
 * {@code detail} (string).
 */
public final class LinkProvenance {

    private LinkProvenance() {
    }

    /** The Provenance for {@code decision}, recorded at {@code recorded}. */
    public static Provenance of(LinkDecision decision, Instant recorded, Reference... targets) {
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(recorded, "recorded");
        Provenance p = new Provenance();
        for (Reference t : targets) {
            p.addTarget(t);
        }
        p.setRecorded(Date.from(recorded));
        String code = decision.kind().name().toLowerCase(Locale.ROOT).replace('_', '-');
        p.getActivity().addCoding().setSystem(IdentitySystems.LINK_DECISION_CODE_SYSTEM).setCode(code);
        if (decision instanceof LinkDecision.Reject r) {
            p.getActivity().setText(r.reason().name());
        }
        p.addAgent().setWho(new Reference().setIdentifier(new Identifier().setSystem(IdentitySystems.ORGANIZATION)
                .setValue(decision.evidence().organizationId())));
        for (LinkEvidence.Fact f : decision.evidence().facts()) {
            Extension e = p.addExtension().setUrl(IdentitySystems.LINK_EVIDENCE_EXTENSION);
            e.addExtension("kind", new CodeType(f.kind().name()));
            if (f.system() != null) {
                e.addExtension("system", new UriType(f.system()));
            }
            if (f.value() != null) {
                e.addExtension("value", new StringType(f.value()));
            }
            for (String id : f.patientIds()) {
                e.addExtension("patient", new Reference("Patient/" + id));
            }
            e.addExtension("detail", new StringType(f.detail()));
        }
        return p;
    }
}
