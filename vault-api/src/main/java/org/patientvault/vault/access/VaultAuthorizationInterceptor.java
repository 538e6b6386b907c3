package org.patientvault.vault.access;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleTester;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.IdType;
import org.patientvault.vault.caller.ResourceOwners;
import org.patientvault.vault.caller.VaultPrincipal;

/**
 * What each kind of caller may do on {@code /fhir} (DESIGN §4). Default deny: every rule list ends in
 * {@code denyAll()}. Which records a hospital or AI firm may actually see is then narrowed per resource by the consent
 * service (the only place consent is decided); patients are additionally narrowed to their compartment by
 * {@link PatientSearchNarrowing}.
 */
public class VaultAuthorizationInterceptor extends AuthorizationInterceptor {

    public VaultAuthorizationInterceptor() {
        super(PolicyEnum.DENY);
    }

    /** Binary is in no compartment: it belongs to the patient its securityContext names. */
    private static IAuthRuleTester ownBinary(IdType self) {
        return new IAuthRuleTester() {
            @Override
            public boolean matchesOutput(RuleTestRequest request) {
                return request.resource instanceof Binary b && b.hasSecurityContext()
                        && self.getValue().equals(b.getSecurityContext().getReferenceElement()
                        .toUnqualifiedVersionless().getValue());
            }
        };
    }

    @Override
    public List<IAuthRule> buildRuleList(RequestDetails request) {
        if (request instanceof SystemRequestDetails) {
            // The vault's own internal reads and writes (linking, provenance, audit) are not caller requests.
            return new RuleBuilder().allowAll("internal").build();
        }
        RuleBuilder rules = new RuleBuilder();
        rules.allow("capabilities").metadata();
        Optional<VaultPrincipal> principal = VaultPrincipal.current();
        if (principal.isEmpty()) {
            return rules.denyAll("no authenticated caller").build();
        }
        VaultPrincipal p = principal.get();
        switch (p.kind()) {
            case PATIENT -> {
                IdType self = new IdType("Patient", p.patientId());
                for (String type : ResourceOwners.PUBLIC_DIRECTORY) {
                    rules.allow("directory " + type).read().resourcesOfType(type).withAnyId().andThen();
                }
                rules.allow("own compartment").read().allResources().inCompartment("Patient", self).andThen()
                        .allow("own consents").write().resourcesOfType("Consent").inCompartment("Patient", self)
                        .andThen()
                        .allow("own binaries").read().resourcesOfType("Binary").withAnyId()
                        .withTester(ownBinary(self)).andThen()
                        .allow("explain own consents").operation().named("$consent-explain").onInstance(self)
                        .andAllowAllResponses().andThen()
                        // Claim candidates: only on their own Patient; see identity.ClaimService.
                        .allow("own claim candidates").operation().named("$claim-candidates").onInstance(self)
                        .andAllowAllResponses().andThen()
                        .allow("claim").operation().named("$claim").onInstance(self).andAllowAllResponses().andThen()
                        .allow("reject claim").operation().named("$reject").onInstance(self).andAllowAllResponses()
                        .andThen()
                        .allow("own everything").operation().named("$everything").onInstance(self)
                        .andRequireExplicitResponseAuthorization().andThen()
                        .allow("transactions of allowed entries").transaction().withAnyOperation()
                        .andApplyNormalRules().andThen();
            }
            case HOSPITAL -> {
                rules.deny("no writes to consents").write().resourcesOfType("Consent").withAnyId().andThen()
                        .deny("no writes to audit").write().resourcesOfType("AuditEvent").withAnyId().andThen()
                        .deny("no deletes of audit").delete().resourcesOfType("AuditEvent").withAnyId().andThen()
                        // The audit trail names other callers' requests; hospitals get their scorecards instead.
                        .deny("no audit reads").read().resourcesOfType("AuditEvent").withAnyId().andThen()
                        .deny("no search or profile definitions").write().resourcesOfType("SearchParameter")
                        .withAnyId().andThen()
                        .deny("no profile definitions").write().resourcesOfType("StructureDefinition")
                        .withAnyId().andThen()
                        .deny("no operation definitions").write().resourcesOfType("OperationDefinition")
                        .withAnyId().andThen()
                        .deny("no subscriptions").write().resourcesOfType("Subscription").withAnyId().andThen()
                        .allow("submit").write().allResources().withAnyId().andThen()
                        .allow("delete own").delete().allResources().withAnyId().andThen()
                        .allow("read own and consented").read().allResources().withAnyId().andThen()
                        // Conditional writes reach HAPI only inside a submission, where SubmissionEntries confined their
                        // matching to this hospital's own records (AccessGate refuses them anywhere else).
                        .allow("conditional create in submissions").createConditional().allResources().andThen()
                        .allow("conditional update in submissions").updateConditional().allResources().andThen()
                        .allow("submissions").transaction().withAnyOperation().andApplyNormalRules().andThen()
                        // Which Organization (only its own) is decided by QualityScorecardProvider: 404 otherwise.
                        .allow("quality scorecard").operation().named("$quality-scorecard").onInstancesOfType(
                                org.hl7.fhir.r4.model.Organization.class).andAllowAllResponses().andThen();
            }
            case AI_FIRM -> {
                // Cohort requests: which ones (only the firm's own) is decided by the cohort package's queries.
                rules.allow("organization directory").read().resourcesOfType("Organization").withAnyId().andThen()
                        .allow("own cohort requests").read().resourcesOfType("Group").withAnyId().andThen()
                        .allow("file cohort requests").create().resourcesOfType("Group").withAnyId().andThen();
                for (String op : AccessPolicy.FIRM_COHORT_OPERATIONS) {
                    rules.allow("cohort " + op).operation().named(op).onInstancesOfType(
                            org.hl7.fhir.r4.model.Group.class).andAllowAllResponses().andThen();
                }
                for (String op : AccessPolicy.FIRM_SERVER_OPERATIONS) {
                    rules.allow("cohort " + op).operation().named(op).onServer().andAllowAllResponses().andThen();
                }
            }
            case ADMIN -> {
                for (String type : AccessPolicy.OPERATIONAL_TYPES) {
                    rules.allow("operate " + type).read().resourcesOfType(type).withAnyId().andThen()
                            .allow("maintain " + type).write().resourcesOfType(type).withAnyId().andThen();
                }
                for (String op : AccessPolicy.COMMITTEE_COHORT_OPERATIONS) {
                    rules.allow("cohort " + op).operation().named(op).onInstancesOfType(
                            org.hl7.fhir.r4.model.Group.class).andAllowAllResponses().andThen();
                }
                rules.allow("cohort requests").read().resourcesOfType("Group").withAnyId().andThen()
                        .allow("audit trail").read().resourcesOfType("AuditEvent").withAnyId().andThen()
                        .allow("explain consents").operation().named("$consent-explain").onInstancesOfType(
                                org.hl7.fhir.r4.model.Patient.class).andAllowAllResponses().andThen()
                        .allow("quality scorecards").operation().named("$quality-scorecard").onInstancesOfType(
                                org.hl7.fhir.r4.model.Organization.class).andAllowAllResponses().andThen()
                        .allow("admin batches").transaction().withAnyOperation().andApplyNormalRules().andThen();
            }
        }
        return rules.denyAll("default deny").build();
    }
}
