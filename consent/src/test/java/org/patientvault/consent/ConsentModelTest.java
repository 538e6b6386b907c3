package org.patientvault.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.patientvault.consent.Fx.deny;
import static org.patientvault.consent.Fx.permit;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class ConsentModelTest {

    @Test
    void parsesTheWholeTree() {
        Consent c = Fx.research("r1", permit().anyAi().org("ai-lab").aiTraining().period("2025-01-01", "2025-12-31")
                .child(deny().classes("imaging").modality("CT", "MR").dataPeriod("2020", "2021-06").crossBorder(true))
                .build());
        c.setId("Consent/r1/_history/3");
        ConsentPolicy p = ConsentModel.parse(c);
        assertThat(p.id()).isEqualTo("Consent/r1");
        assertThat(p.versionId()).isEqualTo("3");
        assertThat(p.patientId()).isEqualTo("alice");
        Provision root = p.root();
        assertThat(root.type()).isEqualTo(Effect.PERMIT);
        assertThat(root.anyAiFirm()).isTrue();
        assertThat(root.actorIds()).containsExactly("ai-lab");
        assertThat(root.purposes()).containsExactly(Purpose.AI_TRAINING);
        assertThat(root.periodStart()).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
        assertThat(root.periodEnd()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        Provision child = root.children().get(0);
        assertThat(child.path()).isEqualTo("provision.provision[0]");
        assertThat(child.dataClasses()).containsExactly(DataClass.IMAGING);
        assertThat(child.modalities()).containsExactlyInAnyOrder("CT", "MR");
        assertThat(child.dataPeriodStart()).isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
        assertThat(child.dataPeriodEnd()).isEqualTo(Instant.parse("2021-07-01T00:00:00Z"));
        assertThat(child.crossBorder()).isTrue();
        // specificity: actor 2 + purpose + period (inherited) + class + modality + dataPeriod + cross-border
        assertThat(root.specificity()).isEqualTo(4);
        assertThat(child.specificity()).isEqualTo(8);
        assertThat(child.describe()).contains("deny").contains("CT").contains("cross-border only");
    }

    @Test
    void partialDatesResolveInTheGivenZone() {
        Consent c = Fx.sharing("s1", permit().org("h").period("2025-06-01", "2025-06-01").build());
        Provision shanghai = ConsentModel.parse(c, ZoneId.of("Asia/Shanghai")).root();
        assertThat(shanghai.periodStart()).isEqualTo(Instant.parse("2025-05-31T16:00:00Z"));
        assertThat(shanghai.periodEnd()).isEqualTo(Instant.parse("2025-06-01T16:00:00Z"));
    }

    @Test
    void literalOrganizationReferenceMatchesTheRecipientsReference() {
        ConsentPolicy p = ConsentModel.parse(Fx.sharing("s1", permit().orgRef("Organization/o-123").build()));
        AccessRequest viaRef = new AccessRequest(new Recipient(RecipientKind.HOSPITAL, "hosp-x", "Organization/o-123"),
                Purpose.TREATMENT, Instant.parse("2025-01-01T00:00:00Z"), ResourceFacts.of(DataClass.LABORATORY, null),
                false);
        AccessRequest other = new AccessRequest(new Recipient(RecipientKind.HOSPITAL, "hosp-x", "Organization/o-9"),
                Purpose.TREATMENT, viaRef.time(), viaRef.facts(), false);
        assertThat(ConsentEngine.decide(List.of(p), viaRef).permitted()).isTrue();
        assertThat(ConsentEngine.decide(List.of(p), other).permitted()).isFalse();
    }

    @Test
    void unsavedConsentsGetPositionalIds() {
        List<ConsentPolicy> ps = ConsentModel.parseAll(List.of(Fx.sharing(null, permit().org("h").build()),
                Fx.sharing(null, deny().org("h").build())));
        assertThat(ps).extracting(ConsentPolicy::id).containsExactly("Consent/#0", "Consent/#1");
    }

    @Test
    void backdropIsOnlyAnUnconstrainedRootDenyWithPermits() {
        assertThat(ConsentModel.parse(Fx.sharing("a", deny().child(permit().org("h")).build())).rootIsBackdrop()).isTrue();
        assertThat(ConsentModel.parse(Fx.sharing("b", deny().org("h").child(permit().classes("laboratory")).build()))
                .rootIsBackdrop()).isFalse();
        assertThat(ConsentModel.parse(Fx.sharing("c", deny().classes("imaging").build())).rootIsBackdrop()).isFalse();
    }

    @Test
    void rejectsWhatItCannotRepresentWithLocation() {
        Consent noType = Fx.sharing("x", permit().org("h").child(deny()).build());
        noType.getProvision().getProvisionFirstRep().setType(null);
        assertThatThrownBy(() -> ConsentModel.parse(noType)).isInstanceOf(ConsentParseException.class)
                .hasMessageContaining("Consent.provision.provision[0].type");

        Consent data = Fx.sharing("x", permit().org("h").build());
        data.getProvision().addData().setReference(new Reference("Observation/1"));
        assertThatThrownBy(() -> ConsentModel.parse(data)).isInstanceOf(ConsentParseException.class)
                .extracting(e -> ((ConsentParseException) e).location()).isEqualTo("Consent.provision.data");

        Consent code = Fx.sharing("x", permit().org("h").build());
        code.getProvision().addClass_(new Coding(ConsentCodes.DATA_CLASS_SYSTEM, "genome", null));
        assertThatThrownBy(() -> ConsentModel.parse(code)).isInstanceOf(ConsentParseException.class)
                .hasMessageContaining("genome");

        Consent noPatient = Fx.sharing("x", permit().org("h").build());
        noPatient.setPatient(new Reference("Group/g"));
        assertThatThrownBy(() -> ConsentModel.parse(noPatient)).isInstanceOf(ConsentParseException.class)
                .hasMessageContaining("Consent.patient");

        Consent noStatus = Fx.sharing("x", permit().org("h").build());
        noStatus.setStatus(null);
        assertThatThrownBy(() -> ConsentModel.parse(noStatus)).isInstanceOf(ConsentParseException.class)
                .hasMessageContaining("Consent.status");
        assertThatThrownBy(() -> ConsentModel.parse(null)).isInstanceOf(ConsentParseException.class);
    }

    @Test
    void consentWithoutProvisionPermitsNothing() {
        Consent c = Fx.sharing("empty", null);
        ConsentPolicy p = ConsentModel.parse(c);
        assertThat(p.root()).isNull();
        AccessRequest r = new AccessRequest(Recipient.hospital("h"), Purpose.TREATMENT, Instant.now(),
                ResourceFacts.of(DataClass.LABORATORY, null), false);
        assertThat(ConsentEngine.decide(List.of(p), r).code()).isEqualTo(Decision.Code.NO_APPLICABLE_CONSENT);
    }

    @Test
    void badRequestsFailWithTypedMessages() {
        assertThatThrownBy(() -> new ResourceFacts(DataClass.ALL, null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ALL");
        assertThatThrownBy(() -> Recipient.hospital(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("orgId");
        assertThatThrownBy(() -> ConsentEngine.decide(List.of(), null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Decision(Effect.PERMIT, Decision.Code.NOT_PERMITTED, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("contradicts");
        assertThatThrownBy(() -> new Decision(Effect.DENY, Decision.Code.DENIED, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deciding consent");
    }
}
