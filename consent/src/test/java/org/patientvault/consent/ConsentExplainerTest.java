package org.patientvault.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.patientvault.consent.Fx.deny;
import static org.patientvault.consent.Fx.permit;

import java.time.Instant;
import java.util.List;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentState;
import org.junit.jupiter.api.Test;

class ConsentExplainerTest {

    @Test
    void wouldAiLabGetMyCtFrom2023ForAiTraining() {
        Consent revoked = Fx.research("old", permit().org("ai-lab").build());
        revoked.setStatus(ConsentState.INACTIVE);
        Consent share = Fx.sharing("share", permit().org("hosp-shanghai").build());
        Consent research = Fx.research("ai", permit().anyAi().child(deny().classes("imaging").modality("CT")).build());
        List<ConsentPolicy> ps = ConsentModel.parseAll(List.of(revoked, share, research));
        AccessRequest q = new AccessRequest(Recipient.aiFirm("ai-lab"), Purpose.AI_TRAINING,
                Instant.parse("2025-06-01T00:00:00Z"), ResourceFacts.imaging("CT", Instant.parse("2023-03-01T00:00:00Z")),
                false);

        ConsentExplainer.Explanation e = ConsentExplainer.explain(ps, q);

        assertThat(e.decision().permitted()).isFalse();
        assertThat(e.decision().provisionPath()).isEqualTo("provision.provision[0]");
        assertThat(e.steps()).extracting(ConsentExplainer.Step::location).containsExactly(
                "Consent/ai provision", "Consent/ai provision.provision[0]", "Consent/old", "Consent/share");
        assertThat(e.steps().get(2).message()).contains("revoked");
        assertThat(e.steps().get(3).message()).contains("separate consent per purpose");
        assertThat(e.text()).startsWith("denied by Consent/ai provision.provision[0]").contains("applies");

        AccessRequest mr = new AccessRequest(q.recipient(), q.purpose(), q.time(),
                ResourceFacts.imaging("MR", q.facts().recordDate()), false);
        ConsentExplainer.Explanation e2 = ConsentExplainer.explain(ps, mr);
        assertThat(e2.decision().permitted()).isTrue();
        assertThat(e2.text()).contains("modality [MR] is not covered");
    }

    @Test
    void explainsExpiryAndNoConsents() {
        Consent expired = Fx.sharing("exp", permit().org("h").period("2020-01-01", "2020-12-31").build());
        AccessRequest q = new AccessRequest(Recipient.hospital("h"), Purpose.TREATMENT,
                Instant.parse("2025-01-01T00:00:00Z"), ResourceFacts.of(DataClass.LABORATORY, null), false);
        ConsentExplainer.Explanation e = ConsentExplainer.explain(ConsentModel.parseAll(List.of(expired)), q);
        assertThat(e.decision().code()).isEqualTo(Decision.Code.NO_APPLICABLE_CONSENT);
        assertThat(e.steps().get(0).message()).contains("expired at 2021-01-01T00:00:00Z");
        assertThat(ConsentExplainer.explain(List.of(), q).steps().get(0).message()).contains("no consents");
    }

    /** issue 14 item 1: a Consent naming the hospital by literal reference grants like the identifier form. */
    @Test
    void item1_bothRecipientFormsGrantAndTheExplanationSaysWhich() {
        Consent byRef = Fx.sharing("by-ref", permit().orgRef("Organization/org-77").build());
        Consent byId = Fx.sharing("by-id", permit().org("clinic-rural").build());
        Recipient clinic = new Recipient(RecipientKind.HOSPITAL, "clinic-rural", "Organization/org-77");
        AccessRequest q = new AccessRequest(clinic, Purpose.TREATMENT, Instant.parse("2025-01-01T00:00:00Z"),
                ResourceFacts.of(DataClass.LABORATORY, null), false);

        ConsentExplainer.Explanation ref = ConsentExplainer.explain(ConsentModel.parseAll(List.of(byRef)), q);
        assertThat(ref.decision().permitted()).isTrue();
        assertThat(ref.text()).contains("named by reference Organization/org-77");

        ConsentExplainer.Explanation id = ConsentExplainer.explain(ConsentModel.parseAll(List.of(byId)), q);
        assertThat(id.decision().permitted()).isTrue();
        assertThat(id.text()).contains("named by identifier " + ConsentCodes.ORG_SYSTEM + "|clinic-rural");

        // Without its reference (what the app passed before the fix), the reference form names nobody.
        AccessRequest bare = new AccessRequest(Recipient.hospital("clinic-rural"), q.purpose(), q.time(), q.facts(),
                false);
        ConsentExplainer.Explanation none = ConsentExplainer.explain(ConsentModel.parseAll(List.of(byRef)), bare);
        assertThat(none.decision().permitted()).isFalse();
        assertThat(none.text()).contains("is not named, neither by identifier nor by reference");
    }
}
