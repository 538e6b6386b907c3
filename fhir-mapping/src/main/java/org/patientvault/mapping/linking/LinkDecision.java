package org.patientvault.mapping.linking;

import java.util.List;
import java.util.Objects;
import org.patientvault.mapping.ResidentId;

/**
 * Outcome of {@link PatientLinker#decide}. Exactly one of four shapes; switch on {@link #kind()}.
 *
 * <ul>
 *   <li>{@link LinkExisting}: attach the submission to an existing vault Patient (strong evidence:
 *       resident ID or this hospital's known MRN);</li>
 *   <li>{@link CreateNew}: no existing patient matches strongly; create a new vault Patient;</li>
 *   <li>{@link ClaimCandidate}: only weak evidence (name + birth date + phone) matched; keep the
 *       data unlinked and let the listed patients confirm or reject it — never auto-link;</li>
 *   <li>{@link Reject}: the submission is inconsistent and must be refused with {@link Reject#message()}.</li>
 * </ul>
 */
public sealed interface LinkDecision {

    /** Discriminator. */
    enum Kind { LINK_EXISTING, CREATE_NEW, CLAIM_CANDIDATE, REJECT }

    /** Why a submission was rejected. */
    enum RejectReason {
        /** A resident ID failed validation. */
        INVALID_RESIDENT_ID,
        /** Two different valid resident IDs on one Patient. */
        MULTIPLE_RESIDENT_IDS,
        /** The resident ID conflicts with the patient that the hospital's MRN points to. */
        RESIDENT_ID_CONFLICT,
        /** The hospital's MRNs point to different vault Patients. */
        MRN_CONFLICT,
        /** Neither resident ID, MRN, nor name + birth date + phone. */
        INSUFFICIENT_IDENTITY
    }

    Kind kind();

    LinkEvidence evidence();

    /**
     * Link to {@code patientId}. {@code residentId} is the submitted resident ID (may be null), which the
     * app adds to the vault Patient if absent.
     */
    record LinkExisting(String patientId, ResidentId residentId, LinkEvidence evidence) implements LinkDecision {
        public LinkExisting {
            Objects.requireNonNull(patientId, "patientId");
            Objects.requireNonNull(evidence, "evidence");
        }

        @Override
        public Kind kind() {
            return Kind.LINK_EXISTING;
        }
    }

    /**
     * Create a new vault Patient. {@code lookalikes} are existing patients without a resident ID that
     * match on name + birth date + phone (e.g. a clinic's MRN-only record that arrived earlier): the app
     * may offer them to the new patient as claim candidates; they are never merged automatically.
     */
    record CreateNew(ResidentId residentId, List<String> lookalikes, LinkEvidence evidence) implements LinkDecision {
        public CreateNew {
            lookalikes = List.copyOf(lookalikes);
            Objects.requireNonNull(evidence, "evidence");
        }

        @Override
        public Kind kind() {
            return Kind.CREATE_NEW;
        }
    }

    /** Weak evidence only: the data belongs to nobody until one of {@code candidatePatientIds} claims it. */
    record ClaimCandidate(List<String> candidatePatientIds, LinkEvidence evidence) implements LinkDecision {
        public ClaimCandidate {
            candidatePatientIds = List.copyOf(candidatePatientIds);
            if (candidatePatientIds.isEmpty()) {
                throw new IllegalArgumentException("a claim candidate needs at least one candidate patient");
            }
            Objects.requireNonNull(evidence, "evidence");
        }

        @Override
        public Kind kind() {
            return Kind.CLAIM_CANDIDATE;
        }
    }

    /** Refuse the submission; {@code message} is safe to return to the hospital (IDs masked). */
    record Reject(RejectReason reason, String message, LinkEvidence evidence) implements LinkDecision {
        public Reject {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(evidence, "evidence");
        }

        @Override
        public Kind kind() {
            return Kind.REJECT;
        }
    }
}
