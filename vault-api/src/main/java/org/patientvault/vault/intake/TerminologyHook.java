package org.patientvault.vault.intake;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.UnsignedIntType;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.mapping.terminology.TerminologyMapException;
import org.patientvault.mapping.terminology.TerminologyMaps;
import org.patientvault.mapping.terminology.TerminologySummary;
import org.patientvault.mapping.terminology.TerminologyUnmappedCode;
import org.patientvault.vault.caller.VaultPrincipal;
import org.patientvault.vault.submission.SubmissionContext;
import org.springframework.stereotype.Component;

/**
 * Terminology on the FHIR submission path, without touching the submission service:
 * <ul>
 *   <li>a hospital's transaction Bundle is normalised ({@code ObservationNormalizer.normalizeBundle}: LOINC beside the
 *       local coding, canonical UCUM value beside the original) in {@code SERVER_INCOMING_REQUEST_PRE_HANDLED}, i.e.
 *       after HAPI parsed it and before the submission service hashes and stores it, so replay detection sees the
 *       normalised content every time (normalisation is deterministic and idempotent);</li>
 *   <li>the outcome ({@link TerminologySummary}, unmapped local codes included) is added to the receipt as the
 *       {@link #SUMMARY_URL} extension on {@code Bundle.meta} in {@code SERVER_OUTGOING_RESPONSE}, also on replays;</li>
 *   <li>a ConceptMap being created or updated is checked with {@code TerminologyMaps.validate}: 422 if it maps one
 *       term to two LOINC codes.</li>
 * </ul>
 * A CSV intake request arrives already normalised by the bundle builder; its {@link SubmissionContext} says so, and
 * the receipt reports what the builder did.
 */
@Component
@Interceptor
public class TerminologyHook {

    /** Receipt extension on {@code Bundle.meta}: what terminology normalisation did. */
    public static final String SUMMARY_URL = IdentitySystems.EXTENSION_BASE + "terminology-summary";

    private final HospitalTerminology terminology;

    TerminologyHook(HospitalTerminology terminology) {
        this.terminology = terminology;
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void incoming(RequestDetails request, RestOperationTypeEnum operation) {
        if (operation != RestOperationTypeEnum.TRANSACTION || !(request.getResource() instanceof Bundle bundle)
                || bundle.getType() != Bundle.BundleType.TRANSACTION) {
            return;
        }
        SubmissionContext context = SubmissionContext.of(request);
        if (context.normalisedBeforeDispatch().isPresent()) {
            return;
        }
        VaultPrincipal p = VaultPrincipal.current().orElse(null);
        if (p == null || p.kind() != VaultPrincipal.Kind.HOSPITAL) {
            return;
        }
        TerminologySummary summary;
        try {
            summary = terminology.normalizerFor(p.orgCode()).normalizeBundle(bundle);
        } catch (TerminologyMapException e) {
            throw new UnprocessableEntityException("Your ConceptMaps contradict each other: " + e.getMessage());
        }
        context.terminology(summary);
    }

    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean outgoing(RequestDetails request, ResponseDetails response) {
        TerminologySummary summary = SubmissionContext.of(request).terminology().orElse(null);
        if (summary != null && response.getResponseResource() instanceof Bundle receipt
                && receipt.getMeta().getExtensionByUrl(SUMMARY_URL) == null) {
            receipt.getMeta().addExtension(toExtension(summary));
        }
        return true;
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void conceptMapCreated(IBaseResource resource) {
        validate(resource);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void conceptMapUpdated(IBaseResource previous, IBaseResource updated) {
        validate(updated);
    }

    private static void validate(IBaseResource resource) {
        if (resource instanceof ConceptMap map) {
            try {
                TerminologyMaps.validate(map);
            } catch (TerminologyMapException e) {
                throw new UnprocessableEntityException("ConceptMap refused: " + e.getMessage());
            }
        }
    }

    /** The receipt form: counts, then one {@code unmapped} Coding per distinct unmapped local code. */
    static Extension toExtension(TerminologySummary s) {
        Extension ext = new Extension(SUMMARY_URL);
        ext.addExtension("observations", new UnsignedIntType(s.observations()));
        ext.addExtension("alreadyLoinc", new UnsignedIntType(s.alreadyLoinc()));
        ext.addExtension("mapped", new UnsignedIntType(s.mapped()));
        ext.addExtension("converted", new UnsignedIntType(s.converted()));
        for (TerminologyUnmappedCode u : s.unmapped()) {
            ext.addExtension("unmapped", new Coding(u.system(), u.code(), u.display()));
        }
        return ext;
    }
}
