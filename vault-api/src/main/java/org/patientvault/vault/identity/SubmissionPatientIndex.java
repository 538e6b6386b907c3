package org.patientvault.vault.identity;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.mapping.ResidentId;
import org.patientvault.mapping.linking.LinkSource;
import org.patientvault.mapping.linking.PatientIdentityMerger;
import org.patientvault.mapping.linking.PatientIndex;
import org.patientvault.vault.caller.SubmitterTag;

/**
 * The {@link PatientIndex} of one submitted Patient: <b>one</b> indexed search for all of its identifiers that can
 * link (its resident ID and the submitting hospital's MRNs, OR-ed in one {@code identifier} token search), after which
 * the linker's lookups are answered from memory. Candidate searches (weak evidence) go to {@link VaultPatientIndex}.
 *
 * <p>What counts as a match:
 * <ul>
 *   <li>resident ID: an active Patient carrying it (by construction the vault Patient);</li>
 *   <li>MRN: an active Patient carrying that {@code system|value} <em>assigned by this hospital</em> (its
 *       Organization named as {@code assigner}, or no assigner on a record this hospital submitted). Unlike the
 *       claim index, an unclaimed record of the same hospital counts: the hospital's own record number is strong
 *       evidence that it is the same person the hospital already sent, so its next submission joins that record
 *       (and, once the patient claims it, the vault Patient the MRN moved to). Another hospital's identical
 *       system and value never match.</li>
 * </ul>
 * Patients claimed into another one ({@code active = false}) never match.
 */
final class SubmissionPatientIndex implements PatientIndex {

    private final List<Patient> found;
    private final LinkSource source;
    private final String organizationReference;
    private final VaultPatientIndex vault;

    private SubmissionPatientIndex(List<Patient> found, LinkSource source, String organizationReference,
                                   VaultPatientIndex vault) {
        this.found = found;
        this.source = source;
        this.organizationReference = organizationReference;
        this.vault = vault;
    }

    /** Runs the one search for {@code submitted}'s linkable identifiers (none if it has none). */
    static SubmissionPatientIndex lookup(DaoRegistry daos, VaultPatientIndex vault, Patient submitted,
                                         LinkSource source, String organizationReference) {
        TokenOrListParam tokens = new TokenOrListParam();
        int n = 0;
        for (Identifier id : submitted.getIdentifier()) {
            if (IdentitySystems.RESIDENT_ID.equals(id.getSystem()) && ResidentId.isValid(id.getValue())) {
                tokens.add(IdentitySystems.RESIDENT_ID, ResidentId.parse(id.getValue()).value());
                n++;
            } else if (source.mrnSystem().equals(id.getSystem()) && id.hasValue() && !id.getValue().isBlank()) {
                tokens.add(source.mrnSystem(), id.getValue().strip());
                n++;
            }
        }
        List<Patient> found = new ArrayList<>();
        if (n > 0) {
            SearchParameterMap map = SearchParameterMap.newSynchronous().add("identifier", tokens);
            for (IBaseResource r : daos.getResourceDao("Patient").search(map, new SystemRequestDetails())
                    .getAllResources()) {
                Patient p = (Patient) r;
                if (!(p.hasActive() && !p.getActive())) {
                    found.add(p);
                }
            }
        }
        return new SubmissionPatientIndex(found, source, organizationReference, vault);
    }

    @Override
    public Optional<Entry> findByResidentId(ResidentId residentId) {
        return found.stream().filter(p -> residentId.equals(PatientIdentityMerger.residentIdOf(p))).findFirst()
                .map(SubmissionPatientIndex::entry);
    }

    @Override
    public Optional<Entry> findByMrn(String system, String value) {
        // A vault Patient before an unclaimed record: after a claim the MRN lives on the vault Patient.
        return found.stream().filter(p -> carriesOwnMrn(p, system, value))
                .min(Comparator.comparing(p -> VaultPatientIndex.isVaultPatient(p) ? 0 : 1))
                .map(SubmissionPatientIndex::entry);
    }

    @Override
    public List<Entry> findCandidates(String name, LocalDate birthDate, String phone) {
        return vault.findCandidates(name, birthDate, phone);
    }

    /** The stored Patient {@code id} among those found (with its version), for merging. */
    Patient patient(String id) {
        return found.stream().filter(p -> id.equals(p.getIdElement().getIdPart())).findFirst()
                .orElseThrow(() -> new IllegalStateException("Patient/" + id + " was not among the lookup's results"));
    }

    private boolean carriesOwnMrn(Patient p, String system, String value) {
        boolean submittedByThisHospital = SubmitterTag.of(p).map(source.organizationId()::equals).orElse(false);
        return p.getIdentifier().stream().anyMatch(i -> system.equals(i.getSystem()) && i.hasValue()
                && value.equals(i.getValue().strip())
                && (i.hasAssigner() ? LinkSource.assignedBy(i.getAssigner(), source.organizationId(),
                organizationReference) : submittedByThisHospital));
    }

    private static Entry entry(Patient p) {
        return new Entry(p.getIdElement().getIdPart(), PatientIdentityMerger.residentIdOf(p));
    }
}
