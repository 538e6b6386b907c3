package org.patientvault.mapping.linking;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.mapping.ResidentId;
import org.patientvault.mapping.ResidentIdException;
import org.patientvault.mapping.linking.LinkEvidence.Fact;
import org.patientvault.mapping.linking.LinkEvidence.FactKind;
import org.patientvault.mapping.linking.internal.PatientFacts;

/**
 * Pure identity-matching rules: decides which vault Patient a hospital-submitted Patient belongs to.
 *
 * <p>Rules, in order:
 * <ol>
 *   <li>Every identifier in {@link IdentitySystems#RESIDENT_ID} must be a valid resident ID
 *       (else REJECT); two different valid ones on one Patient are REJECTed (never linked).</li>
 *   <li>Only MRNs in the submitting hospital's own system ({@link LinkSource#mrnSystem()}) are trusted.
 *       If they point to different vault Patients: REJECT.</li>
 *   <li>With a resident ID: REJECT if the patient the MRN points to carries another resident ID, or if
 *       the MRN and the resident ID point to different patients; else LINK_EXISTING to the resident-ID
 *       match, else to the MRN match, else CREATE_NEW (listing MRN-less lookalikes without resident ID
 *       that the new patient may later claim — this handles out-of-order arrival).</li>
 *   <li>Without a resident ID: LINK_EXISTING on a known MRN. Otherwise name + birth date + phone, if all
 *       present, are searched: matches give CLAIM_CANDIDATE (never an automatic link); no match gives
 *       CREATE_NEW. With neither an MRN nor all three demographics: REJECT (insufficient).</li>
 * </ol>
 *
 * <p>Stateless and thread-safe; the cost is that of at most 2 + (number of MRNs) index lookups.
 */
public final class PatientLinker {

    private final PatientIndex index;

    public PatientLinker(PatientIndex index) {
        this.index = Objects.requireNonNull(index, "index");
    }

    /**
     * Decides the link for one submitted Patient.
     *
     * @param submitted the Patient as the hospital sent it (not modified)
     * @param source    the submitting hospital
     */
    public LinkDecision decide(Patient submitted, LinkSource source) {
        Objects.requireNonNull(submitted, "submitted");
        Objects.requireNonNull(source, "source");
        List<Fact> facts = new ArrayList<>();
        String org = source.organizationId();

        Set<ResidentId> residentIds = new LinkedHashSet<>();
        Set<String> mrns = new LinkedHashSet<>();
        for (Identifier id : submitted.getIdentifier()) {
            if (IdentitySystems.RESIDENT_ID.equals(id.getSystem())) {
                try {
                    residentIds.add(ResidentId.parse(id.getValue()));
                } catch (ResidentIdException e) {
                    facts.add(new Fact(FactKind.RESIDENT_ID_INVALID, IdentitySystems.RESIDENT_ID, e.masked(), null,
                            "check failed: " + e.failure()));
                    return new LinkDecision.Reject(LinkDecision.RejectReason.INVALID_RESIDENT_ID, e.getMessage(),
                            new LinkEvidence(org, facts));
                }
            } else if (source.mrnSystem().equals(id.getSystem()) && id.hasValue() && !id.getValue().isBlank()) {
                mrns.add(id.getValue().strip());
            }
        }
        if (residentIds.size() > 1) {
            List<String> masked = residentIds.stream().map(ResidentId::masked).toList();
            facts.add(new Fact(FactKind.RESIDENT_ID_CONFLICT, IdentitySystems.RESIDENT_ID, String.join(",", masked),
                    null, "one Patient carries " + residentIds.size() + " different resident IDs"));
            return new LinkDecision.Reject(LinkDecision.RejectReason.MULTIPLE_RESIDENT_IDS,
                    "Patient carries different resident IDs " + masked + "; a patient has exactly one",
                    new LinkEvidence(org, facts));
        }
        ResidentId residentId = residentIds.isEmpty() ? null : residentIds.iterator().next();

        PatientIndex.Entry byMrn = null;
        for (String mrn : mrns) {
            Optional<PatientIndex.Entry> hit = index.findByMrn(source.mrnSystem(), mrn);
            if (hit.isEmpty()) {
                facts.add(new Fact(FactKind.MRN_UNKNOWN, source.mrnSystem(), mrn, null, "MRN not seen before"));
                continue;
            }
            facts.add(new Fact(FactKind.MRN_MATCH, source.mrnSystem(), mrn, List.of(hit.get().patientId()), "MRN known"));
            if (byMrn != null && !byMrn.patientId().equals(hit.get().patientId())) {
                facts.add(new Fact(FactKind.IDENTIFIER_CONFLICT, source.mrnSystem(), mrn, List.of(hit.get().patientId()),
                        "MRNs of this Patient point to different vault patients"));
                return new LinkDecision.Reject(LinkDecision.RejectReason.MRN_CONFLICT,
                        "the MRNs on this Patient belong to different patients in the vault",
                        new LinkEvidence(org, facts));
            }
            byMrn = hit.get();
        }

        String name = PatientFacts.name(submitted);
        LocalDate birthDate = PatientFacts.birthDate(submitted);
        String phone = PatientFacts.phone(submitted);
        boolean demographicsComplete = name != null && birthDate != null && phone != null;

        if (residentId != null) {
            Optional<PatientIndex.Entry> byRid = index.findByResidentId(residentId);
            facts.add(byRid.map(e -> new Fact(FactKind.RESIDENT_ID_MATCH, IdentitySystems.RESIDENT_ID,
                            residentId.masked(), List.of(e.patientId()), "resident ID known"))
                    .orElseGet(() -> new Fact(FactKind.RESIDENT_ID_UNKNOWN, IdentitySystems.RESIDENT_ID,
                            residentId.masked(), null, "resident ID not seen before")));
            if (byMrn != null && byMrn.residentId() != null && !byMrn.residentId().equals(residentId)) {
                facts.add(new Fact(FactKind.RESIDENT_ID_CONFLICT, IdentitySystems.RESIDENT_ID,
                        byMrn.residentId().masked(), List.of(byMrn.patientId()),
                        "the patient this MRN belongs to has another resident ID"));
                return new LinkDecision.Reject(LinkDecision.RejectReason.RESIDENT_ID_CONFLICT,
                        "resident ID " + residentId.masked() + " conflicts with resident ID "
                                + byMrn.residentId().masked() + " of the patient this hospital's MRN belongs to",
                        new LinkEvidence(org, facts));
            }
            if (byMrn != null && byRid.isPresent() && !byRid.get().patientId().equals(byMrn.patientId())) {
                facts.add(new Fact(FactKind.IDENTIFIER_CONFLICT, IdentitySystems.RESIDENT_ID, residentId.masked(),
                        List.of(byRid.get().patientId()), "resident ID and MRN point to different vault patients"));
                return new LinkDecision.Reject(LinkDecision.RejectReason.RESIDENT_ID_CONFLICT,
                        "resident ID " + residentId.masked()
                                + " belongs to a different patient than this hospital's MRN",
                        new LinkEvidence(org, facts));
            }
            if (byRid.isPresent()) {
                return new LinkDecision.LinkExisting(byRid.get().patientId(), residentId, new LinkEvidence(org, facts));
            }
            if (byMrn != null) {
                return new LinkDecision.LinkExisting(byMrn.patientId(), residentId, new LinkEvidence(org, facts));
            }
            List<String> lookalikes = List.of();
            if (demographicsComplete) {
                lookalikes = index.findCandidates(name, birthDate, phone).stream()
                        .filter(e -> e.residentId() == null).map(PatientIndex.Entry::patientId).distinct().toList();
                if (!lookalikes.isEmpty()) {
                    facts.add(new Fact(FactKind.DEMOGRAPHIC_MATCH, null, null, lookalikes,
                            "existing records without resident ID share name, birth date and phone"));
                }
            }
            return new LinkDecision.CreateNew(residentId, lookalikes, new LinkEvidence(org, facts));
        }

        if (byMrn != null) {
            return new LinkDecision.LinkExisting(byMrn.patientId(), null, new LinkEvidence(org, facts));
        }
        if (demographicsComplete) {
            List<String> candidates = index.findCandidates(name, birthDate, phone).stream()
                    .map(PatientIndex.Entry::patientId).distinct().toList();
            if (!candidates.isEmpty()) {
                facts.add(new Fact(FactKind.DEMOGRAPHIC_MATCH, null, null, candidates,
                        "name, birth date and phone match; weak evidence, needs the patient's confirmation"));
                return new LinkDecision.ClaimCandidate(candidates, new LinkEvidence(org, facts));
            }
            facts.add(new Fact(FactKind.DEMOGRAPHIC_NO_MATCH, null, null, null,
                    "name, birth date and phone match no vault patient"));
        }
        if (!mrns.isEmpty() || demographicsComplete) {
            return new LinkDecision.CreateNew(null, List.of(), new LinkEvidence(org, facts));
        }
        facts.add(new Fact(FactKind.INSUFFICIENT, null, null, null,
                "no resident ID, no MRN in " + source.mrnSystem() + ", and not all of name, birth date, phone"));
        return new LinkDecision.Reject(LinkDecision.RejectReason.INSUFFICIENT_IDENTITY,
                "Patient cannot be identified: give a resident ID, an MRN in system " + source.mrnSystem()
                        + ", or all of name, birth date and phone",
                new LinkEvidence(org, facts));
    }
}
