package org.patientvault.vault.submission;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.model.api.StorageResponseCodeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UnsignedIntType;
import org.patientvault.vault.problem.VaultConflict;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.vault.access.SubmissionEntries;
import org.patientvault.vault.identity.PatientLinking;
import org.patientvault.vault.quality.SubmissionQuality;
import org.springframework.stereotype.Service;

/**
 * Hospital submissions: a transaction bundle is stored all-or-nothing together with one Provenance and one ledger
 * row. A bundle already accepted from the same submitter (same Bundle.identifier, or same content) is not stored
 * again; the original response is returned, marked as a replay.
 *
 * <p>A hospital's Patients are linked to the one vault Patient first ({@link PatientLinking}): the decisions are taken
 * before anything is written (a refusal writes nothing), and the merged vault Patients and one link Provenance per
 * decision are written in the same database transaction as the bundle. A replay links nothing again.
 *
 * <p>Cost: one ledger lookup by index before the transaction, one Provenance create and one ledger insert inside it;
 * per Patient entry one identifier lookup before, and one Provenance create (plus an update when it links) inside.
 */
@Service
public class SubmissionService {

    public static final String RECEIPT_URL = "https://patientvault.org/fhir/StructureDefinition/submission-receipt";
    public static final String SHA256_SYSTEM = "https://patientvault.org/fhir/sid/sha256";
    static final String RESIDENT_ID_SYSTEM = IdentitySystems.RESIDENT_ID;
    static final String ACTIVITY_SYSTEM = "https://patientvault.org/fhir/CodeSystem/provenance-activity";

    private final FhirContext ctx;
    private final IFhirSystemDao<Bundle, Meta> systemDao;
    private final SubmissionLedger ledger;
    private final SubmitterResolver submitters;
    private final SubmissionQuality quality;
    private final PatientLinking linking;
    private final SubmissionEntries entries;
    private final Clock clock;

    SubmissionService(FhirContext ctx, IFhirSystemDao<Bundle, Meta> systemDao, SubmissionLedger ledger,
                      SubmitterResolver submitters, SubmissionQuality quality, PatientLinking linking,
                      SubmissionEntries entries, Optional<Clock> clock) {
        this.ctx = ctx;
        this.systemDao = systemDao;
        this.ledger = ledger;
        this.submitters = submitters;
        this.quality = quality;
        this.linking = linking;
        this.entries = entries;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /** Processes a POSTed Bundle: transactions as submissions, batches as plain batches. */
    public Bundle submit(Bundle bundle, RequestDetails request) {
        if (bundle.getType() == Bundle.BundleType.BATCH) {
            entries.confine(bundle);
            return systemDao.transaction(request, bundle);
        }
        if (bundle.getType() != Bundle.BundleType.TRANSACTION) {
            throw new InvalidRequestException("Bundle.type must be 'transaction' or 'batch', not '"
                    + (bundle.getType() == null ? "(missing)" : bundle.getType().toCode()) + "'");
        }
        Submitter submitter = submitters.resolve(request);
        String hash = contentSha256(bundle);
        String identifier = identifierKey(bundle.getIdentifier());

        Optional<SubmissionLedger.Prior> prior = ledger.find(submitter.key(), identifier, hash);
        if (prior.isPresent()) {
            return replay(prior.get(), identifier, hash);
        }
        // Access rules per entry (reads, PATCH, ownership, conditional matching confined to the caller's records),
        // after the replay check: the content hash is of the bundle as sent, before these rewrites.
        entries.confine(bundle);
        Instant now = clock.instant();
        UUID ledgerId = UUID.randomUUID();
        // Scored after the replay check (a replay answers with the stored, already scored response) and before the
        // Provenance is added; the content hash above is of the bundle as sent, without the score stamps. Scoring
        // never fails a submission: on error it is simply absent.
        SubmissionContext context = SubmissionContext.of(request);
        Optional<SubmissionQuality.Scored> scored = quality.score(bundle, now, context.validationFindings(),
                context.dicomAcquisition());
        // Patient linking decides before anything is written (a refusal is a 4xx and writes nothing) and rewrites the
        // hospital's Patient entries; submissions not made by an organization keep the plain resident-ID rule.
        String org = orgCode(submitter);
        String provenanceUrl = "urn:uuid:" + UUID.randomUUID();
        PatientLinking.Plan links = org == null ? PatientLinking.Plan.none()
                : linking.prepare(bundle, org, submitter.organization().getReference(), provenanceUrl, now);
        entries.refuseUnlinkedPatientSearches(bundle);
        // The Provenance travels inside the submitted transaction, so HAPI stores it atomically with the data and
        // resolves its urn:uuid targets to the ids it assigns. The ledger row is written by SubmissionLedgerHook in
        // the same database transaction, when HAPI announces the Provenance before commit; the hook also has the
        // merged vault Patients written then. The link Provenances travel the same way, before the submission's.
        List<Reference> targets = withoutPatientsIfSeveral(bundle, assignFullUrls(bundle, org == null));
        Provenance provenance = provenance(targets, hash, bundle.getIdentifier(), submitter, now);
        int sent = bundle.getEntry().size();
        for (Provenance link : links.records()) {
            bundle.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(link)
                    .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Provenance");
        }
        bundle.addEntry().setFullUrl(provenanceUrl).setResource(provenance)
                .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Provenance");
        context.pending(new SubmissionLedgerHook.Pending(ledgerId, submitter.key(), identifier, hash, now, links));
        Bundle response;
        try {
            response = systemDao.transaction(request, bundle);
        } catch (RuntimeException e) {
            // A concurrent identical submission may have committed first; ours rolled back completely.
            Optional<SubmissionLedger.Prior> raced = ledger.find(submitter.key(), identifier, hash);
            if (raced.isPresent()) {
                return replay(raced.get(), identifier, hash);
            }
            throw e;
        } finally {
            context.pending(null);
            bundle.getEntry().subList(sent, bundle.getEntry().size()).clear();
            links.restore();
        }
        String provenanceId = locationOf(response.getEntry().get(response.getEntry().size() - 1));
        response.getEntry().subList(sent, response.getEntry().size()).clear();
        links.resolve(response);
        stampReceipt(response, classify(response), provenanceId, hash, false, now);
        links.stampReceipt(response.getMeta().getExtensionByUrl(RECEIPT_URL));
        // The quality receipt goes on before the response is stored, so a replay returns it unchanged.
        scored.ifPresent(q -> quality.complete(q, response, orgCode(submitter), now));
        // After commit: the stored response only serves replays; without it a replay still finds the Provenance.
        ledger.storeResponse(ledgerId, ctx.newJsonParser().encodeResourceToString(response));
        return response;
    }

    /**
     * Gives every entry a fullUrl (so references and Provenance targets resolve inside the transaction) and returns
     * a reference to each entry that creates or updates a resource.
     */
    /**
     * The Provenance's reference to one entry: its {@code urn:uuid} fullUrl, which HAPI resolves to the id it assigns;
     * for an update of a known id with an absolute fullUrl (e.g. {@code https://host/fhir/Observation/1}), which
     * HAPI would treat as an external reference, the entry's own {@code Type/id}.
     */
    private static String targetOf(Bundle.BundleEntryComponent e) {
        String url = e.getRequest().getUrl();
        if (!e.getFullUrl().startsWith("urn:") && e.getRequest().getMethod() != Bundle.HTTPVerb.POST
                && url != null && !url.contains("?") && url.indexOf('/') > 0) {
            return url.startsWith("/") ? url.substring(1) : url;
        }
        return e.getFullUrl();
    }

    private static List<Reference> assignFullUrls(Bundle bundle, boolean residentIdRule) {
        List<Reference> targets = new ArrayList<>();
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
            if (!e.hasResource()) {
                continue;
            }
            if (!e.hasFullUrl()) {
                e.setFullUrl("urn:uuid:" + UUID.randomUUID());
            }
            Bundle.HTTPVerb verb = e.getRequest().getMethod();
            if (residentIdRule && verb == Bundle.HTTPVerb.POST
                    && e.getResource() instanceof org.hl7.fhir.r4.model.Patient p) {
                linkByResidentId(e, p);
            }
            if (verb == Bundle.HTTPVerb.POST || verb == Bundle.HTTPVerb.PUT || verb == Bundle.HTTPVerb.PATCH) {
                targets.add(new Reference(targetOf(e)));
            }
        }
        return targets;
    }

    /**
     * A Provenance that targets Patients is in each of their compartments, so in a submission about several patients
     * (a CSV file, a batch upload) every patient would read the others' Patient and record ids in it. There the
     * submission's Provenance names only the records (it is then in no patient's record: the submitter's only), and
     * each patient keeps the link Provenance that names their own Patient and this submission.
     */
    private static List<Reference> withoutPatientsIfSeveral(Bundle bundle, List<Reference> targets) {
        List<String> patientUrls = bundle.getEntry().stream()
                .filter(e -> e.getResource() instanceof org.hl7.fhir.r4.model.Patient)
                .map(Bundle.BundleEntryComponent::getFullUrl).toList();
        if (patientUrls.size() < 2) {
            return targets;
        }
        return targets.stream().filter(t -> !patientUrls.contains(t.getReference())
                && !t.getReference().startsWith("Patient/")).toList();
    }

    private static String locationOf(Bundle.BundleEntryComponent entry) {
        return new org.hl7.fhir.r4.model.IdType(entry.getResponse().getLocation()).toUnqualifiedVersionless()
                .getValue();
    }

    private Bundle replay(SubmissionLedger.Prior prior, String identifier, String hash) {
        if (identifier != null && identifier.equals(prior.bundleIdentifier()) && !hash.equals(prior.contentSha256())) {
            throw new VaultConflict("Bundle.identifier " + identifier + " was already submitted on "
                    + prior.receivedAt() + " with different content (" + prior.provenanceId()
                    + "); send a new Bundle.identifier for new content");
        }
        if (prior.responseJson() == null) {
            // The process stopped between commit and storing the response: the data and Provenance are there.
            Bundle minimal = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
            stampReceipt(minimal, new Counts(0, 0, 0, 0), prior.provenanceId(), hash, true,
                    prior.receivedAt());
            return minimal;
        }
        Bundle original = ctx.newJsonParser().parseResource(Bundle.class, prior.responseJson());
        Extension receipt = original.getMeta().getExtensionByUrl(RECEIPT_URL);
        if (receipt != null) {
            receipt.getExtensionByUrl("replay").setValue(new BooleanType(true));
        }
        return original;
    }

    record Counts(int created, int updated, int matched, int unchanged) {
    }

    /** Reads HAPI's storage outcome on each response entry: created, updated, matched or unchanged. */
    static Counts classify(Bundle response) {
        int created = 0;
        int updated = 0;
        int matched = 0;
        int unchanged = 0;
        for (Bundle.BundleEntryComponent e : response.getEntry()) {
            if (e.getResponse().getLocation() == null) {
                continue;
            }
            StorageResponseCodeEnum code = storageCode(e);
            switch (code == null ? StorageResponseCodeEnum.SUCCESSFUL_CREATE : code) {
                case SUCCESSFUL_CREATE, SUCCESSFUL_CREATE_NO_CONDITIONAL_MATCH, SUCCESSFUL_UPDATE_AS_CREATE,
                        SUCCESSFUL_UPDATE_NO_CONDITIONAL_MATCH -> created++;
                case SUCCESSFUL_UPDATE, SUCCESSFUL_UPDATE_WITH_CONDITIONAL_MATCH, SUCCESSFUL_PATCH,
                        SUCCESSFUL_CONDITIONAL_PATCH -> updated++;
                case SUCCESSFUL_CREATE_WITH_CONDITIONAL_MATCH -> matched++;
                default -> unchanged++;
            }
        }
        return new Counts(created, updated, matched, unchanged);
    }

    private static StorageResponseCodeEnum storageCode(Bundle.BundleEntryComponent e) {
        if (!(e.getResponse().getOutcome() instanceof OperationOutcome oo)) {
            return e.getResponse().getStatus() != null && e.getResponse().getStatus().startsWith("201")
                    ? StorageResponseCodeEnum.SUCCESSFUL_CREATE : StorageResponseCodeEnum.SUCCESSFUL_UPDATE_NO_CHANGE;
        }
        for (OperationOutcome.OperationOutcomeIssueComponent issue : oo.getIssue()) {
            for (Coding c : issue.getDetails().getCoding()) {
                if (StorageResponseCodeEnum.SYSTEM.equals(c.getSystem())) {
                    try {
                        return StorageResponseCodeEnum.valueOf(c.getCode());
                    } catch (IllegalArgumentException unknown) {
                        return null;
                    }
                }
            }
        }
        return null;
    }

    private static Provenance provenance(List<Reference> targets, String hash, Identifier bundleIdentifier,
                                         Submitter submitter, Instant now) {
        Provenance p = new Provenance();
        p.setTarget(targets);
        p.setRecorded(Date.from(now));
        p.setActivity(new org.hl7.fhir.r4.model.CodeableConcept(
                new Coding(ACTIVITY_SYSTEM, "hospital-submission", "Hospital submission")));
        if (submitter.organization() != null) {
            p.addAgent()
                    .setType(new org.hl7.fhir.r4.model.CodeableConcept(new Coding(
                            "http://terminology.hl7.org/CodeSystem/provenance-participant-type", "author", "Author")))
                    .setWho(submitter.organization().copy());
        }
        p.addAgent()
                .setType(new org.hl7.fhir.r4.model.CodeableConcept(new Coding(
                        "http://terminology.hl7.org/CodeSystem/provenance-participant-type", "assembler",
                        "Assembler")))
                .setWho(new Reference().setDisplay("Patient Vault ingest"));
        p.addEntity().setRole(Provenance.ProvenanceEntityRole.SOURCE)
                .setWhat(new Reference().setIdentifier(new Identifier().setSystem(SHA256_SYSTEM).setValue(hash))
                        .setDisplay("Submitted Bundle (SHA-256)"));
        if (bundleIdentifier != null && bundleIdentifier.hasValue()) {
            p.addEntity().setRole(Provenance.ProvenanceEntityRole.SOURCE)
                    .setWhat(new Reference().setIdentifier(bundleIdentifier.copy()).setDisplay("Bundle.identifier"));
        }
        return p;
    }

    private static void stampReceipt(Bundle response, Counts counts, String provenanceId, String hash, boolean replay,
                                     Instant now) {
        Extension receipt = response.getMeta().addExtension().setUrl(RECEIPT_URL);
        receipt.addExtension("provenance", new Reference(provenanceId));
        receipt.addExtension("received", new DateTimeType(Date.from(now)));
        receipt.addExtension("contentSha256", new StringType(hash));
        receipt.addExtension("created", new UnsignedIntType(counts.created()));
        receipt.addExtension("updated", new UnsignedIntType(counts.updated()));
        receipt.addExtension("matched", new UnsignedIntType(counts.matched()));
        receipt.addExtension("unchanged", new UnsignedIntType(counts.unchanged()));
        receipt.addExtension("replay", new BooleanType(replay));
    }

    /**
     * For submissions not made by an organization (hospitals' go through {@link PatientLinking}): a Patient with a
     * resident ID is created conditionally on it, so it lands in the one compartment of that ID.
     */
    private static void linkByResidentId(Bundle.BundleEntryComponent entry, org.hl7.fhir.r4.model.Patient patient) {
        patient.getIdentifier().stream()
                .filter(i -> RESIDENT_ID_SYSTEM.equals(i.getSystem()) && i.hasValue())
                .findFirst()
                .ifPresent(i -> entry.getRequest().setIfNoneExist("identifier=" + RESIDENT_ID_SYSTEM + "|"
                        + i.getValue()));
    }

    /**
     * SHA-256 over the bundle's canonical JSON, leaving out what a sender regenerates on every send (id, meta,
     * timestamp), so that re-sending the same content is recognised.
     */
    String contentSha256(Bundle bundle) {
        Bundle copy = bundle.copy();
        copy.setIdElement(null);
        copy.setMeta(null);
        copy.setTimestampElement(null);
        byte[] canonical = ctx.newJsonParser().setPrettyPrint(false).encodeResourceToString(copy)
                .getBytes(StandardCharsets.UTF_8);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the JDK", e);
        }
    }

    /** The submitting organization's code (its {@code sid/org} identifier value), or null for unattributed ones. */
    private static String orgCode(Submitter submitter) {
        Reference org = submitter.organization();
        return org != null && org.hasIdentifier() && org.getIdentifier().hasValue()
                ? org.getIdentifier().getValue() : null;
    }

    private static String identifierKey(Identifier id) {
        if (id == null || !id.hasValue()) {
            return null;
        }
        return (id.hasSystem() ? id.getSystem() : "") + "|" + id.getValue();
    }
}
