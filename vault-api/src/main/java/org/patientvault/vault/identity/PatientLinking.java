package org.patientvault.vault.identity;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.UnsignedIntType;
import org.patientvault.vault.problem.VaultConflict;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.mapping.ResidentId;
import org.patientvault.mapping.linking.IdentityConflictException;
import org.patientvault.mapping.linking.LinkDecision;
import org.patientvault.mapping.linking.LinkProvenance;
import org.patientvault.mapping.linking.LinkSource;
import org.patientvault.mapping.linking.PatientIdentityMerge;
import org.patientvault.mapping.linking.PatientIdentityMerger;
import org.patientvault.mapping.linking.PatientLinker;
import org.patientvault.vault.caller.SubmitterTag;
import org.springframework.stereotype.Service;

/**
 * Links every Patient a hospital submits in a transaction ({@code POST /fhir}; the CSV intake and DICOM imaging go
 * through it too) to the one vault Patient, with {@link PatientLinker}'s rules:
 * <ol>
 *   <li>a valid resident ID → the vault Patient carrying it (an invalid one: 422, nothing written);</li>
 *   <li>else this hospital's own MRN (its system, assigned by it) seen before → the Patient carrying it;</li>
 *   <li>else weak evidence (name + birth date + phone) → never linked: a new, unlinked Patient, which
 *       {@code $claim-candidates} offers to the matching patient ({@link ClaimService});</li>
 *   <li>two different resident IDs are never linked: 422 on one Patient, 409 against what is stored.</li>
 * </ol>
 * The vault Patient accumulates every hospital's identifiers; the hospital's demographics are kept as its view
 * ({@link PatientIdentityMerger}), never merged over the patient's own.
 *
 * <p><b>How it rides the submission's transaction.</b> {@link #prepare} decides before anything is written and
 * rewrites the bundle: a linked Patient entry becomes a conditional create on the vault Patient's id
 * ({@code ifNoneExist=_id=<id>}, so HAPI resolves the entry's {@code urn:uuid} and every reference to it to that
 * Patient, and the receipt counts it as matched); a new Patient entry carries the seeded vault Patient. References to
 * the submitted Patient by conditional URL ({@code Patient?identifier=...}), by its PUT id or by a non-{@code urn:uuid}
 * full URL are pointed at the entry's {@code urn:uuid}. One Provenance per decision ({@link LinkProvenance}: the
 * evidence, the hospital, the submission's Provenance) is added to the bundle, targeting the entry's {@code urn:uuid},
 * so HAPI stores it atomically and resolves it. {@link #writeMerges} stores the merged vault Patients as the system
 * in the same database transaction, just before commit (called by the submission ledger hook; HAPI refuses to run a
 * transaction bundle inside an outer one): the hospital did not author the patient's record, so it is not stamped as
 * its submitter, and another hospital's tag does not block it. {@link #isLinkRecord} lets the ledger hook keep the
 * link Provenances untagged: they are the vault's record, readable by the patient, not by the hospital (a weak match
 * names other patients). All or nothing.
 *
 * <p>Cost per Patient entry: one indexed identifier search (all its linkable identifiers OR-ed), a candidate search
 * only for weak evidence, one update when it links, one Provenance create.
 */
@Service
public class PatientLinking {

    /** Receipt part ({@code link} on the submission receipt) and its outcome codes. */
    public static final String RECEIPT_PART = "link";

    /** What linking did to one submission; apply its steps in order, then {@link #restore}. */
    public static final class Plan {
        private final List<Link> links = new ArrayList<>();
        private final List<Patient> merges = new ArrayList<>();
        private final List<Provenance> records = new ArrayList<>();
        private final List<Runnable> undo = new ArrayList<>();
        private final List<String> claims = new ArrayList<>();
        private String claimant;

        /** Nothing to link (no Patient entries, or not a hospital's submission). */
        public static Plan none() {
            return new Plan();
        }

        public boolean isEmpty() {
            return links.isEmpty();
        }

        /** The link Provenances to add to the bundle (before the submission's own Provenance). */
        public List<Provenance> records() {
            return List.copyOf(records);
        }

        /** Reads the linked Patients' ids from the transaction response, for the receipt. */
        public void resolve(Bundle response) {
            for (Link l : links) {
                String location = response.getEntry().get(l.entry).getResponse().getLocation();
                if (location != null) {
                    l.patientId = new IdType(location).getIdPart();
                }
            }
        }

        /** Puts the submitted entries back as the hospital sent them (request and resource). */
        public void restore() {
            for (int i = undo.size() - 1; i >= 0; i--) {
                undo.get(i).run();
            }
            undo.clear();
        }

        /** Adds one {@code link} part per Patient entry to the submission receipt. */
        public void stampReceipt(Extension receipt) {
            for (Link l : links) {
                Extension part = receipt.addExtension().setUrl(RECEIPT_PART);
                part.addExtension("entry", new UnsignedIntType(l.entry));
                part.addExtension("outcome", new CodeType(l.receiptOutcome()));
                if (l.patientId != null) {
                    part.addExtension("patient", new Reference("Patient/" + l.patientId));
                }
            }
        }
    }

    /** One Patient entry's decision; the Patient's id is read from the response for the receipt. */
    private static final class Link {
        final int entry;
        final LinkDecision decision;
        String patientId;

        Link(int entry, LinkDecision decision) {
            this.entry = entry;
            this.decision = decision;
        }

        /**
         * What the hospital is told: {@code linked}, {@code new-patient} (a resident ID not seen before) or
         * {@code unlinked}. A weak match is reported as unlinked like no match at all, so a hospital cannot probe
         * whether someone with given demographics is in the vault.
         */
        String receiptOutcome() {
            return switch (decision.kind()) {
                case LINK_EXISTING -> "linked";
                case CREATE_NEW -> ((LinkDecision.CreateNew) decision).residentId() != null ? "new-patient"
                        : "unlinked";
                default -> "unlinked";
            };
        }
    }

    private final FhirContext ctx;
    private final DaoRegistry daos;
    private final VaultPatientIndex vault;
    private final MrnNamespaces namespaces;

    PatientLinking(FhirContext ctx, DaoRegistry daos, MrnNamespaces namespaces) {
        this.ctx = ctx;
        this.daos = daos;
        this.vault = new VaultPatientIndex(daos);
        this.namespaces = namespaces;
    }

    /**
     * Decides every POSTed or PUT Patient entry of a hospital's transaction and rewrites the bundle accordingly
     * (see the class comment). Reads only.
     *
     * @param orgCode               the submitting hospital's client id
     * @param organizationReference its Organization ({@code Organization/<id>}), or null
     * @throws UnprocessableEntityException      (422) an invalid resident ID, two resident IDs on one Patient, a
     *                                           Patient that cannot be identified, or two entries for one patient
     * @throws ResourceVersionConflictException (409) the identifiers contradict what the vault holds
     */
    public Plan prepare(Bundle bundle, String orgCode, String organizationReference, String submissionFullUrl,
                        Instant now) {
        Plan plan = new Plan();
        Map<String, Integer> identities = new HashMap<>();
        Map<String, String> aliases = new HashMap<>();
        List<Bundle.BundleEntryComponent> entries = bundle.getEntry();
        for (int i = 0; i < entries.size(); i++) {
            Bundle.BundleEntryComponent e = entries.get(i);
            Bundle.HTTPVerb verb = e.getRequest().getMethod();
            if (!(e.getResource() instanceof Patient sent)
                    || (verb != Bundle.HTTPVerb.POST && verb != Bundle.HTTPVerb.PUT)) {
                continue;
            }
            for (String claim : namespaces.check(sent, orgCode, organizationReference,
                    "Bundle.entry[" + i + "].resource")) {
                if (!plan.claims.contains(claim)) {
                    plan.claims.add(claim);
                }
            }
            plan.claimant = orgCode;
            Patient submitted = inOwnNamespace(sent, orgCode, organizationReference);
            LinkSource source = LinkSource.forSubmission(submitted, orgCode, organizationReference);
            for (String key : identityKeys(submitted, source)) {
                Integer first = identities.putIfAbsent(key, i);
                if (first != null) {
                    throw refusal(i, e, false, "describes the same patient as Bundle.entry[" + first
                            + "] (same " + (key.startsWith(IdentitySystems.RESIDENT_ID) ? "resident ID" : "MRN")
                            + "); send one Patient entry per patient", "DUPLICATE_PATIENT_ENTRY");
                }
            }
            SubmissionPatientIndex index = SubmissionPatientIndex.lookup(daos, vault, submitted, source,
                    organizationReference);
            LinkDecision decision = new PatientLinker(index).decide(submitted, source);
            if (decision instanceof LinkDecision.Reject r) {
                throw refusal(i, e, isConflict(r), r.message(), r.reason().name());
            }
            String urn = claimFullUrl(plan, e, sent, aliases);
            Bundle.BundleEntryRequestComponent sentRequest = e.getRequest();
            Resource sentResource = e.getResource();
            plan.undo.add(() -> {
                e.setRequest(sentRequest);
                e.setResource(sentResource);
            });
            Bundle.BundleEntryRequestComponent request = new Bundle.BundleEntryRequestComponent()
                    .setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
            if (decision instanceof LinkDecision.LinkExisting link) {
                Patient current = index.patient(link.patientId());
                PatientIdentityMerge merged;
                try {
                    merged = PatientIdentityMerger.merge(current, submitted, source);
                } catch (IdentityConflictException conflict) {
                    throw refusal(i, e, true, conflict.getMessage(), "RESIDENT_ID_CONFLICT");
                }
                plan.merges.add(merged.patient());
                // Matched, never stored: HAPI resolves the entry (and every reference to its urn) to this Patient.
                request.setIfNoneExist("_id=" + link.patientId());
            } else {
                Patient fresh = PatientIdentityMerger.newVaultPatient(submitted, source).patient();
                ResidentId rid = PatientIdentityMerger.residentIdOf(fresh);
                if (rid != null) {
                    // Two hospitals sending a new patient at once still make one vault Patient.
                    request.setIfNoneExist("identifier=" + IdentitySystems.RESIDENT_ID + "|" + rid.value());
                }
                e.setResource(fresh);
            }
            e.setRequest(request);
            e.setFullUrl(urn);
            plan.links.add(new Link(i, decision));
            plan.records.add(record(decision, urn, submissionFullUrl, now));
        }
        if (!aliases.isEmpty()) {
            pointReferencesAt(bundle, aliases);
        }
        return plan;
    }

    /**
     * A Patient a hospital writes on its own ({@code POST /fhir/Patient}, a conditional PUT that creates, or a batch
     * entry), outside a transaction: such writes are not linked, so one that the linker would link to a vault Patient
     * is refused (409) instead of becoming a second Patient of the same person, and invalid or conflicting identifiers
     * are refused as in a transaction. A new patient, a weak match or a Patient without linkable identifiers is stored
     * as sent, unlinked (a transaction would refuse the last; tools and tests still create bare Patients this way).
     * Reads only; one identifier search.
     */
    public void checkStandalone(Patient sent, String orgCode, String organizationReference) {
        Patient submitted = inOwnNamespace(sent, orgCode, organizationReference);
        LinkSource source = LinkSource.forSubmission(submitted, orgCode, organizationReference);
        SubmissionPatientIndex index = SubmissionPatientIndex.lookup(daos, vault, submitted, source,
                organizationReference);
        LinkDecision decision = new PatientLinker(index).decide(submitted, source);
        if (decision instanceof LinkDecision.Reject r
                && r.reason() != LinkDecision.RejectReason.INSUFFICIENT_IDENTITY) {
            throw refusal("Patient refused: " + r.message() + ". Nothing was stored.", "Patient", isConflict(r),
                    r.reason().name());
        }
        if (decision instanceof LinkDecision.LinkExisting) {
            throw refusal("Patient refused: this patient is already in the vault (same resident ID or same MRN"
                    + " of yours); submit Patients in a transaction Bundle (POST /fhir), where they are linked to the"
                    + " one vault Patient. Nothing was stored.", "Patient", true, "SUBMIT_IN_TRANSACTION");
        }
    }

    /**
     * Inside the submission's database transaction, once HAPI stored every entry (called by the submission ledger
     * hook, just before commit): the merged vault Patients, written as the system.
     */
    public void writeMerges(Plan plan) {
        if (plan.claimant != null) {
            namespaces.claim(plan.claims, plan.claimant, "Bundle");
        }
        for (Patient merged : plan.merges) {
            // The id keeps the version that was read: a concurrent change of the same Patient is a 409, not lost.
            daos.getResourceDao(Patient.class).update(merged, new SystemRequestDetails());
        }
    }

    /**
     * A Patient whose MRN is in the hospital's default namespace ({@code sid/mrn/<client id>}: what its PACS writes as
     * DICOM Patient ID without issuer, and its CSV MRN column) as the hospital means it: in the namespace configured
     * for its PACS, else in the one of its namespaces where it already assigned that number to a patient (so a study
     * finds the patient the hospital registered by FHIR, issue 14 item 2), else unchanged. A copy when changed.
     * Cost: one indexed search over the hospital's namespaces per such MRN.
     */
    Patient inOwnNamespace(Patient sent, String orgCode, String organizationReference) {
        String fallback = LinkSource.defaultMrnSystem(orgCode);
        if (sent.getIdentifier().stream().noneMatch(i -> fallback.equals(i.getSystem()) && i.hasValue())) {
            return sent;
        }
        Patient copy = sent.copy();
        for (Identifier id : copy.getIdentifier()) {
            if (fallback.equals(id.getSystem()) && id.hasValue() && !id.getValue().isBlank()) {
                String own = namespaces.pacsSystemOf(orgCode)
                        .orElseGet(() -> assignedElsewhere(orgCode, organizationReference, id.getValue().strip()));
                if (own != null) {
                    id.setSystem(own);
                }
            }
        }
        return copy;
    }

    /** The other namespace of this hospital in which it assigned MRN {@code value} to a (still active) Patient. */
    private String assignedElsewhere(String orgCode, String organizationReference, String value) {
        List<String> systems = namespaces.systemsOf(orgCode).stream()
                .filter(s -> !s.equals(LinkSource.defaultMrnSystem(orgCode))).toList();
        if (systems.isEmpty()) {
            return null;
        }
        ca.uhn.fhir.rest.param.TokenOrListParam tokens = new ca.uhn.fhir.rest.param.TokenOrListParam();
        systems.forEach(s -> tokens.add(s, value));
        ca.uhn.fhir.jpa.searchparam.SearchParameterMap map = ca.uhn.fhir.jpa.searchparam.SearchParameterMap
                .newSynchronous().add("identifier", tokens);
        String best = null;
        boolean bestIsVault = false;
        for (org.hl7.fhir.instance.model.api.IBaseResource r : daos.getResourceDao("Patient")
                .search(map, new SystemRequestDetails()).getAllResources()) {
            Patient p = (Patient) r;
            if (p.hasActive() && !p.getActive()) {
                continue;
            }
            boolean submittedHere = SubmitterTag.of(p).map(orgCode::equals).orElse(false);
            for (Identifier i : p.getIdentifier()) {
                if (systems.contains(i.getSystem()) && value.equals(i.hasValue() ? i.getValue().strip() : null)
                        && (i.hasAssigner() ? LinkSource.assignedBy(i.getAssigner(), orgCode, organizationReference)
                        : submittedHere)) {
                    boolean isVault = VaultPatientIndex.isVaultPatient(p);
                    if (best == null || (isVault && !bestIsVault)) {
                        best = i.getSystem();
                        bestIsVault = isVault;
                    }
                }
            }
        }
        return best;
    }

    /** Removes the submitter tag from a link Provenance (see the class comment). */
    public void untag(Provenance record) {
        record.getMeta().getTag().removeIf(t -> SubmitterTag.SYSTEM.equals(t.getSystem()));
    }

    /** True when {@code resource} is one of this plan's link Provenances (the very instance added to the bundle). */
    public static boolean isLinkRecord(Plan plan, Object resource) {
        return plan != null && plan.records.stream().anyMatch(r -> r == resource);
    }

    /** The link decision's Provenance: target the Patient entry, evidence, hospital, and the submission. */
    private static Provenance record(LinkDecision decision, String patientUrn, String submissionFullUrl, Instant now) {
        Provenance p = LinkProvenance.of(decision, now, new Reference(patientUrn));
        p.getAgentFirstRep().getType().addCoding(new Coding(
                "http://terminology.hl7.org/CodeSystem/provenance-participant-type", "author", "Author"));
        p.addAgent().setType(new org.hl7.fhir.r4.model.CodeableConcept(new Coding(
                        "http://terminology.hl7.org/CodeSystem/provenance-participant-type", "assembler",
                        "Assembler")))
                .setWho(new Reference().setDisplay("Patient Vault patient linking"));
        if (submissionFullUrl != null) {
            p.addEntity().setRole(Provenance.ProvenanceEntityRole.SOURCE)
                    .setWhat(new Reference(submissionFullUrl).setDisplay("Hospital submission"));
        }
        return p;
    }

    /**
     * The entry's {@code urn:uuid} full URL (a fresh one if it has another kind), and every other name the bundle may
     * use for this Patient registered as an alias of it.
     */
    private static String claimFullUrl(Plan plan, Bundle.BundleEntryComponent e, Patient submitted,
                                       Map<String, String> aliases) {
        String sent = e.getFullUrl();
        String urn = sent != null && sent.startsWith("urn:uuid:") ? sent : "urn:uuid:" + UUID.randomUUID();
        plan.undo.add(() -> e.setFullUrl(sent));
        List<String> names = new ArrayList<>();
        if (sent != null && !sent.equals(urn)) {
            names.add(sent);
            IdType asId = new IdType(sent);
            if ("Patient".equals(asId.getResourceType()) && asId.hasIdPart()) {
                names.add("Patient/" + asId.getIdPart());
            }
        }
        String url = e.getRequest().getUrl();
        if (e.getRequest().getMethod() == Bundle.HTTPVerb.PUT && url != null) {
            names.add(url.contains("?") ? url : "Patient/" + new IdType(url).getIdPart());
        }
        if (e.getRequest().hasIfNoneExist()) {
            names.add("Patient?" + e.getRequest().getIfNoneExist());
        }
        for (Identifier id : submitted.getIdentifier()) {
            if (id.hasSystem() && id.hasValue()) {
                names.add("Patient?identifier=" + id.getSystem() + "|" + id.getValue());
            }
        }
        for (String n : names) {
            aliases.putIfAbsent(normalise(n), urn);
        }
        return urn;
    }

    /** Points every reference that names a linked Patient by one of its aliases at the entry's urn:uuid. */
    private void pointReferencesAt(Bundle bundle, Map<String, String> aliases) {
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
            if (e.getResource() == null) {
                continue;
            }
            for (Reference ref : ctx.newTerser().getAllPopulatedChildElementsOfType(e.getResource(),
                    Reference.class)) {
                if (ref.hasReference()) {
                    String target = aliases.get(normalise(ref.getReference()));
                    if (target != null) {
                        ref.setReference(target);
                    }
                }
            }
        }
    }

    /** A reference or conditional URL in comparable form: the query part URL-decoded, no leading slash. */
    static String normalise(String reference) {
        String r = reference.strip();
        if (r.startsWith("/")) {
            r = r.substring(1);
        }
        int q = r.indexOf('?');
        if (q < 0) {
            return r;
        }
        try {
            return r.substring(0, q + 1) + URLDecoder.decode(r.substring(q + 1).replace("+", "%2B"),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return r;
        }
    }

    /** Keys that must not appear on two Patient entries of one bundle: its resident ID and its own MRNs. */
    private static List<String> identityKeys(Patient submitted, LinkSource source) {
        List<String> keys = new ArrayList<>();
        for (Identifier id : submitted.getIdentifier()) {
            if (IdentitySystems.RESIDENT_ID.equals(id.getSystem()) && ResidentId.isValid(id.getValue())) {
                keys.add(IdentitySystems.RESIDENT_ID + "|" + ResidentId.parse(id.getValue()).value());
            } else if (source.mrnSystem().equals(id.getSystem()) && id.hasValue() && !id.getValue().isBlank()) {
                keys.add(source.mrnSystem() + "|" + id.getValue().strip());
            }
        }
        return keys;
    }

    /**
     * The refusal of the whole submission, naming the entry: 409 when it contradicts what the vault holds, else 422.
     * The message masks resident IDs (the linker's messages already do).
     */
    private static BaseServerResponseException refusal(int index, Bundle.BundleEntryComponent e, boolean conflict,
                                                       String message, String code) {
        String where = "Bundle.entry[" + index + "]" + (e.hasFullUrl() ? " (" + e.getFullUrl() + ")" : "");
        return refusal(where + ": Patient not linked: " + message + ". Nothing was stored.",
                "Bundle.entry[" + index + "].resource", conflict, code);
    }

    /** 409 when the identifiers contradict what the vault holds, else 422; the outcome carries the decision code. */
    private static BaseServerResponseException refusal(String text, String expression, boolean conflict, String code) {
        OperationOutcome oo = new OperationOutcome();
        oo.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR)
                .setCode(conflict ? OperationOutcome.IssueType.CONFLICT : OperationOutcome.IssueType.BUSINESSRULE)
                .setDiagnostics(text).addExpression(expression)
                .getDetails().addCoding(new Coding(IdentitySystems.LINK_DECISION_CODE_SYSTEM, code, null));
        return conflict ? new VaultConflict(text, oo) : new UnprocessableEntityException(text, oo);
    }

    private static boolean isConflict(LinkDecision.Reject r) {
        return r.reason() == LinkDecision.RejectReason.RESIDENT_ID_CONFLICT
                || r.reason() == LinkDecision.RejectReason.MRN_CONFLICT;
    }
}
