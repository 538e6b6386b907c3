package org.patientvault.consent;

import java.util.Optional;

/**
 * The classes of data a patient can share, as coded in {@link ConsentCodes#DATA_CLASS_SYSTEM}.
 * {@link #ALL} appears only in provisions (meaning "no data-class restriction"); a resource is
 * classified into one of the concrete classes, or is unclassified.
 */
public enum DataClass {
    IMAGING("imaging"),
    LABORATORY("laboratory"),
    CHECKUP("checkup"),
    VITAL_SIGNS("vital-signs"),
    CONDITIONS("conditions"),
    MEDICATIONS("medications"),
    DOCUMENTS("documents"),
    ALL("all");

    private final String code;

    DataClass(String code) {
        this.code = code;
    }

    /** The code in {@link ConsentCodes#DATA_CLASS_SYSTEM}. */
    public String code() {
        return code;
    }

    /** Bit used by the engine's masks; {@link #ALL} has none (it is the absence of a restriction). */
    int bit() {
        return this == ALL ? 0 : 1 << ordinal();
    }

    /** Looks a code up; empty if it is not one of ours. */
    public static Optional<DataClass> fromCode(String code) {
        for (DataClass c : values()) {
            if (c.code.equals(code)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
