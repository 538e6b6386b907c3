package org.patientvault.consent;

/** Why a recipient wants the data. Each purpose is authorised only by consents of its own {@link ConsentScope}. */
public enum Purpose {
    /** Care of the patient by a hospital (v3-ActReason TREAT). */
    TREATMENT,
    /** AI model training (vault {@code ai-training}, or v3-ActReason HRESCH). */
    AI_TRAINING;

    public ConsentScope scope() {
        return this == TREATMENT ? ConsentScope.TREATMENT_SHARING : ConsentScope.RESEARCH;
    }

    int bit() {
        return 1 << ordinal();
    }
}
