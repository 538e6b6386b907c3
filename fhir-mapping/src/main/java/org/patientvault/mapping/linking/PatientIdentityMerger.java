package org.patientvault.mapping.linking;

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
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.mapping.ResidentId;
import org.patientvault.mapping.ResidentIdException;

/**
 * Accumulates hospitals' identifiers on the vault Patient without overwriting the patient's own
 * demographics.
 *
 * <p><b>Where hospital demographics go.</b> Each hospital's view (its name, birth date, gender, telecom,
 * address and any identifiers not merged) is kept on the vault Patient itself as one extension
 * {@link IdentitySystems#HOSPITAL_VIEW_EXTENSION} per hospital, with sub-extensions {@code organization}
 * (Reference by identifier), {@code name}, {@code birthDate}, {@code gender}, {@code telecom},
 * {@code address} and {@code identifier}. A later submission by the same hospital replaces that
 * hospital's view only, element by element: what it leaves out (e.g. a follow-up naming the patient by MRN only)
 * keeps the hospital's earlier value. We chose an extension over a separate Patient resource because a second Patient
 * would appear in searches and open a second patient compartment, which the access rules would then have
 * to keep in step; the extension stays inside the one compartment the patient owns.
 *
 * <p>Identifiers merged onto the vault Patient: a valid resident ID (only if the patient has none; a
 * different one throws {@link IdentityConflictException}) and the hospital's MRNs in its own system,
 * normalised to {@code type} = v2-0203 MR and {@code assigner} = the hospital Organization. Pure; cost
 * linear in the number of identifiers and extensions.
 */
public final class PatientIdentityMerger {

    /** The sub-extensions of a hospital view besides {@code organization}. */
    private static final List<String> VIEW_PARTS = List.of("name", "birthDate", "gender", "telecom", "address",
            "identifier");

    private PatientIdentityMerger() {
    }

    /**
     * A new vault Patient seeded from the first submission (for {@link LinkDecision.CreateNew}, and for an unlinked
     * record a patient may later claim): the submitted Patient as sent — its demographics become the patient's
     * initial own demographics (the patient may edit them), and what else the hospital recorded (extensions, contacts,
     * marital status, ...) is kept, because a patient's record is not ours to throw away — without its id, meta,
     * narrative, {@code link} and {@code managingOrganization} (the hospital's, recorded in its view), and with its
     * identifiers normalised as for {@link #merge}. The hospital view is recorded as for {@link #merge}.
     */
    public static PatientIdentityMerge newVaultPatient(Patient submitted, LinkSource source) {
        Objects.requireNonNull(submitted, "submitted");
        Patient fresh = submitted.copy();
        fresh.setIdElement(null);
        fresh.setMeta(null);
        fresh.setText(null);
        fresh.getLink().clear();
        fresh.setManagingOrganization(null);
        fresh.getIdentifier().clear();
        fresh.getExtension().removeIf(e -> IdentitySystems.HOSPITAL_VIEW_EXTENSION.equals(e.getUrl()));
        return merge(fresh, submitted, source);
    }

    /**
     * Adds the submission's resident ID and the hospital's MRNs to a copy of {@code vaultPatient} and
     * replaces that hospital's view extension. The vault Patient's own name, birth date, gender, telecom
     * and address are never changed once present; an element the vault Patient has none of (e.g. a Patient
     * created at the patient's first login, which carries only identifiers) is seeded from the submission,
     * so the patient has demographics to be recognised by (claim candidates need name, birth date and phone).
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
        seedAbsent(result, submitted);
        Extension previous = hospitalViewOf(result, source.organizationId());
        Extension view = hospitalView(submitted, source, notMerged);
        if (previous != null) {
            // A follow-up that names the patient only by MRN (a lab result, a study) does not retract what the
            // hospital said before: each element it leaves out keeps its earlier value.
            for (String part : VIEW_PARTS) {
                if (view.getExtensionsByUrl(part).isEmpty()) {
                    previous.getExtensionsByUrl(part).forEach(x -> view.addExtension(x.copy()));
                }
            }
        }
        result.getExtension().removeIf(e -> isViewOf(e, source.organizationId()));
        result.addExtension(view);
        return new PatientIdentityMerge(result, added);
    }

    /** Fills the demographic elements {@code own} has none of from {@code submitted}; never replaces one. */
    private static void seedAbsent(Patient own, Patient submitted) {
        if (!own.hasName()) {
            submitted.getName().forEach(n -> own.addName(n.copy()));
        }
        if (!own.hasBirthDateElement() && submitted.hasBirthDateElement()) {
            own.setBirthDateElement(submitted.getBirthDateElement().copy());
        }
        if (!own.hasGender() && submitted.hasGender()) {
            own.setGender(submitted.getGender());
        }
        if (!own.hasTelecom()) {
            submitted.getTelecom().forEach(t -> own.addTelecom(t.copy()));
        }
        if (!own.hasAddress()) {
            submitted.getAddress().forEach(a -> own.addAddress(a.copy()));
        }
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

    /**
     * The vault Patient as one hospital sees it: without the other hospitals' views and without identifiers another
     * organization assigned (their MRNs), so that reading the patient's record does not tell a hospital where else
     * the patient was treated. The patient's own demographics and the resident ID stay. A copy; the input is
     * untouched. Cost: linear in identifiers and extensions.
     *
     * @param organizationReference the hospital's Organization as {@code Organization/<id>}, or null
     */
    public static Patient asSeenBy(Patient vaultPatient, String organizationId, String organizationReference) {
        Patient seen = vaultPatient.copy();
        seen.getExtension().removeIf(e -> IdentitySystems.HOSPITAL_VIEW_EXTENSION.equals(e.getUrl())
                && !isViewOf(e, organizationId));
        seen.getIdentifier().removeIf(i -> i.hasAssigner()
                && !LinkSource.assignedBy(i.getAssigner(), organizationId, organizationReference));
        return seen;
    }

    /**
     * The vault Patient as the patient herself reads it: her own demographics plus, in the standard elements, the
     * union of what her hospitals recorded (every name in every script, every telecom, address and identifier from
     * each hospital view), each element marked with {@link IdentitySystems#RECORDED_BY_EXTENSION} naming every
     * hospital that recorded it (an element of her own record that a hospital also recorded gets that mark too;
     * an unmarked element is the patient's own). MRNs are on the vault Patient already, each with its hospital as
     * {@code assigner}. Elements equal but for extensions are listed once. A copy; the input is untouched.
     *
     * <p>Computed on read rather than stored: the stored Patient keeps the patient's own demographics apart from
     * hospitals' statements, which hospitals must not see of each other ({@link #asSeenBy} shows a hospital the
     * stored elements); a stored union would put every hospital's names and phones in front of every hospital, and
     * would have to be rebuilt on each merge. Cost: linear in elements × views.
     */
    public static Patient asSeenByPatient(Patient vaultPatient) {
        Patient seen = vaultPatient.copy();
        for (Extension view : vaultPatient.getExtensionsByUrl(IdentitySystems.HOSPITAL_VIEW_EXTENSION)) {
            Extension org = view.getExtensionByUrl("organization");
            if (org == null || !(org.getValue() instanceof org.hl7.fhir.r4.model.Reference ref)) {
                continue;
            }
            for (Extension part : view.getExtension()) {
                if (part.getValue() instanceof HumanName n) {
                    union(seen.getName(), n, ref);
                } else if (part.getValue() instanceof ContactPoint cp) {
                    union(seen.getTelecom(), cp, ref);
                } else if (part.getValue() instanceof Address a) {
                    union(seen.getAddress(), a, ref);
                } else if (part.getValue() instanceof Identifier id) {
                    union(seen.getIdentifier(), id, ref);
                }
            }
        }
        return seen;
    }

    /** Adds {@code element} (or marks its equal) as recorded by {@code org}. */
    private static <T extends org.hl7.fhir.r4.model.Element> void union(List<T> into, T element,
                                                                      org.hl7.fhir.r4.model.Reference org) {
        T bare = bare(element);
        T same = into.stream().filter(x -> bare(x).equalsDeep(bare)).findFirst().orElse(null);
        if (same == null) {
            @SuppressWarnings("unchecked")
            T added = (T) bare.copy();
            into.add(added);
            same = added;
        }
        String code = org.hasIdentifier() ? org.getIdentifier().getValue() : null;
        boolean marked = same.getExtensionsByUrl(IdentitySystems.RECORDED_BY_EXTENSION).stream()
                .anyMatch(x -> x.getValue() instanceof org.hl7.fhir.r4.model.Reference r && r.hasIdentifier()
                        && Objects.equals(code, r.getIdentifier().getValue()));
        if (!marked) {
            same.addExtension(IdentitySystems.RECORDED_BY_EXTENSION, org.copy());
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends org.hl7.fhir.r4.model.Element> T bare(T element) {
        T c = (T) element.copy();
        c.getExtension().clear();
        return c;
    }

    /**
     * True when {@code vaultPatient} holds what others contributed: another hospital's view, or an identifier another
     * organization assigned. Such a Patient is the patient's record, which a single hospital may not overwrite.
     */
    public static boolean holdsOthersData(Patient vaultPatient, String organizationId, String organizationReference) {
        return vaultPatient.getExtension().stream().anyMatch(e -> IdentitySystems.HOSPITAL_VIEW_EXTENSION.equals(
                e.getUrl()) && !isViewOf(e, organizationId))
                || vaultPatient.getIdentifier().stream().anyMatch(i -> i.hasAssigner()
                && !LinkSource.assignedBy(i.getAssigner(), organizationId, organizationReference));
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
