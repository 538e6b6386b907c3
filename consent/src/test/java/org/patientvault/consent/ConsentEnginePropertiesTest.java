package org.patientvault.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentState;

/** Invariants of the engine over randomly generated consents and requests. */
class ConsentEnginePropertiesTest {

    static final String[] ORGS = {"hosp-a", "hosp-b", "ai-1", "ai-2"};
    static final String[] CLASSES = {"imaging", "laboratory", "checkup", "vital-signs", "conditions", "medications",
            "documents", "all"};
    static final String[] MODS = {"CT", "MR", "US"};
    static final String[] YEARS = {"2021", "2022", "2023", "2024", "2025", "2026"};

    record Scenario(List<Consent> consents, AccessRequest request, long seed) {
        List<ConsentPolicy> policies() {
            return ConsentModel.parseAll(consents);
        }

        @Override
        public String toString() {
            return "seed=" + seed + " request=" + request;
        }
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        return Arbitraries.longs().map(ConsentEnginePropertiesTest::scenario);
    }

    static Scenario scenario(long seed) {
        Random r = new Random(seed);
        List<Consent> consents = new ArrayList<>();
        int n = 1 + r.nextInt(6);
        for (int i = 0; i < n; i++) {
            consents.add(randomConsent(r, "c" + i, r.nextInt(5) == 0));
        }
        return new Scenario(consents, randomRequest(r), seed);
    }

    static Consent randomConsent(Random r, String id, boolean denyOnly) {
        ConsentScope scope = r.nextBoolean() ? ConsentScope.TREATMENT_SHARING : ConsentScope.RESEARCH;
        ConsentState status = r.nextInt(8) == 0 ? ConsentState.INACTIVE : ConsentState.ACTIVE;
        Fx.P root = provision(r, scope, 0, denyOnly);
        return Fx.consent(id, "alice", scope, status, root.build());
    }

    static Fx.P provision(Random r, ConsentScope scope, int depth, boolean denyOnly) {
        Fx.P p = denyOnly || r.nextInt(3) == 0 ? Fx.deny() : Fx.permit();
        if (depth == 0 || r.nextInt(3) == 0) {
            if (scope == ConsentScope.RESEARCH && r.nextInt(3) == 0) {
                p.anyAi();
            } else {
                p.org(ORGS[r.nextInt(ORGS.length)]);
            }
        }
        if (r.nextInt(4) == 0) {
            p.classes(CLASSES[r.nextInt(CLASSES.length)]);
        }
        if (r.nextInt(5) == 0) {
            p.classes("imaging").modality(MODS[r.nextInt(MODS.length)]);
        }
        if (r.nextInt(4) == 0) {
            String a = YEARS[r.nextInt(YEARS.length)];
            p.dataPeriod(a, r.nextBoolean() ? a : null);
        }
        if (r.nextInt(4) == 0) {
            String a = YEARS[r.nextInt(YEARS.length)];
            p.period(a, r.nextBoolean() ? YEARS[YEARS.length - 1] : null);
        }
        if (r.nextInt(6) == 0) {
            p.crossBorder(r.nextBoolean());
        }
        if (r.nextInt(5) == 0) {
            if (scope == ConsentScope.RESEARCH) {
                p.aiTraining();
            } else {
                p.purpose(ConsentCodes.V3_ACT_REASON, ConsentCodes.TREAT);
            }
        }
        if (depth < 2) {
            int kids = r.nextInt(3);
            for (int i = 0; i < kids; i++) {
                p.child(provision(r, scope, depth + 1, denyOnly));
            }
        }
        return p;
    }

    static AccessRequest randomRequest(Random r) {
        // Half the requests are treatment requests by a hospital, half AI-training requests by an AI firm.
        String org = ORGS[r.nextInt(ORGS.length)];
        Recipient recipient = org.startsWith("ai") ? Recipient.aiFirm(org) : Recipient.hospital(org);
        Purpose purpose = r.nextInt(10) == 0 ? (org.startsWith("ai") ? Purpose.TREATMENT : Purpose.AI_TRAINING)
                : org.startsWith("ai") ? Purpose.AI_TRAINING : Purpose.TREATMENT;
        DataClass dc = r.nextInt(8) == 0 ? null : DataClass.values()[r.nextInt(DataClass.values().length - 1)];
        List<String> mods = new ArrayList<>();
        if (dc == DataClass.IMAGING) {
            int k = r.nextInt(3);
            for (int i = 0; i < k; i++) {
                mods.add(MODS[r.nextInt(MODS.length)]);
            }
        }
        Instant record = r.nextInt(5) == 0 ? null
                : Instant.parse(YEARS[r.nextInt(YEARS.length)] + "-0" + (1 + r.nextInt(9)) + "-15T00:00:00Z");
        Instant time = Instant.parse((2021 + r.nextInt(6)) + "-06-01T12:00:00Z");
        return new AccessRequest(recipient, purpose, time, new ResourceFacts(dc, mods, record), r.nextInt(4) == 0);
    }

    private static boolean permits(List<ConsentPolicy> policies, AccessRequest request) {
        return ConsentEngine.decide(policies, request).permitted();
    }

    @Property(tries = 300)
    void noConsentsMeansNothingIsVisible(@ForAll("scenarios") Scenario s) {
        assertThat(ConsentEngine.decide(List.of(), s.request()).permitted()).isFalse();
        assertThat(ConsentEngine.decide(null, s.request()).code()).isEqualTo(Decision.Code.NO_CONSENTS);
    }

    @Property(tries = 600)
    void deterministicAndIndependentOfConsentOrder(@ForAll("scenarios") Scenario s) {
        List<ConsentPolicy> policies = s.policies();
        Decision first = ConsentEngine.decide(policies, s.request());
        assertThat(ConsentEngine.decide(policies, s.request())).isEqualTo(first);
        assertThat(ConsentEngine.decide(ConsentModel.parseAll(s.consents()), s.request()))
                .usingRecursiveComparison().isEqualTo(first);
        List<ConsentPolicy> reversed = new ArrayList<>(policies);
        Collections.reverse(reversed);
        List<ConsentPolicy> shuffled = new ArrayList<>(policies);
        Collections.shuffle(shuffled, new Random(s.seed()));
        for (List<ConsentPolicy> other : List.of(reversed, shuffled)) {
            Decision d = ConsentEngine.decide(other, s.request());
            assertThat(d.effect()).isEqualTo(first.effect());
            assertThat(d.code()).isEqualTo(first.code());
            assertThat(d.consentId()).isEqualTo(first.consentId());
            assertThat(d.provisionPath()).isEqualTo(first.provisionPath());
        }
    }

    @Property(tries = 600)
    void revokingNeverWidensAccessUnlessTheRevokedConsentItselfDenied(@ForAll("scenarios") Scenario s) {
        List<ConsentPolicy> policies = s.policies();
        boolean before = permits(policies, s.request());
        for (int i = 0; i < policies.size(); i++) {
            List<ConsentPolicy> revoked = new ArrayList<>(policies);
            revoked.set(i, policies.get(i).withStatus(ConsentState.INACTIVE));
            boolean after = permits(revoked, s.request());
            if (after && !before) {
                // Only lifting one's own restriction may widen: the revoked consent must itself have voted deny.
                Decision own = ConsentEngine.decide(List.of(policies.get(i)), s.request());
                assertThat(own.code()).as("revoking %s widened access", policies.get(i).id())
                        .isEqualTo(Decision.Code.DENIED);
            }
        }
    }

    @Property(tries = 600)
    void revokingAConsentWithoutDenyProvisionsNeverWidensAccess(@ForAll("scenarios") Scenario s) {
        List<ConsentPolicy> policies = s.policies();
        boolean before = permits(policies, s.request());
        for (int i = 0; i < policies.size(); i++) {
            if (containsDeny(policies.get(i).root())) {
                continue;
            }
            List<ConsentPolicy> revoked = new ArrayList<>(policies);
            revoked.remove(i);
            assertThat(!before && permits(revoked, s.request())).isFalse();
        }
    }

    @Property(tries = 600)
    void addingADenyConsentNeverWidensAccess(@ForAll("scenarios") Scenario s) {
        Random r = new Random(s.seed() ^ 0x5DEECE66DL);
        List<ConsentPolicy> policies = s.policies();
        boolean before = permits(policies, s.request());
        List<ConsentPolicy> more = new ArrayList<>(policies);
        more.add(ConsentModel.parse(randomConsent(r, "added-deny", true)));
        boolean after = permits(more, s.request());
        assertThat(after && !before).isFalse();
    }

    @Property(tries = 600)
    void addingANestedDenyProvisionNeverWidensAccess(@ForAll("scenarios") Scenario s) {
        Random r = new Random(s.seed() ^ 0xBADC0FFEEL);
        boolean before = permits(s.policies(), s.request());
        for (int i = 0; i < s.consents().size(); i++) {
            List<Consent> copy = new ArrayList<>();
            for (Consent c : s.consents()) {
                copy.add(c.copy());
            }
            Consent target = copy.get(i);
            ConsentScope scope = ConsentModel.scopeOf(target);
            // Attach a deny-only subtree at the root or under the first child.
            var parent = target.getProvision().hasProvision() && r.nextBoolean()
                    ? target.getProvision().getProvision().get(0) : target.getProvision();
            parent.addProvision(provision(r, scope, 1, true).build());
            boolean after = permits(ConsentModel.parseAll(copy), s.request());
            assertThat(after && !before).as("deny added to consent %d widened access", i).isFalse();
        }
    }

    @Property(tries = 300)
    void explanationAgreesWithTheEngine(@ForAll("scenarios") Scenario s) {
        List<ConsentPolicy> policies = s.policies();
        ConsentExplainer.Explanation e = ConsentExplainer.explain(policies, s.request());
        assertThat(e.decision()).isEqualTo(ConsentEngine.decide(policies, s.request()));
        assertThat(e.steps()).isNotEmpty();
    }

    @Property(tries = 300)
    void generatedConsentsPassTheValidator(@ForAll("scenarios") Scenario s) {
        for (Consent c : s.consents()) {
            // The generator may leave a permit without a recipient only below a named one; all else is valid.
            assertThat(ConsentValidator.validate(c, "alice")).isEmpty();
        }
    }

    /** Guards the properties above against vacuity: the generator must produce both outcomes often. */
    @org.junit.jupiter.api.Test
    void generatorProducesPermitsAndDeniesByProvision() {
        int permits = 0;
        int deniedByProvision = 0;
        for (long seed = 0; seed < 3000; seed++) {
            Scenario s = scenario(seed);
            Decision d = ConsentEngine.decide(s.policies(), s.request());
            permits += d.permitted() ? 1 : 0;
            deniedByProvision += d.code() == Decision.Code.DENIED ? 1 : 0;
        }
        System.out.println("generator: permits=" + permits + " deniedByProvision=" + deniedByProvision + " of 3000");
        assertThat(permits).isGreaterThan(200);
        assertThat(deniedByProvision).isGreaterThan(150);
    }

    private static boolean containsDeny(Provision p) {
        if (p == null) {
            return false;
        }
        if (p.type() == Effect.DENY) {
            return true;
        }
        for (Provision k : p.children()) {
            if (containsDeny(k)) {
                return true;
            }
        }
        return false;
    }
}
