package org.patientvault.mapping.linking;

import java.util.List;
import java.util.Objects;

/**
 * Why a {@link LinkDecision} was taken: the submitting organization and the facts considered, in
 * order. Values of national IDs are stored masked; MRNs are stored in full because they are only
 * meaningful inside the hospital that issued them and are needed to audit the link. The app records
 * this in a Provenance ({@link LinkProvenance}).
 */
public record LinkEvidence(String organizationId, List<Fact> facts) {

    /** The kind of a fact. */
    public enum FactKind {
        /** A valid resident ID was submitted and matched an existing vault Patient. */
        RESIDENT_ID_MATCH,
        /** A valid resident ID was submitted and no vault Patient has it yet. */
        RESIDENT_ID_UNKNOWN,
        /** A submitted resident ID failed validation. */
        RESIDENT_ID_INVALID,
        /** The submitted resident ID differs from the one on the patient another identifier points to. */
        RESIDENT_ID_CONFLICT,
        /** The hospital's MRN matched an existing vault Patient. */
        MRN_MATCH,
        /** The hospital's MRN is not known yet. */
        MRN_UNKNOWN,
        /** Two identifiers of the submission point to different vault Patients. */
        IDENTIFIER_CONFLICT,
        /** Name, birth date and phone matched these vault Patients (weak evidence). */
        DEMOGRAPHIC_MATCH,
        /** Name, birth date and phone were present but matched nobody. */
        DEMOGRAPHIC_NO_MATCH,
        /** Not enough data to identify anyone. */
        INSUFFICIENT
    }

    /**
     * One fact.
     *
     * @param system    identifier system concerned, or null
     * @param value     identifier value (masked for resident IDs), or null
     * @param patientIds vault Patients concerned (empty if none)
     * @param detail     human-readable explanation without national IDs or clinical values
     */
    public record Fact(FactKind kind, String system, String value, List<String> patientIds, String detail) {
        public Fact {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(detail, "detail");
            patientIds = patientIds == null ? List.of() : List.copyOf(patientIds);
        }
    }

    public LinkEvidence {
        Objects.requireNonNull(organizationId, "organizationId");
        facts = List.copyOf(facts);
    }

    /** True when some fact has the given kind. */
    public boolean has(FactKind kind) {
        return facts.stream().anyMatch(f -> f.kind() == kind);
    }
}
