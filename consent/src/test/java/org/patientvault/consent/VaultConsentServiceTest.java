package org.patientvault.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.patientvault.consent.Fx.deny;
import static org.patientvault.consent.Fx.permit;

import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentOutcome;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentContextServices;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentState;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VaultConsentServiceTest {
    static final IConsentContextServices CTX = IConsentContextServices.NULL_IMPL;

    final AtomicReference<Requester> caller = new AtomicReference<>();
    final Map<String, List<Consent>> consents = new HashMap<>();
    final Map<IBaseResource, ResourceOwner> owners = new HashMap<>();
    final List<List<ConsentAuditRecord>> audited = new ArrayList<>();
    final List<Boolean> auditedSuccess = new ArrayList<>();
    final AtomicInteger storeCalls = new AtomicInteger();
    final AtomicInteger resolverCalls = new AtomicInteger();
    VaultConsentService service;

    Observation aliceLabFromBeijing;
    ImagingStudy aliceCt;
    Observation bobLab;

    @BeforeEach
    void setUp() {
        service = new VaultConsentService(
                req -> {
                    resolverCalls.incrementAndGet();
                    return caller.get();
                },
                pid -> {
                    storeCalls.incrementAndGet();
                    return consents.getOrDefault(pid, List.of());
                },
                r -> Optional.ofNullable(owners.get(r)),
                (records, ok) -> {
                    audited.add(records);
                    auditedSuccess.add(ok);
                },
                Clock.fixed(Instant.parse("2025-06-01T10:00:00Z"), ZoneOffset.UTC), ZoneOffset.UTC);
        aliceLabFromBeijing = lab("a1");
        aliceCt = new ImagingStudy();
        aliceCt.setId("ImagingStudy/ct1");
        aliceCt.addModality(new Coding(ConsentCodes.DICOM_SYSTEM, "CT", null));
        bobLab = lab("b1");
        owners.put(aliceLabFromBeijing, ResourceOwner.patient("alice", "hosp-beijing"));
        owners.put(aliceCt, ResourceOwner.patient("alice", "hosp-beijing"));
        owners.put(bobLab, ResourceOwner.patient("bob", "hosp-beijing"));
    }

    static Observation lab(String id) {
        Observation o = new Observation();
        o.setId("Observation/" + id);
        o.addCategory(new CodeableConcept(new Coding(DataClassifier.OBS_CATEGORY, "laboratory", null)));
        return o;
    }

    ConsentOutcome see(Requester who, IBaseResource r) {
        caller.set(who);
        SystemRequestDetails req = new SystemRequestDetails();
        ConsentOutcome o = service.canSeeResource(req, r, CTX);
        service.completeOperationSuccess(req, CTX);
        return o;
    }

    void aliceSharesWithShanghai(ConsentState status) {
        Consent c = Fx.sharing("share", permit().org("hosp-shanghai").period("2025-05-15", "2025-06-14")
                .child(deny().classes("imaging")).build());
        c.setStatus(status);
        consents.put("alice", List.of(c));
    }

    @Test
    void startAndWillSeeProceed() {
        SystemRequestDetails req = new SystemRequestDetails();
        assertThat(service.startOperation(req, CTX)).isSameAs(ConsentOutcome.PROCEED);
        assertThat(service.willSeeResource(req, aliceLabFromBeijing, CTX)).isSameAs(ConsentOutcome.PROCEED);
        assertThat(service.shouldProcessCanSeeResource(req, CTX)).isTrue();
    }

    @Test
    void ownerPatientProceedsOtherPatientIsRejected() {
        assertThat(see(Requester.patient("alice"), aliceLabFromBeijing)).isSameAs(ConsentOutcome.PROCEED);
        assertThat(see(Requester.patient("alice"), bobLab)).isSameAs(ConsentOutcome.REJECT);
        assertThat(audited).extracting(l -> l.get(0).code()).containsExactly("PATIENT_SELF", "REQUESTER_NOT_ALLOWED");
        assertThat(storeCalls).hasValue(0);
    }

    @Test
    void hospitalReadsItsOwnSubmissionsWithoutConsent() {
        assertThat(see(Requester.hospital("hosp-beijing"), bobLab)).isSameAs(ConsentOutcome.PROCEED);
        assertThat(audited.get(0).get(0).code()).isEqualTo("OWN_SUBMISSION");
    }

    @Test
    void otherHospitalNeedsTreatmentSharingAndRevocationTakesEffectOnTheNextRequest() {
        assertThat(see(Requester.hospital("hosp-shanghai"), aliceLabFromBeijing)).isSameAs(ConsentOutcome.REJECT);
        aliceSharesWithShanghai(ConsentState.ACTIVE);
        assertThat(see(Requester.hospital("hosp-shanghai"), aliceLabFromBeijing)).isSameAs(ConsentOutcome.PROCEED);
        assertThat(see(Requester.hospital("hosp-shanghai"), aliceCt)).isSameAs(ConsentOutcome.REJECT);
        assertThat(see(Requester.hospital("hosp-shanghai"), bobLab)).isSameAs(ConsentOutcome.REJECT);
        aliceSharesWithShanghai(ConsentState.INACTIVE);
        assertThat(see(Requester.hospital("hosp-shanghai"), aliceLabFromBeijing)).isSameAs(ConsentOutcome.REJECT);

        ConsentAuditRecord permitted = audited.get(1).get(0);
        assertThat(permitted.effect()).isEqualTo(Effect.PERMIT);
        assertThat(permitted.patientId()).isEqualTo("alice");
        assertThat(permitted.resourceId()).isEqualTo("Observation/a1");
        assertThat(permitted.consentId()).isEqualTo("Consent/share");
        assertThat(permitted.requester().orgId()).isEqualTo("hosp-shanghai");
        assertThat(permitted.time()).isEqualTo(Instant.parse("2025-06-01T10:00:00Z"));
        assertThat(audited.get(2).get(0).provisionPath()).isEqualTo("provision.provision[0]");
        assertThat(audited.get(4).get(0).code()).isEqualTo("NO_APPLICABLE_CONSENT");
    }

    @Test
    void aiFirmNeedsResearchConsentNotSharing() {
        aliceSharesWithShanghai(ConsentState.ACTIVE);
        assertThat(see(Requester.aiFirm("ai-lab"), aliceLabFromBeijing)).isSameAs(ConsentOutcome.REJECT);
        consents.put("alice", List.of(Fx.research("r", permit().anyAi().aiTraining().build())));
        assertThat(see(Requester.aiFirm("ai-lab"), aliceLabFromBeijing)).isSameAs(ConsentOutcome.PROCEED);
        Requester treatingAi = new Requester(RequesterKind.AI_FIRM, null, "ai-lab", null, Purpose.TREATMENT, false);
        assertThat(see(treatingAi, aliceLabFromBeijing)).isSameAs(ConsentOutcome.REJECT);
        Requester abroad = new Requester(RequesterKind.AI_FIRM, null, "ai-lab", null, null, true);
        assertThat(see(abroad, aliceLabFromBeijing)).isSameAs(ConsentOutcome.REJECT);
        assertThat(audited.get(3).get(0).code()).isEqualTo("CROSS_BORDER_NOT_PERMITTED");
    }

    @Test
    void directoryRecordsProceedUnaudited() {
        Organization org = new Organization();
        owners.put(org, ResourceOwner.directory());
        assertThat(see(Requester.anonymous(), org)).isSameAs(ConsentOutcome.PROCEED);
        assertThat(see(Requester.aiFirm("ai-lab"), org)).isSameAs(ConsentOutcome.PROCEED);
        assertThat(audited).isEmpty();
    }

    @Test
    void recordsWithoutPatientOutsideTheDirectoryAreTheSubmittersOnly() {
        org.hl7.fhir.r4.model.Task task = new org.hl7.fhir.r4.model.Task();
        owners.put(task, ResourceOwner.submitterOnly("hosp-beijing"));
        assertThat(see(Requester.hospital("hosp-beijing"), task)).isSameAs(ConsentOutcome.PROCEED);
        assertThat(see(Requester.hospital("hosp-shanghai"), task)).isSameAs(ConsentOutcome.REJECT);
        assertThat(see(Requester.aiFirm("ai-lab"), task)).isSameAs(ConsentOutcome.REJECT);
        assertThat(see(Requester.anonymous(), task)).isSameAs(ConsentOutcome.REJECT);
        owners.put(task, ResourceOwner.submitterOnly(null));
        assertThat(see(Requester.hospital("hosp-beijing"), task)).isSameAs(ConsentOutcome.REJECT);
    }

    @Test
    void undeterminedIsRejected() {
        Observation unknownOwner = lab("u1");
        assertThat(see(Requester.patient("alice"), unknownOwner)).isSameAs(ConsentOutcome.REJECT);
        assertThat(audited.get(0).get(0).code()).isEqualTo("UNDETERMINED");

        VaultConsentService failing = new VaultConsentService(req -> {
            throw new IllegalStateException("no principal");
        }, pid -> List.of(), r -> Optional.of(ResourceOwner.patient("alice", null)), (l, ok) -> audited.add(l));
        SystemRequestDetails req = new SystemRequestDetails();
        assertThat(failing.canSeeResource(req, aliceLabFromBeijing, CTX)).isSameAs(ConsentOutcome.REJECT);

        VaultConsentService storeDown = new VaultConsentService(req2 -> Requester.hospital("hosp-shanghai"), pid -> {
            throw new IllegalStateException("db down");
        }, r -> Optional.of(ResourceOwner.patient("alice", null)), (l, ok) -> audited.add(l));
        assertThat(storeDown.canSeeResource(new SystemRequestDetails(), aliceLabFromBeijing, CTX))
                .isSameAs(ConsentOutcome.REJECT);
    }

    @Test
    void aStoredConsentThatDoesNotParseHidesThePatientsDataRatherThanBeingSkipped() {
        aliceSharesWithShanghai(ConsentState.ACTIVE);
        Consent broken = Fx.sharing("broken", deny().org("hosp-shanghai").build());
        broken.getProvision().addClass_(new Coding(ConsentCodes.DATA_CLASS_SYSTEM, "genome", null));
        consents.put("alice", List.of(consents.get("alice").get(0), broken));
        assertThat(see(Requester.hospital("hosp-shanghai"), aliceLabFromBeijing)).isSameAs(ConsentOutcome.REJECT);
        assertThat(audited.get(0).get(0).code()).isEqualTo("UNDETERMINED");
    }

    @Test
    void aConsentOfAnotherPatientFromTheStoreIsUndetermined() {
        consents.put("alice", List.of(Fx.consent("bobs", "bob", ConsentScope.TREATMENT_SHARING, ConsentState.ACTIVE,
                permit().org("hosp-shanghai").build())));
        assertThat(see(Requester.hospital("hosp-shanghai"), aliceLabFromBeijing)).isSameAs(ConsentOutcome.REJECT);
        assertThat(audited.get(0).get(0).code()).isEqualTo("UNDETERMINED");
    }

    @Test
    void adminAndAnonymousGetNoPatientData() {
        aliceSharesWithShanghai(ConsentState.ACTIVE);
        assertThat(see(Requester.admin(), aliceLabFromBeijing)).isSameAs(ConsentOutcome.REJECT);
        assertThat(see(Requester.anonymous(), aliceLabFromBeijing)).isSameAs(ConsentOutcome.REJECT);
    }

    @Test
    void everyOwnerMustPermit() {
        Observation shared = lab("family");
        owners.put(shared, new ResourceOwner(Set.of("alice", "bob"), "hosp-beijing"));
        aliceSharesWithShanghai(ConsentState.ACTIVE);
        assertThat(see(Requester.hospital("hosp-shanghai"), shared)).isSameAs(ConsentOutcome.REJECT);
        assertThat(audited.get(0)).hasSize(2);
        consents.put("bob", List.of(Fx.consent("bs", "bob", ConsentScope.TREATMENT_SHARING, ConsentState.ACTIVE,
                permit().org("hosp-shanghai").build())));
        assertThat(see(Requester.hospital("hosp-shanghai"), shared)).isSameAs(ConsentOutcome.PROCEED);
    }

    @Test
    void cachesPerRequestAndFlushesOncePerRequest() {
        aliceSharesWithShanghai(ConsentState.ACTIVE);
        caller.set(Requester.hospital("hosp-shanghai"));
        SystemRequestDetails req = new SystemRequestDetails();
        for (int i = 0; i < 5; i++) {
            service.canSeeResource(req, aliceLabFromBeijing, CTX);
            service.canSeeResource(req, aliceCt, CTX);
        }
        assertThat(storeCalls).hasValue(1);
        assertThat(resolverCalls).hasValue(1);
        service.completeOperationFailure(req, new InternalErrorException("boom"), CTX);
        service.completeOperationSuccess(req, CTX);
        assertThat(audited).hasSize(1);
        assertThat(audited.get(0)).hasSize(10);
        assertThat(auditedSuccess).containsExactly(false);
    }

    @Test
    void auditSinkFailureDoesNotEscape() {
        VaultConsentService s = new VaultConsentService(req -> Requester.patient("alice"), pid -> List.of(),
                r -> Optional.of(ResourceOwner.patient("alice", null)), (l, ok) -> {
                    throw new IllegalStateException("ledger down");
                });
        SystemRequestDetails req = new SystemRequestDetails();
        assertThat(s.canSeeResource(req, aliceLabFromBeijing, CTX)).isSameAs(ConsentOutcome.PROCEED);
        s.completeOperationSuccess(req, CTX);
        assertThat(req.getUserData()).isNotNull();
    }
}
