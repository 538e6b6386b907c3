package org.patientvault.consent;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentOutcome;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentContextServices;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentService;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Consent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place consent is enforced: a HAPI {@link IConsentService}, registered through HAPI's
 * {@code ConsentInterceptor} next to the authorization interceptors.
 * <ul>
 * <li>{@link #startOperation}: PROCEED. Nothing about a request as a whole justifies AUTHORIZED (which would skip
 * every per-resource check).</li>
 * <li>{@link #canSeeResource}: decides, before paging and totals, so hidden means hidden. Resources without a patient
 * owner: PROCEED for directory records and for their submitting hospital, REJECT otherwise (closed world). The owner
 * patient: PROCEED. A hospital reading what it submitted: PROCEED. Any other hospital:
 * treatment-sharing decision (or research, if it declared AI training). An AI firm: research decision for
 * AI_TRAINING. Every owner patient must permit. Admin, anonymous, other patients and anything undetermined
 * (unknown ownership, resolver/store failure, a consent that does not parse): REJECT.</li>
 * <li>{@link #willSeeResource}: PROCEED (masking, if any, belongs to a later layer).</li>
 * <li>{@link #completeOperationSuccess}/{@link #completeOperationFailure}: hands the request's decisions to the
 * {@link ConsentAuditSink}.</li>
 * </ul>
 * Per request it caches the requester, the decision time and each patient's parsed consents in the request's user
 * data, so a search of N resources costs one resolver call, one store call per patient and N engine decisions.
 * Nothing is cached across requests, so a revocation applies to the very next request. Thread-safe: it holds no
 * mutable state of its own.
 */
public final class VaultConsentService implements IConsentService {
    private static final Logger LOG = LoggerFactory.getLogger(VaultConsentService.class);
    private static final String KEY = VaultConsentService.class.getName() + ".";
    private static final String KEY_REQUESTER = KEY + "requester";
    private static final String KEY_TIME = KEY + "time";
    private static final String KEY_CONSENTS = KEY + "consents";
    private static final String KEY_AUDIT = KEY + "audit";

    private final ConsentRequesterResolver resolver;
    private final ConsentStore store;
    private final ResourceOwnership ownership;
    private final ConsentAuditSink audit;
    private final Clock clock;
    private final ZoneId zone;

    public VaultConsentService(ConsentRequesterResolver resolver, ConsentStore store, ResourceOwnership ownership,
                               ConsentAuditSink audit) {
        this(resolver, store, ownership, audit, Clock.systemUTC(), ZoneOffset.UTC);
    }

    /**
     * @param clock source of the decision time (one instant per request)
     * @param zone  zone in which partial dates in consents and resources are resolved
     */
    public VaultConsentService(ConsentRequesterResolver resolver, ConsentStore store, ResourceOwnership ownership,
                               ConsentAuditSink audit, Clock clock, ZoneId zone) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.store = Objects.requireNonNull(store, "store");
        this.ownership = Objects.requireNonNull(ownership, "ownership");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    /**
     * A patient's own requests skip the per-resource checks: the app's authorization rules and search narrowing,
     * registered beside this service, already confine a patient to their own compartment, and consent governs only
     * what others see. Skipping is also what lets the owner use {@code _summary=count} and totals, which HAPI refuses
     * whenever per-resource checks run (a count cannot be filtered). Everyone else proceeds to {@link #canSeeResource}.
     */
    @Override
    public ConsentOutcome startOperation(RequestDetails request, IConsentContextServices ctx) {
        Requester r = requester(request);
        return r != null && r.kind() == RequesterKind.PATIENT ? ConsentOutcome.AUTHORIZED : ConsentOutcome.PROCEED;
    }

    @Override
    public boolean shouldProcessCanSeeResource(RequestDetails request, IConsentContextServices ctx) {
        return true;
    }

    @Override
    public ConsentOutcome canSeeResource(RequestDetails request, IBaseResource resource, IConsentContextServices ctx) {
        if (resource == null) {
            return ConsentOutcome.PROCEED;
        }
        Optional<ResourceOwner> owner;
        try {
            owner = ownership.ownerOf(resource);
        } catch (RuntimeException e) {
            LOG.warn("consent: ownership lookup failed for a {}: {}", resource.fhirType(), e.getClass().getSimpleName());
            owner = null;
        }
        String resourceId = resourceId(resource);
        if (owner == null || owner.isEmpty()) {
            record(request, null, resourceId, null, Effect.DENY, "UNDETERMINED", null, null,
                    "denied: the resource's owner could not be determined");
            return ConsentOutcome.REJECT;
        }
        if (owner.get().patientIds().isEmpty()) {
            return withoutPatient(request, owner.get());
        }
        Requester requester = requester(request);
        Instant time = time(request);
        boolean allPermit = true;
        for (String patientId : owner.get().patientIds()) {
            allPermit &= decideFor(request, requester, time, resource, resourceId, patientId, owner.get());
        }
        return allPermit ? ConsentOutcome.PROCEED : ConsentOutcome.REJECT;
    }

    /**
     * Closed world: a record with no patient owner is shown to everyone only if it is a directory record; otherwise
     * only to the hospital that submitted it (a Task, Device or Provenance naming no patient may still describe one).
     */
    private ConsentOutcome withoutPatient(RequestDetails request, ResourceOwner owner) {
        if (owner.publicDirectory() || isWrite(request)) {
            // A write's own outcome: who may write was decided before HAPI ran it (the vault's access gate and
            // authorization rules), and inside a transaction an outcome is checked before HAPI resolves its urn:uuid
            // references, so its owner is not known yet. Rejecting it here would make HAPI drop the written version
            // (a record stored without its version row), not hide anything.
            return ConsentOutcome.PROCEED;
        }
        Requester requester = requester(request);
        boolean submitter = requester != null && requester.kind() == RequesterKind.HOSPITAL
                && owner.submittingOrgId() != null && owner.submittingOrgId().equals(requester.orgId());
        return submitter ? ConsentOutcome.PROCEED : ConsentOutcome.REJECT;
    }

    private static boolean isWrite(RequestDetails request) {
        RestOperationTypeEnum op = request == null ? null : request.getRestOperationType();
        return op == RestOperationTypeEnum.CREATE || op == RestOperationTypeEnum.UPDATE
                || op == RestOperationTypeEnum.DELETE || op == RestOperationTypeEnum.TRANSACTION
                || op == RestOperationTypeEnum.BATCH;
    }

    private boolean decideFor(RequestDetails request, Requester requester, Instant time, IBaseResource resource,
                              String resourceId, String patientId, ResourceOwner owner) {
        if (requester == null) {
            record(request, null, resourceId, patientId, Effect.DENY, "UNDETERMINED", null, null,
                    "denied: the requester could not be determined");
            return false;
        }
        switch (requester.kind()) {
            case PATIENT -> {
                if (owner.patientIds().contains(requester.patientId())) {
                    record(request, requester, resourceId, patientId, Effect.PERMIT, "PATIENT_SELF", null, null,
                            "permitted: the patient's own record");
                    return true;
                }
                record(request, requester, resourceId, patientId, Effect.DENY, "REQUESTER_NOT_ALLOWED", null, null,
                        "denied: patients cannot read other patients' records");
                return false;
            }
            case HOSPITAL -> {
                if (requester.orgId().equals(owner.submittingOrgId())) {
                    record(request, requester, resourceId, patientId, Effect.PERMIT, "OWN_SUBMISSION", null, null,
                            "permitted: submitted by this hospital");
                    return true;
                }
                Purpose purpose = requester.purpose() == null ? Purpose.TREATMENT : requester.purpose();
                return engineDecision(request, requester, RecipientKind.HOSPITAL, purpose, time, resource, resourceId,
                        patientId);
            }
            case AI_FIRM -> {
                if (requester.purpose() != null && requester.purpose() != Purpose.AI_TRAINING) {
                    record(request, requester, resourceId, patientId, Effect.DENY, "REQUESTER_NOT_ALLOWED", null, null,
                            "denied: an AI firm can only use data for AI training");
                    return false;
                }
                return engineDecision(request, requester, RecipientKind.AI_FIRM, Purpose.AI_TRAINING, time, resource,
                        resourceId, patientId);
            }
            default -> {
                record(request, requester, resourceId, patientId, Effect.DENY, "REQUESTER_NOT_ALLOWED", null, null,
                        "denied: " + requester.kind().name().toLowerCase() + " callers have no consent-based access");
                return false;
            }
        }
    }

    private boolean engineDecision(RequestDetails request, Requester requester, RecipientKind kind, Purpose purpose,
                                   Instant time, IBaseResource resource, String resourceId, String patientId) {
        List<ConsentPolicy> policies = consents(request, patientId);
        if (policies == null) {
            record(request, requester, resourceId, patientId, Effect.DENY, "UNDETERMINED", null, null,
                    "denied: the patient's consents could not be loaded or parsed");
            return false;
        }
        ResourceFacts facts;
        try {
            facts = DataClassifier.classify(resource, zone);
        } catch (RuntimeException e) {
            record(request, requester, resourceId, patientId, Effect.DENY, "UNDETERMINED", null, null,
                    "denied: the resource could not be classified");
            return false;
        }
        Recipient recipient = new Recipient(kind, requester.orgId(), requester.orgReference());
        Decision d = ConsentEngine.decide(policies, new AccessRequest(recipient, purpose, time, facts,
                requester.crossBorder()));
        record(request, requester, resourceId, patientId, d.effect(), d.code().name(), d.consentId(),
                d.provisionPath(), d.reason());
        return d.permitted();
    }

    @Override
    public ConsentOutcome willSeeResource(RequestDetails request, IBaseResource resource, IConsentContextServices ctx) {
        return ConsentOutcome.PROCEED;
    }

    @Override
    public void completeOperationSuccess(RequestDetails request, IConsentContextServices ctx) {
        flush(request, true);
    }

    @Override
    public void completeOperationFailure(RequestDetails request, BaseServerResponseException exception,
                                         IConsentContextServices ctx) {
        flush(request, false);
    }

    private void flush(RequestDetails request, boolean succeeded) {
        if (request == null) {
            return;
        }
        @SuppressWarnings("unchecked")
        List<ConsentAuditRecord> records = (List<ConsentAuditRecord>) request.getUserData().remove(KEY_AUDIT);
        if (records == null || records.isEmpty()) {
            return;
        }
        try {
            audit.record(List.copyOf(records), succeeded);
        } catch (RuntimeException e) {
            LOG.error("consent: audit sink failed to record {} decisions: {}", records.size(),
                    e.getClass().getSimpleName());
        }
    }

    private void record(RequestDetails request, Requester requester, String resourceId, String patientId,
                        Effect effect, String code, String consentId, String path, String reason) {
        if (request == null) {
            return;
        }
        @SuppressWarnings("unchecked")
        List<ConsentAuditRecord> records = (List<ConsentAuditRecord>) request.getUserData()
                .computeIfAbsent(KEY_AUDIT, k -> new ArrayList<ConsentAuditRecord>());
        records.add(new ConsentAuditRecord(time(request), requester, resourceId, patientId, effect, code, consentId,
                path, reason));
    }

    private Requester requester(RequestDetails request) {
        Map<Object, Object> data = request.getUserData();
        Object cached = data.get(KEY_REQUESTER);
        if (cached instanceof Requester r) {
            return r;
        }
        if (cached != null) {
            return null; // resolution already failed for this request
        }
        Requester r;
        try {
            r = resolver.resolve(request);
        } catch (RuntimeException e) {
            LOG.warn("consent: requester resolution failed: {}", e.getClass().getSimpleName());
            r = null;
        }
        data.put(KEY_REQUESTER, r == null ? Boolean.FALSE : r);
        return r;
    }

    private Instant time(RequestDetails request) {
        return (Instant) request.getUserData().computeIfAbsent(KEY_TIME, k -> clock.instant());
    }

    /** The patient's parsed consents for this request, or null when they cannot be loaded or parsed. */
    private List<ConsentPolicy> consents(RequestDetails request, String patientId) {
        @SuppressWarnings("unchecked")
        Map<String, Object> byPatient = (Map<String, Object>) request.getUserData()
                .computeIfAbsent(KEY_CONSENTS, k -> new HashMap<String, Object>());
        Object cached = byPatient.get(patientId);
        if (cached != null) {
            return cached instanceof List<?> l ? castPolicies(l) : null;
        }
        List<ConsentPolicy> policies;
        try {
            List<Consent> resources = store.currentConsents(patientId);
            if (resources == null) {
                throw new IllegalStateException("ConsentStore returned null");
            }
            policies = ConsentModel.parseAll(resources, zone);
            for (ConsentPolicy p : policies) {
                if (!patientId.equals(p.patientId())) {
                    // The store broke its contract; deciding on someone else's consent could widen access.
                    LOG.warn("consent: the store returned a consent of another patient; treating as undetermined");
                    policies = null;
                    break;
                }
            }
        } catch (ConsentParseException e) {
            LOG.warn("consent: a stored consent of a patient does not parse at {}", e.location());
            policies = null;
        } catch (RuntimeException e) {
            LOG.warn("consent: loading a patient's consents failed: {}", e.getClass().getSimpleName());
            policies = null;
        }
        byPatient.put(patientId, policies == null ? Boolean.FALSE : policies);
        return policies;
    }

    @SuppressWarnings("unchecked")
    private static List<ConsentPolicy> castPolicies(List<?> l) {
        return (List<ConsentPolicy>) l;
    }

    private static String resourceId(IBaseResource resource) {
        IIdType id = resource.getIdElement();
        if (id == null || !id.hasIdPart()) {
            return resource.fhirType() + "/(no id)";
        }
        return resource.fhirType() + "/" + id.getIdPart();
    }
}
