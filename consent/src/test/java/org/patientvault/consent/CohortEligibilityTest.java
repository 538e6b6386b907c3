package org.patientvault.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.patientvault.consent.Fx.permit;
import static org.patientvault.consent.Fx.research;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Consent;
import org.junit.jupiter.api.Test;

class CohortEligibilityTest {

    private static final Instant NOW = Instant.parse("2026-12-08T00:00:00Z");
    private static final Recipient LAB = new Recipient(RecipientKind.AI_FIRM, "ai-lab", "Organization/9");

    private static CohortEligibility ct(boolean crossBorder) {
        return new CohortEligibility(LAB, crossBorder, Set.of(DataClass.IMAGING), Set.of("CT"), null, null);
    }

    private static List<ConsentPolicy> policies(Consent... consents) {
        return ConsentModel.parseAll(List.of(consents));
    }

    @Test
    void anyAiFirmForImagingAdmitsTheNamedFirm() {
        var consents = policies(research("c1", permit().anyAi().aiTraining().classes("imaging").build()));
        CohortEligibility.PatientOutcome out = ct(false).patient(consents, NOW);
        assertThat(out.eligible()).isTrue();
        assertThat(out.consentIds()).singleElement().asString().endsWith("c1");
    }

    @Test
    void anotherFirmOnlyIsNotEnough() {
        var consents = policies(research("c1", permit().org("other-lab").aiTraining().classes("imaging").build()));
        assertThat(ct(false).patient(consents, NOW).eligible()).isFalse();
    }

    @Test
    void labsButNotImagingIsNotEnoughForAnImagingCohort() {
        var consents = policies(research("c1", permit().anyAi().aiTraining().classes("laboratory").build()));
        assertThat(ct(false).patient(consents, NOW).eligible()).isFalse();
        var labs = new CohortEligibility(LAB, false, Set.of(DataClass.LABORATORY), Set.of(), null, null);
        assertThat(labs.patient(consents, NOW).eligible()).isTrue();
    }

    @Test
    void everyAskedClassMustBePermitted() {
        var consents = policies(research("c1", permit().anyAi().aiTraining().classes("imaging").build()));
        var both = new CohortEligibility(LAB, false, Set.of(DataClass.IMAGING, DataClass.LABORATORY), Set.of(),
                null, null);
        assertThat(both.patient(consents, NOW).eligible()).isFalse();
    }

    @Test
    void crossBorderNeedsTheFlag() {
        var domestic = policies(research("c1", permit().anyAi().aiTraining().classes("imaging").build()));
        assertThat(ct(true).patient(domestic, NOW).eligible()).isFalse();
        var abroad = policies(research("c2", permit().anyAi().aiTraining().classes("imaging").crossBorder(true)
                .build()));
        assertThat(ct(true).patient(abroad, NOW).eligible()).isTrue();
    }

    @Test
    void revokedConsentAdmitsNobody() {
        Consent c = research("c1", permit().anyAi().aiTraining().classes("imaging").build());
        c.setStatus(Consent.ConsentState.INACTIVE);
        assertThat(ct(false).patient(policies(c), NOW).eligible()).isFalse();
        assertThat(ct(false).patient(List.of(), NOW).code()).isEqualTo(Decision.Code.NO_CONSENTS);
    }

    @Test
    void modalityRestrictedConsentAdmitsOnlyThatModality() {
        var consents = policies(research("c1", permit().anyAi().aiTraining().classes("imaging").modality("MR")
                .build()));
        assertThat(ct(false).patient(consents, NOW).eligible()).isFalse();
        var mr = new CohortEligibility(LAB, false, Set.of(DataClass.IMAGING), Set.of("MR"), null, null);
        assertThat(mr.patient(consents, NOW).eligible()).isTrue();
    }

    @Test
    void recordsAreAskedForByClassModalityAndPeriod() {
        var period = new CohortEligibility(LAB, false, Set.of(DataClass.IMAGING), Set.of("CT"),
                Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2025-01-01T00:00:00Z"));
        assertThat(period.asksFor(ResourceFacts.imaging("CT", Instant.parse("2022-05-01T00:00:00Z")))).isTrue();
        assertThat(period.asksFor(ResourceFacts.imaging("MR", Instant.parse("2022-05-01T00:00:00Z")))).isFalse();
        assertThat(period.asksFor(ResourceFacts.imaging("CT", Instant.parse("2025-01-01T00:00:00Z")))).isFalse();
        assertThat(period.asksFor(ResourceFacts.imaging("CT", null))).isFalse();
        assertThat(period.asksFor(ResourceFacts.of(DataClass.LABORATORY, Instant.parse("2022-05-01T00:00:00Z"))))
                .isFalse();
    }

    @Test
    void aDataPeriodInTheConsentIsCheckedAtBothEndsOfTheCohortPeriod() {
        var consents = policies(research("c1", permit().anyAi().aiTraining().classes("imaging")
                .dataPeriod("2021-01-01", "2030-01-01").build()));
        var inside = new CohortEligibility(LAB, false, Set.of(DataClass.IMAGING), Set.of(),
                Instant.parse("2022-01-01T00:00:00Z"), Instant.parse("2024-01-01T00:00:00Z"));
        assertThat(inside.patient(consents, NOW).eligible()).isTrue();
        var wider = new CohortEligibility(LAB, false, Set.of(DataClass.IMAGING), Set.of(),
                Instant.parse("2019-01-01T00:00:00Z"), Instant.parse("2024-01-01T00:00:00Z"));
        assertThat(wider.patient(consents, NOW).eligible()).isFalse();
    }

    @Test
    void onlyAiFirmsAndConcreteClasses() {
        assertThatThrownBy(() -> new CohortEligibility(Recipient.hospital("h"), false, Set.of(DataClass.IMAGING),
                Set.of(), null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CohortEligibility(LAB, false, Set.of(DataClass.ALL), Set.of(), null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
