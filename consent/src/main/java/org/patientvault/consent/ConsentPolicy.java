package org.patientvault.consent;

import java.util.Objects;
import org.hl7.fhir.r4.model.Consent.ConsentState;

/**
 * One parsed, immutable patient consent, ready for {@link ConsentEngine}. Created by {@link ConsentModel}.
 * Accessors: {@link #id()} versionless {@code Consent/<id>} (or {@code Consent/#<n>} for an unsaved one),
 * {@link #versionId()} (may be null), {@link #patientId()}, {@link #scope()}, {@link #status()} (only
 * {@link ConsentState#ACTIVE} consents are ever considered) and {@link #root()} (null = the consent permits nothing).
 */
public final class ConsentPolicy {
    private final String id;
    private final String versionId;
    private final String patientId;
    private final ConsentScope scope;
    private final ConsentState status;
    private final Provision root;
    final boolean active;
    final boolean backdrop;

    ConsentPolicy(String id, String versionId, String patientId, ConsentScope scope, ConsentState status, Provision root) {
        this.id = Objects.requireNonNull(id, "ConsentPolicy.id");
        this.versionId = versionId;
        this.patientId = patientId;
        this.scope = Objects.requireNonNull(scope, "ConsentPolicy.scope");
        this.status = Objects.requireNonNull(status, "ConsentPolicy.status");
        this.root = root;
        this.active = status == ConsentState.ACTIVE;
        this.backdrop = computeBackdrop(root);
    }

    public String id() {
        return id;
    }

    public String versionId() {
        return versionId;
    }

    public String patientId() {
        return patientId;
    }

    public ConsentScope scope() {
        return scope;
    }

    public ConsentState status() {
        return status;
    }

    public Provision root() {
        return root;
    }

    /** A copy with another status (e.g. revoked = {@link ConsentState#INACTIVE}); the provision tree is shared. */
    public ConsentPolicy withStatus(ConsentState newStatus) {
        return new ConsentPolicy(id, versionId, patientId, scope, newStatus, root);
    }

    /**
     * Whether the root deny is only a backdrop: the root is a deny with no constraint other than its period, and the
     * consent contains at least one permit. That is R4's opt-in pattern ("deny everything except ..."), whose root
     * restates the vault's default deny, so it does not veto other consents.
     */
    public boolean rootIsBackdrop() {
        return backdrop;
    }

    private static boolean computeBackdrop(Provision root) {
        if (root == null || !root.deny || root.ownActor || root.purposeMask != 0 || root.classMask != 0
                || root.modalities.length != 0 || root.ownDataPeriod || root.crossBorder != null) {
            return false;
        }
        return containsPermit(root);
    }

    private static boolean containsPermit(Provision p) {
        for (Provision c : p.children) {
            if (!c.deny || containsPermit(c)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return id + (versionId == null ? "" : "/_history/" + versionId) + " [" + scope.code() + ", "
                + status.toCode() + "]";
    }
}
