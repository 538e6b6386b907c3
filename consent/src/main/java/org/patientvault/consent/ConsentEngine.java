package org.patientvault.consent;

import java.util.List;

/**
 * The pure consent policy engine: {@code decide(consents, request) -> Decision}.
 * <p>
 * Rules (docs/consent.md has the full text):
 * <ol>
 * <li>Only consents that are {@code active}, whose scope matches the request's purpose, and whose root period
 * contains the request time are applicable. None: deny.</li>
 * <li>Inside one consent, a provision applies when its own and all its ancestors' constraints hold. Unknown facts
 * (no record date, no modality) can make a deny apply but never a permit. A permit also needs a named recipient on
 * its path, and a cross-border request needs a permit whose nearest cross-border flag is true. The applying provision
 * with the highest specificity decides the consent's vote; ties go to the deeper provision, then to deny.</li>
 * <li>A root deny that is only the opt-in backdrop abstains (see {@link ConsentPolicy#rootIsBackdrop()}).</li>
 * <li>Across consents, any deny vote beats every permit vote; no permit vote: deny.</li>
 * </ol>
 * Deterministic and independent of the order of {@code consents}: ties between consents are broken by specificity,
 * depth, consent id and provision order. Cost: O(total provisions), no allocation except the returned decision on the
 * permit/deny-by-provision paths.
 */
public final class ConsentEngine {
    private ConsentEngine() {
    }

    static final int NONE = 0;
    static final int POSSIBLE = 1;
    static final int DEFINITE = 2;

    /**
     * Decides one request. {@code consents} are one patient's consents in any order and any status; null or empty
     * means no consent (deny).
     */
    public static Decision decide(List<ConsentPolicy> consents, AccessRequest request) {
        if (request == null) {
            throw new IllegalArgumentException("request is required");
        }
        if (consents == null || consents.isEmpty()) {
            return Decision.NO_CONSENTS;
        }
        final long now = request.time().toEpochMilli();
        final ConsentScope scope = request.purpose().scope();
        ConsentPolicy denyConsent = null;
        Provision denyBy = null;
        ConsentPolicy permitConsent = null;
        Provision permitBy = null;
        boolean applicable = false;
        boolean crossBorderMiss = false;
        for (int i = 0, n = consents.size(); i < n; i++) {
            ConsentPolicy c = consents.get(i);
            Provision root = c.root();
            if (!c.active || c.scope() != scope || root == null || now < root.periodStart || now >= root.periodEnd) {
                continue;
            }
            applicable = true;
            Provision winner = best(root, request, now, DEFINITE, null);
            if (winner == null) {
                if (request.crossBorder() && !crossBorderMiss) {
                    crossBorderMiss = domesticPermitExists(root, request, now, DEFINITE);
                }
                continue;
            }
            if (winner.deny) {
                if (winner == root && c.backdrop) {
                    if (request.crossBorder() && !crossBorderMiss) {
                        crossBorderMiss = domesticPermitExists(root, request, now, DEFINITE);
                    }
                    continue;
                }
                if (denyBy == null || outranks(winner, c, denyBy, denyConsent)) {
                    denyBy = winner;
                    denyConsent = c;
                }
            } else if (permitBy == null || outranks(winner, c, permitBy, permitConsent)) {
                permitBy = winner;
                permitConsent = c;
            }
        }
        if (denyBy != null) {
            return new Decision(Effect.DENY, Decision.Code.DENIED, denyConsent, denyBy);
        }
        if (permitBy != null) {
            return new Decision(Effect.PERMIT, Decision.Code.PERMITTED, permitConsent, permitBy);
        }
        if (!applicable) {
            return Decision.NO_APPLICABLE;
        }
        return crossBorderMiss ? Decision.CROSS_BORDER : Decision.NOT_PERMITTED;
    }

    /** Total order between two winners of different consents, so the reported one does not depend on list order. */
    private static boolean outranks(Provision a, ConsentPolicy ca, Provision b, ConsentPolicy cb) {
        if (a.specificity != b.specificity) {
            return a.specificity > b.specificity;
        }
        if (a.depth != b.depth) {
            return a.depth > b.depth;
        }
        int byId = ca.id().compareTo(cb.id());
        if (byId != 0) {
            return byId < 0;
        }
        return a.order < b.order;
    }

    /** Inside one consent: specificity, then depth (exceptions beat their parents), then deny, then document order. */
    static boolean better(Provision a, Provision b) {
        if (a.specificity != b.specificity) {
            return a.specificity > b.specificity;
        }
        if (a.depth != b.depth) {
            return a.depth > b.depth;
        }
        if (a.deny != b.deny) {
            return a.deny;
        }
        return a.order < b.order;
    }

    /** The best applying provision in this subtree, or {@code best} if none beats it. */
    private static Provision best(Provision p, AccessRequest r, long now, int inherited, Provision best) {
        int s = Math.min(inherited, ownState(p, r, now));
        if (s == NONE) {
            return best;
        }
        if (applies(p, s, r.crossBorder()) && (best == null || better(p, best))) {
            best = p;
        }
        Provision[] kids = p.children;
        for (int i = 0; i < kids.length; i++) {
            best = best(kids[i], r, now, s, best);
        }
        return best;
    }

    static boolean applies(Provision p, int state, boolean crossBorderRequest) {
        Boolean cb = p.effectiveCrossBorder;
        if (p.deny) {
            return state >= POSSIBLE && (cb == null || cb == crossBorderRequest);
        }
        return state == DEFINITE && p.effectiveActor
                && (cb == null ? !crossBorderRequest : cb == crossBorderRequest);
    }

    /** Whether some permit would apply if the request were domestic (only used to explain a cross-border denial). */
    private static boolean domesticPermitExists(Provision p, AccessRequest r, long now, int inherited) {
        int s = Math.min(inherited, ownState(p, r, now));
        if (s == NONE) {
            return false;
        }
        if (!p.deny && s == DEFINITE && p.effectiveActor && !Boolean.TRUE.equals(p.effectiveCrossBorder)) {
            return true;
        }
        for (Provision k : p.children) {
            if (domesticPermitExists(k, r, now, s)) {
                return true;
            }
        }
        return false;
    }

    /** The state of this provision's own constraints (not its ancestors'): NONE, POSSIBLE or DEFINITE. */
    static int ownState(Provision p, AccessRequest r, long now) {
        if (now < p.periodStart || now >= p.periodEnd) {
            return NONE;
        }
        if (p.ownActor && !actorMatches(p, r.recipient())) {
            return NONE;
        }
        if (p.purposeMask != 0 && (p.purposeMask & r.purpose().bit()) == 0) {
            return NONE;
        }
        ResourceFacts f = r.facts();
        if (p.classMask != 0 && (p.classMask & f.classBit()) == 0) {
            return NONE;
        }
        int s = DEFINITE;
        if (p.modalities.length > 0) {
            s = modalityState(p.modalities, f);
            if (s == NONE) {
                return NONE;
            }
        }
        if (p.ownDataPeriod) {
            if (f.recordDate() == null) {
                s = POSSIBLE;
            } else {
                long d = f.recordDate().toEpochMilli();
                if (d < p.dataStart || d >= p.dataEnd) {
                    return NONE;
                }
            }
        }
        return s;
    }

    static boolean actorMatches(Provision p, Recipient rc) {
        return matchedActor(p, rc) != null;
    }

    /**
     * How the provision names the recipient: its identifier value (the client id), its literal
     * {@code Organization/<id>} reference, {@link #ANY_AI_FIRM_MATCH}, or null when it does not name it.
     */
    static String matchedActor(Provision p, Recipient rc) {
        String[] ids = p.actorIds;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i].equals(rc.orgId()) || ids[i].equals(rc.orgReference())) {
                return ids[i];
            }
        }
        if (p.anyAiFirm && rc.kind() == RecipientKind.AI_FIRM) {
            return ANY_AI_FIRM_MATCH;
        }
        return null;
    }

    static final String ANY_AI_FIRM_MATCH = "(any AI firm)";

    /** All of the resource's modalities allowed: DEFINITE; some, or unknown: POSSIBLE; none or not imaging: NONE. */
    static int modalityState(String[] allowed, ResourceFacts f) {
        if (f.dataClass() != DataClass.IMAGING) {
            return NONE;
        }
        List<String> mods = f.modalities();
        int n = mods.size();
        if (n == 0) {
            return POSSIBLE;
        }
        int hits = 0;
        for (int i = 0; i < n; i++) {
            String m = mods.get(i);
            for (int j = 0; j < allowed.length; j++) {
                if (allowed[j].equals(m)) {
                    hits++;
                    break;
                }
            }
        }
        return hits == n ? DEFINITE : hits == 0 ? NONE : POSSIBLE;
    }
}
