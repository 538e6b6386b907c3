package org.patientvault.consent;

/**
 * The outcome of {@link ConsentEngine#decide}: permit or deny, the consent and provision that decided (null when no
 * provision did), and a reason. {@link #reason()} builds its text on demand, so deciding does not format strings.
 */
public record Decision(Effect effect, Code code, ConsentPolicy consent, Provision provision) {

    public Decision {
        if (effect == null || code == null) {
            throw new IllegalArgumentException("Decision.effect and Decision.code are required");
        }
        if ((effect == Effect.PERMIT) != (code == Code.PERMITTED)) {
            throw new IllegalArgumentException("Decision: effect " + effect + " contradicts code " + code);
        }
        if ((code == Code.PERMITTED || code == Code.DENIED) && (consent == null || provision == null)) {
            throw new IllegalArgumentException("Decision: code " + code + " needs the deciding consent and provision");
        }
    }

    /** Why, as a stable code (for audit and tests); {@link #reason()} is the human-readable form. */
    public enum Code {
        /** The patient has no consents at all. */
        NO_CONSENTS,
        /** No consent is active, in effect at the time, and of the purpose's scope. */
        NO_APPLICABLE_CONSENT,
        /** Applicable consents exist, but no permit provision covers this request. */
        NOT_PERMITTED,
        /** A permit would cover this request, but only for domestic use; cross-border needs its own permit. */
        CROSS_BORDER_NOT_PERMITTED,
        /** A deny provision decided (deny beats permit across consents). */
        DENIED,
        /** A permit provision decided and no consent denies. */
        PERMITTED
    }

    static final Decision NO_CONSENTS = new Decision(Effect.DENY, Code.NO_CONSENTS, null, null);
    static final Decision NO_APPLICABLE = new Decision(Effect.DENY, Code.NO_APPLICABLE_CONSENT, null, null);
    static final Decision NOT_PERMITTED = new Decision(Effect.DENY, Code.NOT_PERMITTED, null, null);
    static final Decision CROSS_BORDER = new Decision(Effect.DENY, Code.CROSS_BORDER_NOT_PERMITTED, null, null);

    public boolean permitted() {
        return effect == Effect.PERMIT;
    }

    /** The deciding consent's versionless id, or null. */
    public String consentId() {
        return consent == null ? null : consent.id();
    }

    /** The deciding provision's path within its consent (e.g. {@code provision.provision[0]}), or null. */
    public String provisionPath() {
        return provision == null ? null : provision.path();
    }

    /** A human-readable reason, safe to show to the patient and to write to the audit log (no clinical values). */
    public String reason() {
        return switch (code) {
            case NO_CONSENTS -> "denied: the patient has no consents on file";
            case NO_APPLICABLE_CONSENT -> "denied: no active consent of this purpose is in effect at this time";
            case NOT_PERMITTED -> "denied: no consent permits this recipient, purpose and data";
            case CROSS_BORDER_NOT_PERMITTED ->
                    "denied: a consent permits this for domestic use only; cross-border transfer needs its own explicit permit";
            case DENIED -> "denied by " + consent.id() + " " + provision.path() + " (" + provision.describe() + ")";
            case PERMITTED -> "permitted by " + consent.id() + " " + provision.path() + " (" + provision.describe() + ")";
        };
    }
}
