package org.patientvault.vault.cohort;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentInterceptor;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UriType;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.vault.caller.VaultPrincipal;
import org.patientvault.vault.problem.VaultConflict;
import org.springframework.stereotype.Component;

/**
 * {@code /fhir/Group}: cohort requests ({@code docs/cohorts.md}). An AI firm files a request ({@code POST}), lists
 * and reads its own; the data-access committee (admin) lists and reads all and decides ({@code $approve},
 * {@code $reject}, with a reason). The firm kicks off builds with {@code $export} ({@link CohortExports} answers the
 * polls and serves the files) and reads {@code $withdrawals}. Requests are the vault's own records, kept by
 * {@link CohortStore}; the stored request never names a patient, and ownership is decided in the query that loads it,
 * so another firm's id is answered exactly like an unknown one.
 */
@Component
public class CohortProvider implements IResourceProvider {

    private final FhirContext fhir;
    private final CohortStore store;
    private final CohortRequests requests;
    private final CohortBuilder builder;
    private final Clock clock = Clock.systemUTC();

    CohortProvider(FhirContext fhir, CohortStore store, CohortRequests requests, CohortBuilder builder) {
        this.fhir = fhir;
        this.store = store;
        this.requests = requests;
        this.builder = builder;
    }

    @Override
    public Class<Group> getResourceType() {
        return Group.class;
    }

    @Create
    public MethodOutcome create(@ResourceParam Group group, RequestDetails request) {
        VaultPrincipal firm = firm();
        CohortRequest parsed = requests.read(group);
        Group stored = group.copy();
        stored.setIdElement(null);
        stored.setMeta(null);
        stored.setText(null);
        CohortStore.Request r = store.createRequest(firm.orgCode(), firm.organizationId(),
                fhir.newJsonParser().encodeResourceToString(stored), clock.instant());
        ConsentInterceptor.skipAllConsentForRequest(request);
        MethodOutcome out = new MethodOutcome(new IdType("Group", r.id()), true);
        out.setResource(view(r));
        return out;
    }

    @Read
    public Group read(@IdParam IdType id, RequestDetails request) {
        CohortStore.Request r = visible(id);
        ConsentInterceptor.skipAllConsentForRequest(request);
        return view(r);
    }

    /** The firm's own requests, or (the committee) all; {@code status} = submitted, approved or rejected. */
    @Search
    public List<Group> search(@OptionalParam(name = "status") TokenParam status, RequestDetails request) {
        VaultPrincipal caller = caller();
        CohortStore.Status wanted = null;
        if (status != null) {
            try {
                wanted = CohortStore.Status.valueOf(status.getValue().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("status must be submitted, approved or rejected");
            }
        }
        ConsentInterceptor.skipAllConsentForRequest(request);
        return store.requests(caller.kind() == VaultPrincipal.Kind.ADMIN ? null : caller.orgCode(), wanted).stream()
                .map(this::view).toList();
    }

    @Operation(name = "$approve", type = Group.class)
    public Parameters approve(@IdParam IdType id, @OperationParam(name = "reason", min = 1, max = 1) StringType reason,
                              RequestDetails request) {
        return decide(id, CohortStore.Status.APPROVED, reason, request);
    }

    @Operation(name = "$reject", type = Group.class)
    public Parameters reject(@IdParam IdType id, @OperationParam(name = "reason", min = 1, max = 1) StringType reason,
                             RequestDetails request) {
        return decide(id, CohortStore.Status.REJECTED, reason, request);
    }

    /** Everyone withdrawn from the cohort's releases: the pseudonyms the firm must delete, per release. */
    @Operation(name = "$withdrawals", type = Group.class, idempotent = true)
    public Parameters withdrawals(@IdParam IdType id, RequestDetails request) {
        CohortStore.Request r = visible(id);
        Parameters out = new Parameters();
        for (CohortStore.Withdrawal w : store.withdrawals(r.id())) {
            Parameters.ParametersParameterComponent p = out.addParameter().setName("withdrawal");
            p.addPart().setName("release").setValue(new IntegerType(w.fromRelease()));
            p.addPart().setName("pseudonym").setValue(new StringType(w.pseudonym()));
            p.addPart().setName("detectedIn").setValue(new IntegerType(w.detectedIn()));
        }
        ConsentInterceptor.skipAllConsentForRequest(request);
        return out;
    }

    /**
     * For the auditor (the committee): why each patient was in one release — the request it was built from, the
     * manifest's SHA-256, and per member the vault Patient, the release's pseudonym and the Consent versions relied on.
     */
    @Operation(name = "$release-audit", type = Group.class, idempotent = true)
    public Parameters releaseAudit(@IdParam IdType id, @OperationParam(name = "release", min = 1, max = 1)
                                   IntegerType number, RequestDetails request) {
        VaultPrincipal caller = caller();
        if (caller.kind() != VaultPrincipal.Kind.ADMIN) {
            throw unknown(id);
        }
        CohortStore.Request r = store.request(id.getIdPart(), null).orElseThrow(() -> unknown(id));
        CohortStore.Release rel = number == null || number.getValue() == null ? null
                : store.releaseNumber(r.id(), number.getValue()).orElse(null);
        if (rel == null) {
            throw new ResourceNotFoundException("Group/" + r.id() + " has no release " + (number == null ? ""
                    : number.getValue()));
        }
        Parameters out = new Parameters();
        out.addParameter().setName("release").setValue(new IntegerType(rel.number()));
        out.addParameter().setName("status").setValue(new CodeType(CohortExports.word(rel.status())));
        out.addParameter().setName("request").setValue(new StringType(store.releaseRequest(rel.id())));
        if (rel.manifestSha256() != null) {
            out.addParameter().setName("manifestSha256").setValue(new StringType(rel.manifestSha256()));
        }
        for (CohortStore.Member m : store.members(rel.id())) {
            Parameters.ParametersParameterComponent p = out.addParameter().setName("member");
            p.addPart().setName("patient").setValue(new org.hl7.fhir.r4.model.Reference("Patient/" + m.patientId()));
            p.addPart().setName("pseudonym").setValue(new StringType(m.pseudonym()));
            for (String consent : m.consents().split(",")) {
                if (!consent.isBlank()) {
                    p.addPart().setName("consent").setValue(new org.hl7.fhir.r4.model.Reference(consent));
                }
            }
        }
        ConsentInterceptor.skipAllConsentForRequest(request);
        return out;
    }

    /**
     * Bulk Data group-level kick-off: builds a new release of an approved request (a refresh, if there was one) and
     * answers 202 with the status URL in {@code Content-Location}. While a release is building, the same URL again.
     */
    @Operation(name = "$export", type = Group.class, idempotent = true, manualResponse = true)
    public void export(@IdParam IdType id, @OperationParam(name = "_outputFormat") StringType outputFormat,
                       @OperationParam(name = "_type") StringType types,
                       @OperationParam(name = "_since") StringType since, RequestDetails request) {
        VaultPrincipal firm = firm();
        CohortStore.Request r = store.request(id.getIdPart(), firm.orgCode()).orElseThrow(() -> unknown(id));
        String prefer = request.getHeader("Prefer");
        if (prefer == null || !prefer.toLowerCase(Locale.ROOT).contains("respond-async")) {
            throw new InvalidRequestException("A Bulk Data kick-off needs the header 'Prefer: respond-async'");
        }
        if (outputFormat != null && !List.of("application/fhir+ndjson", "application/ndjson", "ndjson")
                .contains(outputFormat.getValue())) {
            throw new InvalidRequestException("_outputFormat: only application/fhir+ndjson is offered");
        }
        if (types != null || since != null) {
            throw new InvalidRequestException("_type and _since are not offered for cohorts: the request's data"
                    + " classes and data period say what a release holds");
        }
        if (r.status() != CohortStore.Status.APPROVED) {
            throw new VaultConflict("Group/" + r.id() + " is " + r.status().name().toLowerCase(Locale.ROOT)
                    + ": only requests approved by the data-access committee are built");
        }
        String base = request.getFhirServerBase();
        CohortStore.Release release = store.startRelease(r.id(), r.groupJson(), clock.instant())
                .map(started -> {
                    builder.submit(new CohortBuilder.Job(r, requests.read(fhir.newJsonParser()
                            .parseResource(Group.class, r.groupJson())), started, base));
                    return started;
                })
                .orElseGet(() -> store.latestRelease(r.id()).orElseThrow());
        CohortExports.accepted(request, CohortExports.statusUrl(base, release.id()),
                "Release " + release.number() + " of Group/" + r.id() + " is building");
    }

    private Parameters decide(IdType id, CohortStore.Status status, StringType reason, RequestDetails request) {
        VaultPrincipal admin = caller();
        if (admin.kind() != VaultPrincipal.Kind.ADMIN) {
            throw unknown(id);
        }
        if (reason == null || reason.getValue() == null || reason.getValue().isBlank()) {
            throw new InvalidRequestException("Give the committee's reason (parameter 'reason')");
        }
        CohortStore.Request r = store.request(id.getIdPart(), null).orElseThrow(() -> unknown(id));
        if (!store.decide(r.id(), status, reason.getValue().strip(), "admin " + admin.subject(), clock.instant())) {
            throw new VaultConflict("Group/" + r.id() + " was already decided");
        }
        Parameters out = new Parameters();
        out.addParameter().setName("status").setValue(new CodeType(status.name().toLowerCase(Locale.ROOT)));
        ConsentInterceptor.skipAllConsentForRequest(request);
        return out;
    }

    /** The request, if the caller may know it: its firm, or the committee. */
    private CohortStore.Request visible(IdType id) {
        VaultPrincipal caller = caller();
        String firm = switch (caller.kind()) {
            case AI_FIRM -> caller.orgCode();
            case ADMIN -> null;
            default -> throw unknown(id);
        };
        return store.request(id.getIdPart(), firm).orElseThrow(() -> unknown(id));
    }

    private Group view(CohortStore.Request r) {
        Group g = fhir.newJsonParser().parseResource(Group.class, r.groupJson());
        g.setId(new IdType("Group", r.id()));
        // Who filed it and when: the committee's queue shows both (a firm sees only its own).
        g.getMeta().setLastUpdated(java.util.Date.from(r.createdAt()));
        g.setManagingEntity(new org.hl7.fhir.r4.model.Reference().setDisplay(r.firm()).setIdentifier(
                new org.hl7.fhir.r4.model.Identifier().setSystem(IdentitySystems.ORGANIZATION).setValue(r.firm())));
        g.addExtension(CohortCodes.STATUS, new CodeType(r.status().name().toLowerCase(Locale.ROOT)));
        if (r.reason() != null) {
            g.addExtension(CohortCodes.STATUS_REASON, new StringType(r.reason()));
        }
        store.latestRelease(r.id()).ifPresent(rel -> {
            Extension e = g.addExtension().setUrl(CohortCodes.RELEASE);
            e.addExtension("number", new IntegerType(rel.number()));
            e.addExtension("status", new CodeType(CohortExports.word(rel.status())));
            e.addExtension("progress", new IntegerType(rel.progress()));
            if (rel.message() != null) {
                e.addExtension("message", new StringType(rel.message()));
            }
            e.addExtension("statusUrl", new UriType("$cohort-status?_jobId=" + rel.id()));
        });
        return g;
    }

    private static VaultPrincipal caller() {
        return VaultPrincipal.current().orElseThrow(() -> new ForbiddenOperationException("Access denied"));
    }

    private static VaultPrincipal firm() {
        VaultPrincipal p = caller();
        if (p.kind() != VaultPrincipal.Kind.AI_FIRM) {
            throw new ForbiddenOperationException("Cohort requests are filed by AI firms");
        }
        return p;
    }

    static ResourceNotFoundException unknown(IdType id) {
        return new ResourceNotFoundException("Resource Group/" + id.getIdPart() + " is not known");
    }
}
