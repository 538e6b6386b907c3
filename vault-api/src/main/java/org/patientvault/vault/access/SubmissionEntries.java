package org.patientvault.vault.access;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;
import org.patientvault.vault.caller.ResourceOwners;
import org.patientvault.vault.caller.SubmitterTag;
import org.patientvault.vault.caller.VaultPrincipal;
import org.springframework.stereotype.Component;

/**
 * The access rules for the entries of a submitted Bundle, applied before HAPI processes it (the request-level rules
 * are {@link AccessGate}'s; HAPI's authorization rules check each entry again as it is stored).
 * <ul>
 *   <li>No reads, no PATCH and no conditional delete inside a Bundle: reads go through the read and search routes,
 *   where consent filters them; PATCH is offered nowhere; records are deleted by id.</li>
 *   <li>An update or delete by id names a record the caller owns; anything else is answered as not known, alike for
 *   foreign and unknown ids (a hospital's Patient entries are the exception: patient linking decides those).</li>
 *   <li>Conditional matching is confined to the caller's own records: a hospital's {@code ifNoneExist}, conditional
 *   update URLs and search references ({@code Encounter?identifier=...}) get its submitter tag added, so
 *   another hospital's record never matches (no id, count or existence oracle). Directory types are shared and
 *   match as sent; Patients are matched by patient linking, and a Patient search reference that linking did not
 *   resolve to an entry of the same Bundle is refused ({@link #refuseUnlinkedPatientSearches}). Patients may not
 *   write conditionally at all.</li>
 * </ul>
 * Cost: one pass over the entries and their references; one primary-key read per update or delete by id.
 */
@Component
public class SubmissionEntries {

    private final FhirContext ctx;
    private final RecordOwnership ownership;

    SubmissionEntries(FhirContext ctx, RecordOwnership ownership) {
        this.ctx = ctx;
        this.ownership = ownership;
    }

    /**
     * Checks every entry and rewrites conditional URLs in place (see the class comment). System requests and admins
     * (whose writes are confined to operational types by the authorization rules) pass unchanged.
     *
     * @throws InvalidRequestException     (400) a read or conditional write the caller is not offered
     * @throws MethodNotAllowedException   (405) a PATCH entry
     * @throws ResourceNotFoundException   (404) an update or delete of a record the caller does not own
     */
    public void confine(Bundle bundle) {
        VaultPrincipal caller = VaultPrincipal.current().orElse(null);
        if (caller == null || caller.kind() == VaultPrincipal.Kind.ADMIN) {
            return;
        }
        boolean hospital = caller.kind() == VaultPrincipal.Kind.HOSPITAL;
        String ownTag = "_tag=" + SubmitterTag.SYSTEM + "|" + caller.orgCode();
        List<Bundle.BundleEntryComponent> entries = bundle.getEntry();
        for (int i = 0; i < entries.size(); i++) {
            Bundle.BundleEntryComponent e = entries.get(i);
            Bundle.BundleEntryRequestComponent request = e.getRequest();
            Bundle.HTTPVerb verb = request.getMethod();
            String url = request.getUrl() == null ? "" : request.getUrl().strip();
            String at = "Bundle.entry[" + i + "]";
            if (verb == null) {
                continue; // HAPI refuses an entry without a method, with its own words
            }
            switch (verb) {
                case GET, HEAD -> throw new InvalidRequestException(at + ": reads are not offered inside a Bundle;"
                        + " use GET [type]/[id] or a search");
                case PATCH -> throw new MethodNotAllowedException(at + ": PATCH is not offered by the vault; send the"
                        + " whole resource with PUT");
                case POST -> {
                    if (request.hasIfNoneExist()) {
                        if (!hospital) {
                            throw conditionalRefused(at);
                        }
                        if (!isPatient(e, url)) {
                            request.setIfNoneExist(request.getIfNoneExist() + "&" + ownTag);
                        }
                    }
                }
                case PUT, DELETE -> {
                    boolean conditional = url.contains("?");
                    if (hospital && verb == Bundle.HTTPVerb.PUT && isPatient(e, url)) {
                        break; // patient linking decides, and turns the entry into a match on the vault Patient
                    }
                    if (conditional) {
                        if (!hospital) {
                            throw conditionalRefused(at);
                        }
                        if (verb == Bundle.HTTPVerb.DELETE) {
                            // HAPI's rule engine cannot tell which records a conditional delete inside a Bundle
                            // will remove; deleting is done by id, on records the caller owns.
                            throw new InvalidRequestException(at + ": a conditional delete is not offered; delete"
                                    + " your record by id (DELETE [type]/[id])");
                        }
                        request.setUrl(url + "&" + ownTag);
                    } else {
                        IdType id = new IdType(url.startsWith("/") ? url.substring(1) : url);
                        if (!ownership.callerOwns(id)) {
                            throw new ResourceNotFoundException(at + ": resource " + id.getResourceType() + "/"
                                    + id.getIdPart() + " is not known");
                        }
                    }
                }
                default -> {
                    // no other verbs exist in R4
                }
            }
            if (hospital && e.getResource() != null) {
                confineSearchReferences(e, ownTag);
            }
        }
    }

    /**
     * After patient linking: a reference to a Patient by search that linking did not point at a Patient entry of the
     * Bundle would match any patient in the vault; refused, whether or not such a patient exists.
     */
    public void refuseUnlinkedPatientSearches(Bundle bundle) {
        if (VaultPrincipal.current().filter(p -> p.kind() == VaultPrincipal.Kind.HOSPITAL).isEmpty()) {
            return;
        }
        List<Bundle.BundleEntryComponent> entries = bundle.getEntry();
        for (int i = 0; i < entries.size(); i++) {
            Bundle.BundleEntryComponent e = entries.get(i);
            if (e.getResource() == null) {
                continue;
            }
            for (Reference ref : ctx.newTerser().getAllPopulatedChildElementsOfType(e.getResource(),
                    Reference.class)) {
                String r = ref.getReference();
                if (r != null && searchType(r).equals("Patient")) {
                    throw new UnprocessableEntityException("Bundle.entry[" + i + "]: a reference to a Patient by"
                            + " search (Patient?...) must name a Patient entry of the same Bundle (by one of its"
                            + " identifiers); include the Patient, or reference it by id");
                }
            }
        }
    }

    private void confineSearchReferences(Bundle.BundleEntryComponent e, String ownTag) {
        for (Reference ref : ctx.newTerser().getAllPopulatedChildElementsOfType(e.getResource(), Reference.class)) {
            String r = ref.getReference();
            String type = r == null ? "" : searchType(r);
            if (!type.isEmpty() && !type.equals("Patient") && !ResourceOwners.PUBLIC_DIRECTORY.contains(type)) {
                ref.setReference(r + "&" + ownTag);
            }
        }
    }

    /** The resource type of a search reference ({@code Encounter?identifier=...}), or "" for any other reference. */
    private static String searchType(String reference) {
        int q = reference.indexOf('?');
        if (q <= 0) {
            return "";
        }
        // Only the part before '?' says what kind of reference it is; the query may well hold URLs (token systems).
        String type = reference.substring(0, q);
        if (type.startsWith("urn:") || type.contains("://")) {
            return "";
        }
        return type.startsWith("/") ? type.substring(1) : type;
    }

    private static boolean isPatient(Bundle.BundleEntryComponent e, String url) {
        return e.getResource() instanceof org.hl7.fhir.r4.model.Patient || url.equals("Patient")
                || url.startsWith("Patient?") || url.startsWith("Patient/");
    }

    private static InvalidRequestException conditionalRefused(String at) {
        return new InvalidRequestException(at + ": conditional writes are offered to hospital submissions only;"
                + " name the resource by id");
    }
}
