package org.patientvault.consent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Cohort eligibility: whether one patient's consents permit one AI-training use, decided by the same
 * {@link ConsentEngine} that filters every {@code /fhir} read (never a copy of its rules).
 *
 * <p>A patient is <b>eligible</b> when, for every data class the cohort asks for (and, for imaging, every modality it
 * asks for), a record of that class dated at each end of the cohort's data period would be permitted to this firm,
 * for purpose {@link Purpose#AI_TRAINING}, cross-border if the firm is abroad. A cohort without a data period asks
 * about a record of unknown date, which only provisions without a data-period restriction permit (the engine treats
 * an unknown date as "possibly outside"). Each <b>record</b> is then decided on its own facts with {@link #permits}:
 * eligibility says the patient is in, the per-record decision says which of their records go.
 *
 * <p>Cost: one {@link ConsentEngine#decide} per (class, modality, period end), i.e. a handful per patient; no I/O.
 *
 * @param firm        the requesting AI firm as a consent recipient
 * @param crossBorder whether the data leaves the country
 * @param classes     the data classes asked for (never {@link DataClass#ALL}; not empty)
 * @param modalities  the imaging modalities asked for (empty: any; only consulted when {@code classes} has imaging)
 * @param dataStart   start of the data period, or null
 * @param dataEnd     end of the data period (exclusive), or null
 */
public record CohortEligibility(Recipient firm, boolean crossBorder, Set<DataClass> classes, Set<String> modalities,
                                Instant dataStart, Instant dataEnd) {

    public CohortEligibility {
        Objects.requireNonNull(firm, "firm");
        if (firm.kind() != RecipientKind.AI_FIRM) {
            throw new IllegalArgumentException("a cohort is requested by an AI firm");
        }
        if (classes == null || classes.isEmpty() || classes.contains(DataClass.ALL)) {
            throw new IllegalArgumentException("name the concrete data classes a cohort asks for");
        }
        classes = Set.copyOf(classes);
        modalities = modalities == null ? Set.of() : Set.copyOf(modalities);
    }

    /** The outcome for one patient: eligible or not, and the decisions that said so (their consent ids). */
    public record PatientOutcome(boolean eligible, Decision.Code code, List<String> consentIds) {
    }

    /** Whether this patient's consents (parsed, any status) admit them to the cohort at {@code now}. */
    public PatientOutcome patient(List<ConsentPolicy> consents, Instant now) {
        Set<String> relied = new LinkedHashSet<>();
        for (ResourceFacts facts : hypotheticalRecords()) {
            Decision d = ConsentEngine.decide(consents, new AccessRequest(firm, Purpose.AI_TRAINING, now, facts,
                    crossBorder));
            if (!d.permitted()) {
                return new PatientOutcome(false, d.code(), List.of());
            }
            relied.add(d.consentId());
        }
        return new PatientOutcome(true, Decision.Code.PERMITTED, List.copyOf(relied));
    }

    /** The engine's decision on one of the patient's records, described by its {@code facts}. */
    public Decision permits(List<ConsentPolicy> consents, ResourceFacts facts, Instant now) {
        return ConsentEngine.decide(consents, new AccessRequest(firm, Purpose.AI_TRAINING, now, facts, crossBorder));
    }

    /** Whether a record of these facts is one the cohort asks for at all (class, modality, data period). */
    public boolean asksFor(ResourceFacts facts) {
        if (facts.dataClass() == null || !classes.contains(facts.dataClass())) {
            return false;
        }
        if (facts.dataClass() == DataClass.IMAGING && !modalities.isEmpty()
                && facts.modalities().stream().noneMatch(modalities::contains)) {
            return false;
        }
        if (dataStart == null && dataEnd == null) {
            return true;
        }
        Instant d = facts.recordDate();
        return d != null && (dataStart == null || !d.isBefore(dataStart)) && (dataEnd == null || d.isBefore(dataEnd));
    }

    private List<ResourceFacts> hypotheticalRecords() {
        List<Instant> dates = new ArrayList<>();
        if (dataStart == null && dataEnd == null) {
            dates.add(null);
        } else {
            if (dataStart != null) {
                dates.add(dataStart);
            }
            if (dataEnd != null) {
                dates.add(dataEnd.minusMillis(1));
            }
        }
        List<ResourceFacts> out = new ArrayList<>();
        for (DataClass c : classes) {
            for (Instant date : dates) {
                if (c == DataClass.IMAGING && !modalities.isEmpty()) {
                    for (String m : modalities) {
                        out.add(ResourceFacts.imaging(m, date));
                    }
                } else {
                    out.add(ResourceFacts.of(c, date));
                }
            }
        }
        return out;
    }
}
