package org.patientvault.consent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Explains a (hypothetical) decision for the {@code $consent-explain} operation: "would ai-lab get my CT from 2023
 * for AI training?". The decision is exactly {@link ConsentEngine#decide}'s; the steps say, consent by consent and
 * provision by provision, what applied and why not. Steps carry no clinical values. Cost: allocates freely; meant
 * for one request at a time, not for bulk use.
 */
public final class ConsentExplainer {
    private ConsentExplainer() {
    }

    /** One line of an explanation: where (a consent id, optionally with a provision path) and what. */
    public record Step(String location, String message) {
    }

    /** The decision and the steps that led to it. */
    public record Explanation(Decision decision, List<Step> steps) {
        public Explanation {
            steps = List.copyOf(steps);
        }

        /** The reason followed by every step, one per line. */
        public String text() {
            StringBuilder b = new StringBuilder(decision.reason());
            for (Step s : steps) {
                b.append('\n').append(s.location()).append(": ").append(s.message());
            }
            return b.toString();
        }
    }

    public static Explanation explain(List<ConsentPolicy> consents, AccessRequest request) {
        Decision decision = ConsentEngine.decide(consents, request);
        List<Step> steps = new ArrayList<>();
        if (consents == null || consents.isEmpty()) {
            steps.add(new Step("(none)", "the patient has no consents"));
            return new Explanation(decision, steps);
        }
        long now = request.time().toEpochMilli();
        List<ConsentPolicy> sorted = new ArrayList<>(consents);
        sorted.sort(Comparator.comparing(ConsentPolicy::id));
        for (ConsentPolicy c : sorted) {
            String loc = c.id();
            if (!c.active) {
                steps.add(new Step(loc, "not considered: status is " + c.status().toCode()
                        + (c.status() == org.hl7.fhir.r4.model.Consent.ConsentState.INACTIVE ? " (revoked)" : "")));
                continue;
            }
            if (c.scope() != request.purpose().scope()) {
                steps.add(new Step(loc, "not considered: scope " + c.scope().code() + " cannot authorise purpose "
                        + request.purpose() + " (separate consent per purpose)"));
                continue;
            }
            Provision root = c.root();
            if (root == null) {
                steps.add(new Step(loc, "not considered: it has no provision, so it permits nothing"));
                continue;
            }
            if (now < root.periodStart) {
                steps.add(new Step(loc, "not considered: not in effect until " + Instant.ofEpochMilli(root.periodStart)));
                continue;
            }
            if (now >= root.periodEnd) {
                steps.add(new Step(loc, "not considered: expired at " + Instant.ofEpochMilli(root.periodEnd)));
                continue;
            }
            walk(c, root, request, now, ConsentEngine.DEFINITE, steps);
        }
        return new Explanation(decision, steps);
    }

    private static void walk(ConsentPolicy c, Provision p, AccessRequest r, long now, int inherited, List<Step> steps) {
        String loc = c.id() + " " + p.path();
        int own = ConsentEngine.ownState(p, r, now);
        int s = Math.min(inherited, own);
        if (own == ConsentEngine.NONE) {
            steps.add(new Step(loc, "does not apply (" + p.describe() + "): " + whyNot(p, r, now)
                    + (p.children.length > 0 ? "; nested provisions skipped" : "")));
            return;
        }
        if (ConsentEngine.applies(p, s, r.crossBorder())) {
            String note = p == c.root() && p.deny && c.backdrop ? " (opt-in backdrop: the consent abstains unless a nested provision applies)" : "";
            steps.add(new Step(loc, "applies (" + p.describe() + ", specificity " + p.specificity + ")"
                    + recipientNamed(p, r) + note));
        } else {
            steps.add(new Step(loc, "does not apply (" + p.describe() + "): " + whyNotApplies(p, s, r)));
        }
        for (Provision k : p.children) {
            walk(c, k, r, now, s, steps);
        }
    }

    /** Which of the recipient's names the provision used: both forms grant alike, the explanation says which. */
    private static String recipientNamed(Provision p, AccessRequest r) {
        if (!p.ownActor) {
            return "";
        }
        String how = ConsentEngine.matchedActor(p, r.recipient());
        if (how == null) {
            return "";
        }
        if (ConsentEngine.ANY_AI_FIRM_MATCH.equals(how)) {
            return "; recipient " + r.recipient().orgId() + " matched as any AI firm";
        }
        return how.startsWith("Organization/")
                ? "; recipient " + r.recipient().orgId() + " named by reference " + how
                : "; recipient named by identifier " + ConsentCodes.ORG_SYSTEM + "|" + how
                + (r.recipient().orgReference() != null ? " (" + r.recipient().orgReference() + ")" : "");
    }

    private static String whyNotApplies(Provision p, int s, AccessRequest r) {
        if (!p.deny && s == ConsentEngine.POSSIBLE) {
            return "a permit needs certain facts, but the record date or modality is unknown or only partly covered";
        }
        if (!p.deny && !p.effectiveActor) {
            return "a permit must name a recipient";
        }
        Boolean cb = p.effectiveCrossBorder;
        if (r.crossBorder()) {
            return cb == null ? "cross-border use needs a provision flagged cross-border" : "it is for domestic use only";
        }
        return "it covers cross-border transfer only";
    }

    private static String whyNot(Provision p, AccessRequest r, long now) {
        if (now < p.periodStart || now >= p.periodEnd) {
            return "the request time is outside its period";
        }
        if (p.ownActor && !ConsentEngine.actorMatches(p, r.recipient())) {
            return "recipient " + r.recipient().orgId()
                    + (r.recipient().orgReference() != null ? " (" + r.recipient().orgReference() + ")" : "")
                    + " (" + r.recipient().kind() + ") is not named, neither by identifier nor by reference";
        }
        if (p.purposeMask != 0 && (p.purposeMask & r.purpose().bit()) == 0) {
            return "purpose " + r.purpose() + " is not covered";
        }
        ResourceFacts f = r.facts();
        if (p.classMask != 0 && (p.classMask & f.classBit()) == 0) {
            return "data class " + (f.dataClass() == null ? "(unclassified)" : f.dataClass().code()) + " is not covered";
        }
        if (p.modalities.length > 0 && ConsentEngine.modalityState(p.modalities, f) == ConsentEngine.NONE) {
            return "modality " + (f.dataClass() == DataClass.IMAGING ? f.modalities() : "(not imaging)") + " is not covered";
        }
        return "the record date is outside its data period";
    }
}
