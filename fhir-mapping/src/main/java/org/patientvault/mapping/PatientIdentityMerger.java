package org.patientvault.mapping;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;

/**
 * Accumulates hospitals' identifiers on the vault Patient without overwriting the patient's own
 * demographics.
 *
 * <p><b>Where hospital demographics go.</b> Each hospital's view (its name, birth date, gender, telecom,
 * address and any identifiers not merged) is kept on the vault Patient itself as one extension
 * {@link IdentitySystems#HOSPITAL_VIEW_EXTENSION} per hospital, with sub-extensions {@code organization}
 * (Reference by identifier), {@code name}, {@code birthDate}, {@code gender}, {@code telecom},
 * {@code address} and {@code identifier}. A later submission by the same hospital replaces that
 * hospital's view only. We chose an extension over a separate Patient resource because a second Patient
 * would appear in searches and open a second patient compartment, which the access rules would then have
 * to keep in step; the extension stays inside the one compartment the patient owns.
 *
 * <p>Identifiers merged onto the vault Patient: a valid resident ID (only if the patient has none; a
 * different one throws {@link IdentityConflictException}) and the hospital's MRNs in its own system,
 * normalised to {@code type} = v2-0203 MR and {@code assigner} = the hospital Organization. Pure; cost
 * linear in the number of identifiers and extensions.
 */
public final class PatientIdentityMerger {

    private PatientIdentityMerger() {
    }

    /**
     * A new vault Patient seeded from the first submission (for {@link LinkDecision.CreateNew}): the
     * submission's demographics become the patient's initial own demographics (the patient may edit
     * them), and the hospital view is recorded as for {@link #merge}.
     */
    public static PatientIdentityMerge newVaultPatient(Patient submitted, LinkSource source) {
        Objects.requireNonNull(submitted, "submitted");
        Patient fresh = new Patient();
        for (HumanName n : submitted.getName()) {
            fresh.addName(n.copy());
        }
        if (submitted.hasBirthDateElement()) {
            fresh.setBirthDateElement(submitted.getBirthDateElement().copy());
        }
        if (submitted.hasGender()) {
            fresh.setGender(submitted.getGender());
        }
        for (ContactPoint cp : submitted.getTelecom()) {
            fresh.addTelecom(cp.copy());
        }
        for (Address a : submitted.getAddress()) {
            fresh.addAddress(a.copy());
        }
        return merge(fresh, submitted, source);
    }

    /**
     * Adds the submission's resident ID and the hospital's MRNs to a copy of {@code vaultPatient} and
     * replaces that hospital's view extension. The vault Patient's own name, birth date, gender, telecom
     * and address are never changed.
     *
     * @throws IdentityConflictException if the submission's resident ID differs from the vault Patient's
     * @throws ResidentIdException       if the submission carries an invalid resident ID
     */
    public static PatientIdentityMerge merge(Patient vaultPatient, Patient submitted, LinkSource source) {
        Objects.requireNonNull(vaultPatient, "vaultPatient");
        Objects.requireNonNull(submitted, "submitted");
        Objects.requireNonNull(source, "source");
        Patient result = vaultPatient.copy();
        List<Identifier> added = new ArrayList<>();
        List<Identifier> notMerged = new ArrayList<>();
        for (Identifier id : submitted.getIdentifier()) {
            if (IdentitySystems.RESIDENT_ID.equals(id.getSystem())) {
                ResidentId rid = ResidentId.parse(id.getValue());
                ResidentId existing = residentIdOf(result);
                if (existing == null) {
                    Identifier ident = rid.toIdentifier();
                    result.addIdentifier(ident);
                    added.add(ident);
                } else if (!existing.equals(rid)) {
                    throw new IdentityConflictException("vault patient already has resident ID " + existing.masked()
                            + "; refusing to add " + rid.masked());
                }
            } else if (source.mrnSystem().equals(id.getSystem()) && id.hasValue() && !id.getValue().isBlank()) {
                String value = id.getValue().strip();
                boolean present = result.getIdentifier().stream()
                        .anyMatch(x -> source.mrnSystem().equals(x.getSystem()) && value.equals(x.getValue()));
                if (!present) {
                    Identifier mrn = source.mrnIdentifier(value);
                    result.addIdentifier(mrn);
                    added.add(mrn);
                }
            } else if (id.hasValue()) {
                notMerged.add(id);
            }
        }
        result.getExtension().removeIf(e -> isViewOf(e, source.organizationId()));
        result.addExtension(hospitalView(submitted, source, notMerged));
        return new PatientIdentityMerge(result, added);
    }

    /** The resident ID on a Patient, or null; invalid stored values are treated as absent. */
    public static ResidentId residentIdOf(Patient p) {
        for (Identifier id : p.getIdentifier()) {
            if (IdentitySystems.RESIDENT_ID.equals(id.getSystem()) && ResidentId.isValid(id.getValue())) {
                return ResidentId.parse(id.getValue());
            }
        }
        return null;
    }

    /** The hospital-view extension for {@code organizationId}, or null. */
    public static Extension hospitalViewOf(Patient p, String organizationId) {
        return p.getExtension().stream().filter(e -> isViewOf(e, organizationId)).findFirst().orElse(null);
    }

    private static boolean isViewOf(Extension e, String organizationId) {
        if (!IdentitySystems.HOSPITAL_VIEW_EXTENSION.equals(e.getUrl())) {
            return false;
        }
        Extension org = e.getExtensionByUrl("organization");
        return org != null && org.getValue() instanceof org.hl7.fhir.r4.model.Reference r
                && r.hasIdentifier() && organizationId.equals(r.getIdentifier().getValue());
    }

    private static Extension hospitalView(Patient submitted, LinkSource source, List<Identifier> notMerged) {
        Extension view = new Extension(IdentitySystems.HOSPITAL_VIEW_EXTENSION);
        view.addExtension("organization", source.organizationReference());
        for (HumanName n : submitted.getName()) {
            view.addExtension("name", n.copy());
        }
        if (submitted.hasBirthDateElement()) {
            view.addExtension("birthDate", submitted.getBirthDateElement().copy());
        }
        if (submitted.hasGender()) {
            view.addExtension("gender", new CodeType(submitted.getGender().toCode()));
        }
        for (ContactPoint cp : submitted.getTelecom()) {
            view.addExtension("telecom", cp.copy());
        }
        for (Address a : submitted.getAddress()) {
            view.addExtension("address", a.copy());
        }
        for (Identifier id : notMerged) {
            view.addExtension("identifier", id.copy());
        }
        return view;
    }
}
