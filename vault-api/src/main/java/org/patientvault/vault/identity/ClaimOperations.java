package org.patientvault.vault.identity;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.Map;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.patientvault.mapping.linking.LinkEvidence;
import org.patientvault.vault.caller.VaultPrincipal;
import org.springframework.stereotype.Component;

/**
 * {@code Patient/{id}/$claim-candidates}, {@code $claim} and {@code $reject} (see {@link ClaimService}). Only the
 * patient themself, on their own Patient: the authorization rules allow exactly that, and this provider checks it
 * again (anyone else gets the same 404 as an unknown id).
 *
 * <p>{@code $claim-candidates} answers a Parameters with one {@code candidate} part per record: {@code patient}
 * (Reference), {@code organization} (who sent it), {@code name}, {@code birthDate}, {@code records} (how many
 * clinical records would move) and {@code evidence} (the linker's facts). It shows no clinical values: the record is
 * not the caller's until they claim it. {@code $claim} and {@code $reject} take {@code candidate} (a Patient
 * reference) and answer a Parameters with {@code provenance} (and for a claim, {@code moved}).
 */
@Component
public class ClaimOperations {

    private final ClaimService claims;

    ClaimOperations(ClaimService claims) {
        this.claims = claims;
    }

    @Operation(name = "$claim-candidates", type = Patient.class, idempotent = true)
    public Parameters candidates(@IdParam IdType id) {
        String self = ownPatient(id);
        Parameters out = new Parameters();
        for (ClaimService.Candidate c : claims.candidates(self)) {
            Parameters.ParametersParameterComponent part = out.addParameter().setName("candidate");
            part.addPart().setName("patient").setValue(new Reference("Patient/" + c.patientId()));
            if (c.organization() != null) {
                part.addPart().setName("organization").setValue(new StringType(c.organization()));
            }
            if (c.name() != null) {
                part.addPart().setName("name").setValue(new StringType(c.name()));
            }
            if (c.birthDate() != null) {
                part.addPart().setName("birthDate").setValue(new DateType(c.birthDate().toString()));
            }
            part.addPart().setName("records").setValue(new IntegerType(c.records()));
            for (LinkEvidence.Fact f : c.evidence().facts()) {
                part.addPart().setName("evidence").setValue(new StringType(f.kind() + ": " + f.detail()));
            }
        }
        return out;
    }

    @Operation(name = "$claim", type = Patient.class)
    public Parameters claim(@IdParam IdType id, @OperationParam(name = "candidate", min = 1, max = 1) Reference candidate) {
        String self = ownPatient(id);
        Map<String, Object> result = claims.claim(self, candidateId(candidate));
        Parameters out = new Parameters();
        out.addParameter().setName("provenance").setValue(new Reference((String) result.get("provenance")));
        out.addParameter().setName("moved").setValue(new IntegerType((Integer) result.get("moved")));
        return out;
    }

    @Operation(name = "$reject", type = Patient.class)
    public Parameters reject(@IdParam IdType id, @OperationParam(name = "candidate", min = 1, max = 1) Reference candidate) {
        String self = ownPatient(id);
        Parameters out = new Parameters();
        out.addParameter().setName("provenance").setValue(new Reference(claims.reject(self, candidateId(candidate))));
        return out;
    }

    private static String ownPatient(IdType id) {
        VaultPrincipal p = VaultPrincipal.current().orElse(null);
        if (p == null || p.kind() != VaultPrincipal.Kind.PATIENT || !id.getIdPart().equals(p.patientId())) {
            throw new ResourceNotFoundException("Resource Patient/" + id.getIdPart() + " is not known");
        }
        return p.patientId();
    }

    private static String candidateId(Reference candidate) {
        if (candidate == null || !candidate.hasReference()) {
            throw new InvalidRequestException("Parameter 'candidate' must be a Patient reference, e.g. Patient/<id>");
        }
        IdType ref = new IdType(candidate.getReference());
        if (!"Patient".equals(ref.getResourceType()) || !ref.hasIdPart()) {
            throw new InvalidRequestException("Parameter 'candidate' must be a Patient reference, e.g. Patient/<id>,"
                    + " not " + candidate.getReference());
        }
        return ref.getIdPart();
    }
}
