package org.patientvault.consent;

import java.util.Optional;

/**
 * The two kinds of patient consent, told apart by {@code Consent.scope} (system {@link ConsentCodes#SCOPE_SYSTEM}).
 * PIPL Art. 29 requires separate consent per purpose: a consent of one scope never authorises the other purpose.
 */
public enum ConsentScope {
    /** {@code patient-privacy}: share my records with a hospital for my treatment. */
    TREATMENT_SHARING("patient-privacy"),
    /** {@code research}: let an AI firm (or any approved AI firm) use my data for AI training. */
    RESEARCH("research");

    private final String code;

    ConsentScope(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The only purpose this scope can authorise. */
    public Purpose purpose() {
        return this == TREATMENT_SHARING ? Purpose.TREATMENT : Purpose.AI_TRAINING;
    }

    public static Optional<ConsentScope> fromCode(String code) {
        for (ConsentScope s : values()) {
            if (s.code.equals(code)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
