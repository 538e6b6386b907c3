package org.patientvault.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.patientvault.consent.Fx.deny;
import static org.patientvault.consent.Fx.permit;

import java.util.List;
import java.util.function.Consumer;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentState;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

class ConsentValidatorTest {

    static Consent valid() {
        return Fx.sharing("c1", permit().org("hosp-shanghai").period("2025-05-15", "2025-06-14")
                .child(deny().classes("imaging").modality("CT")).build());
    }

    static List<ConsentValidator.Issue> issuesAfter(Consumer<Consent> change) {
        Consent c = valid();
        change.accept(c);
        return ConsentValidator.validate(c, "alice");
    }

    static void assertSingleIssue(Consumer<Consent> change, String location, String type, String messagePart) {
        List<ConsentValidator.Issue> issues = issuesAfter(change);
        assertThat(issues).as(issues.toString()).hasSize(1);
        assertThat(issues.get(0).location()).isEqualTo(location);
        assertThat(issues.get(0).type()).isEqualTo(type);
        assertThat(issues.get(0).message()).contains(messagePart);
    }

    @Test
    void validTreatmentAndResearchConsentsHaveNoIssuesAndParse() {
        assertThat(ConsentValidator.validate(valid(), "alice")).isEmpty();
        Consent research = Fx.research("r1", permit().anyAi().aiTraining().crossBorder(false)
                .child(deny().org("ai-lab")).build());
        assertThat(ConsentValidator.validate(research, "alice")).isEmpty();
        assertThat(ConsentModel.parse(research).scope()).isEqualTo(ConsentScope.RESEARCH);
    }

    @Test
    void patientMustBeSelf() {
        assertSingleIssue(c -> c.setPatient(new Reference("Patient/bob")), "Consent.patient", "business-rule",
                "expected Patient/alice");
        assertSingleIssue(c -> c.setPatient(null), "Consent.patient", "required", "Patient/alice");
        assertSingleIssue(c -> c.getPerformer().set(0, new Reference("Organization/x")), "Consent.performer[0]",
                "business-rule", "Patient/alice");
    }

    @Test
    void statusMustBeOneAPatientMaySet() {
        assertSingleIssue(c -> c.setStatus(null), "Consent.status", "required", "required");
        assertSingleIssue(c -> c.setStatus(ConsentState.PROPOSED), "Consent.status", "code-invalid", "proposed");
        assertThat(issuesAfter(c -> c.setStatus(ConsentState.INACTIVE))).isEmpty();
    }

    @Test
    void scopeMustBeOneOfTheTwo() {
        assertSingleIssue(c -> c.setScope(null), "Consent.scope", "required", "patient-privacy or research");
        assertSingleIssue(c -> c.setScope(new CodeableConcept(new Coding(ConsentCodes.SCOPE_SYSTEM, "adr", null))),
                "Consent.scope", "code-invalid", "patient-privacy or research");
    }

    @Test
    void categoryAndPolicyRequired() {
        assertSingleIssue(c -> c.getCategory().clear(), "Consent.category", "required", "59284-0");
        assertSingleIssue(c -> c.getCategoryFirstRep().getCodingFirstRep().setCode("nope"), "Consent.category",
                "code-invalid", "no known category");
        assertSingleIssue(c -> {
            c.setPolicyRule(null);
            c.getPolicy().clear();
        }, "Consent", "invariant", "ppc-1");
    }

    @Test
    void provisionAndTypeRequired() {
        assertSingleIssue(c -> c.setProvision(null), "Consent.provision", "required", "provision");
        assertSingleIssue(c -> c.getProvision().getProvisionFirstRep().setType(null), "Consent.provision.provision[0].type",
                "required", "permit or deny");
    }

    @Test
    void periodsMustBeSane() {
        assertSingleIssue(c -> c.getProvision().getPeriod().setEndElement(new org.hl7.fhir.r4.model.DateTimeType("2025-05-01")),
                "Consent.provision.period", "invariant", "must not be after end");
        assertSingleIssue(c -> c.getProvision().setDataPeriod(new org.hl7.fhir.r4.model.Period()
                        .setStartElement(new org.hl7.fhir.r4.model.DateTimeType("2024-02-01"))
                        .setEndElement(new org.hl7.fhir.r4.model.DateTimeType("2024-01"))),
                "Consent.provision.dataPeriod", "invariant", "2024-02-01");
        assertThat(issuesAfter(c -> c.getProvision().setDataPeriod(new org.hl7.fhir.r4.model.Period()
                .setStartElement(new org.hl7.fhir.r4.model.DateTimeType("2024-01-31"))
                .setEndElement(new org.hl7.fhir.r4.model.DateTimeType("2024-01"))))).isEmpty();
    }

    @Test
    void onlyKnownCodes() {
        assertSingleIssue(c -> c.getProvision().addPurpose(new Coding("http://example.org", "x", null)),
                "Consent.provision.purpose[0]", "code-invalid", "unknown purpose");
        assertSingleIssue(c -> c.getProvision().addClass_(new Coding(ConsentCodes.DATA_CLASS_SYSTEM, "genomics", null)),
                "Consent.provision.class[0].code", "code-invalid", "genomics");
        assertSingleIssue(c -> c.getProvision().addClass_(new Coding("http://hl7.org/fhir/resource-types", "Observation", null)),
                "Consent.provision.class[0].system", "code-invalid", ConsentCodes.DATA_CLASS_SYSTEM);
        assertSingleIssue(c -> c.getProvision().getProvisionFirstRep().getCodeFirstRep().getCodingFirstRep().setCode("XX"),
                "Consent.provision.provision[0].code[0].coding[0].code", "code-invalid", "XX");
        assertSingleIssue(c -> c.getProvision().getProvisionFirstRep().getCodeFirstRep().getCodingFirstRep()
                        .setSystem("http://snomed.info/sct"),
                "Consent.provision.provision[0].code[0].coding[0].system", "code-invalid", ConsentCodes.DICOM_SYSTEM);
    }

    @Test
    void purposeMustFitScope() {
        assertSingleIssue(c -> c.getProvision().addPurpose(new Coding(ConsentCodes.PURPOSE_SYSTEM, "ai-training", null)),
                "Consent.provision.purpose[0]", "business-rule", "separate consent per purpose");
    }

    @Test
    void modalityNeedsImaging() {
        assertSingleIssue(c -> c.getProvision().getProvisionFirstRep().getClass_().get(0).setCode("laboratory"),
                "Consent.provision.provision[0].code[0]", "business-rule", "needs data class imaging");
    }

    @Test
    void crossBorderMustBeBoolean() {
        assertSingleIssue(c -> c.getProvision().addExtension(ConsentCodes.CROSS_BORDER_EXTENSION, new StringType("yes")),
                "Consent.provision.extension('cross-border').value", "value", "valueBoolean");
    }

    @Test
    void actorsMustBeRecipientsOfKnownForm() {
        assertSingleIssue(c -> c.getProvision().getActorFirstRep().setRole(null), "Consent.provision.actor[0].role",
                "required", "IRCP");
        assertSingleIssue(c -> c.getProvision().getActorFirstRep().getReference().setIdentifier(
                        new Identifier().setSystem("urn:oid:1.2.3").setValue("x")),
                "Consent.provision.actor[0].reference.identifier", "value", ConsentCodes.ORG_SYSTEM);
        assertSingleIssue(c -> c.getProvision().getActorFirstRep().setReference(new Reference("Practitioner/p1")),
                "Consent.provision.actor[0].reference.reference", "value", "Organization/<id>");
        assertThat(issuesAfter(c -> c.getProvision().getActorFirstRep().setReference(new Reference("Organization/o1"))))
                .isEmpty();
    }

    @Test
    void anyAiFirmOnlyInResearch() {
        assertSingleIssue(c -> c.getProvision().getActorFirstRep().getReference().setIdentifier(new Identifier()
                        .setSystem(ConsentCodes.RECIPIENT_GROUP_SYSTEM).setValue(ConsentCodes.ANY_AI_FIRM)),
                "Consent.provision.actor[0].reference", "business-rule", "research");
    }

    @Test
    void permitMustNameARecipient() {
        assertSingleIssue(c -> c.getProvision().getActor().clear(), "Consent.provision.actor", "business-rule",
                "name its recipient");
    }

    @Test
    void unsupportedElementsAreRejected() {
        assertSingleIssue(c -> c.getProvision().addData().setReference(new Reference("Observation/o1")),
                "Consent.provision.data", "not-supported", "not supported");
        assertSingleIssue(c -> c.getProvision().addSecurityLabel(new Coding("http://x", "R", null)),
                "Consent.provision.securityLabel", "not-supported", "not supported");
    }

    @Test
    void reportsEveryIssueAtOnce() {
        Consent c = valid();
        c.setPatient(new Reference("Patient/bob"));
        c.setStatus(ConsentState.REJECTED);
        c.getProvision().getActor().clear();
        assertThat(ConsentValidator.validate(c, "alice")).extracting(ConsentValidator.Issue::location)
                .containsExactlyInAnyOrder("Consent.status", "Consent.patient", "Consent.provision.actor");
    }

    @Test
    void issuesBecomeAnOperationOutcome() {
        Consent c = valid();
        c.setPatient(new Reference("Patient/bob"));
        c.getProvision().getProvisionFirstRep().setType(null);
        org.hl7.fhir.r4.model.OperationOutcome oo = ConsentValidator.toOperationOutcome(ConsentValidator.validate(c, "alice"));
        assertThat(oo.getIssue()).hasSize(2);
        assertThat(oo.getIssue()).extracting(i -> i.getCode().toCode()).containsExactly("business-rule", "required");
        assertThat(oo.getIssue()).extracting(i -> i.getExpression().get(0).getValue())
                .containsExactly("Consent.patient", "Consent.provision.provision[0].type");
        assertThat(oo.getIssueFirstRep().getSeverity().toCode()).isEqualTo("error");
        assertThat(ConsentValidator.toOperationOutcome(List.of()).getIssueFirstRep().getSeverity().toCode())
                .isEqualTo("information");
    }

    @Test
    void nullInputsAreTyped() {
        assertThat(ConsentValidator.validate(null, "alice")).extracting(ConsentValidator.Issue::type)
                .containsExactly("required");
        assertThatThrownBy(() -> ConsentValidator.validate(valid(), " ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("patientId");
    }
}
