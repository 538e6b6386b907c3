package org.patientvault.vault.caller;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.FhirTerser;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.springframework.stereotype.Component;

/**
 * Whose record a resource is: the Patient compartment owners per the FHIR R4 CompartmentDefinition, as HAPI's terser
 * computes them. Cost: walks the resource's references once; no database access.
 */
@Component
public class ResourceOwners {

    /**
     * Types whose records carry no patient data and are readable by every authenticated caller: the directory of
     * organisations, people and places, and conformance resources. Any other record without a patient owner is
     * visible to its submitter only (closed world; see docs/security.md).
     */
    public static final Set<String> PUBLIC_DIRECTORY = Set.of("Organization", "Practitioner", "PractitionerRole",
            "Location", "HealthcareService", "Endpoint", "Medication", "Substance", "CodeSystem", "ValueSet",
            "ConceptMap", "StructureDefinition", "SearchParameter", "NamingSystem", "OperationDefinition",
            "CapabilityStatement", "Questionnaire");

    private final FhirContext ctx;

    ResourceOwners(FhirContext ctx) {
        this.ctx = ctx;
    }

    /** Patient ids (id part only) whose compartment holds this resource; empty for non-patient resources. */
    public Set<String> patientsOf(IBaseResource resource) {
        Set<String> ids = new TreeSet<>();
        if (resource == null) {
            return ids;
        }
        if (resource instanceof org.hl7.fhir.r4.model.Binary binary) {
            // Binary is in no compartment; its securityContext names the record it belongs to.
            IIdType ctxRef = binary.getSecurityContext().getReferenceElement();
            if ("Patient".equals(ctxRef.getResourceType()) && ctxRef.hasIdPart()) {
                ids.add(ctxRef.getIdPart());
            }
            return ids;
        }
        if ("Patient".equals(ctx.getResourceType(resource))) {
            if (resource.getIdElement().hasIdPart()) {
                ids.add(resource.getIdElement().getIdPart());
            }
            return ids;
        }
        FhirTerser terser = ctx.newTerser();
        List<IIdType> owners = terser.getCompartmentOwnersForResource("Patient", resource, java.util.Set.<String>of());
        for (IIdType owner : owners) {
            if ("Patient".equals(owner.getResourceType()) && owner.hasIdPart()) {
                ids.add(owner.getIdPart());
            }
        }
        return ids;
    }
}
