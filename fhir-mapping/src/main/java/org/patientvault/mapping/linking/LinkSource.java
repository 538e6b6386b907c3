package org.patientvault.mapping.linking;

import java.util.Objects;

import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.patientvault.mapping.IdentitySystems;

/**
 * The submitting hospital or clinic, as identity matching sees it.
 *
 * @param organizationId the hospital's OAuth client id (= its Organization identifier value under
 *                       {@link IdentitySystems#ORGANIZATION})
 * @param mrnSystem      the identifier system of that hospital's medical record numbers; only MRNs in
 *                       this system are trusted for matching, because a hospital can vouch only for its own
 */
public record LinkSource(String organizationId, String mrnSystem) {

    public LinkSource {
        if (organizationId == null || organizationId.isBlank()) {
            throw new IllegalArgumentException("LinkSource.organizationId must not be blank");
        }
        if (mrnSystem == null || mrnSystem.isBlank()) {
            throw new IllegalArgumentException("LinkSource.mrnSystem must not be blank");
        }
    }

    /**
     * The identity view of a hospital submitting {@code submitted}: its MRN system is the system of the first
     * identifier the hospital itself assigned ({@code assigner} = its Organization, by {@link IdentitySystems#ORGANIZATION}
     * identifier or by {@code organizationReference}); failing that, of the first identifier typed v2-0203 {@code MR}
     * without an assigner (a hospital's record numbers are its own unless it says otherwise); failing that,
     * {@link #defaultMrnSystem}. An identifier another organization assigned is never this hospital's MRN. Pure.
     *
     * @param organizationReference the hospital's Organization as a literal reference ({@code Organization/<id>}),
     *                              or null when unknown
     */
    public static LinkSource forSubmission(Patient submitted, String organizationId, String organizationReference) {
        Objects.requireNonNull(submitted, "submitted");
        String typedMr = null;
        for (Identifier id : submitted.getIdentifier()) {
            if (!id.hasSystem() || !id.hasValue() || IdentitySystems.RESIDENT_ID.equals(id.getSystem())) {
                continue;
            }
            if (id.hasAssigner()) {
                if (assignedBy(id.getAssigner(), organizationId, organizationReference)) {
                    return new LinkSource(organizationId, id.getSystem());
                }
            } else if (typedMr == null && isMrType(id)) {
                typedMr = id.getSystem();
            }
        }
        return new LinkSource(organizationId, typedMr != null ? typedMr : defaultMrnSystem(organizationId));
    }

    /** The MRN system of a hospital that names none: {@code https://patientvault.org/fhir/sid/mrn/<client id>}. */
    public static String defaultMrnSystem(String organizationId) {
        return IdentitySystems.BASE + "/sid/mrn/" + organizationId;
    }

    /** True when {@code assigner} names organization {@code organizationId} (by identifier or literal reference). */
    public static boolean assignedBy(Reference assigner, String organizationId, String organizationReference) {
        if (assigner == null || organizationId == null) {
            return false;
        }
        if (assigner.hasIdentifier() && IdentitySystems.ORGANIZATION.equals(assigner.getIdentifier().getSystem())
                && organizationId.equals(assigner.getIdentifier().getValue())) {
            return true;
        }
        return organizationReference != null && assigner.hasReference()
                && organizationReference.equals(assigner.getReferenceElement().toUnqualifiedVersionless().getValue());
    }

    private static boolean isMrType(Identifier id) {
        return id.getType().getCoding().stream().anyMatch(c -> IdentitySystems.V2_0203.equals(c.getSystem())
                && IdentitySystems.MRN_TYPE_CODE.equals(c.getCode()));
    }

    /** A logical reference to the hospital's Organization (by identifier, resolvable in the directory). */
    public Reference organizationReference() {
        return new Reference().setIdentifier(
                new Identifier().setSystem(IdentitySystems.ORGANIZATION).setValue(organizationId));
    }

    /** An MRN identifier in this hospital's system, typed v2-0203 MR, assigned by this hospital. */
    public Identifier mrnIdentifier(String value) {
        Objects.requireNonNull(value, "value");
        Identifier id = new Identifier().setUse(Identifier.IdentifierUse.USUAL).setSystem(mrnSystem).setValue(value);
        id.getType().addCoding().setSystem(IdentitySystems.V2_0203).setCode(IdentitySystems.MRN_TYPE_CODE);
        id.setAssigner(organizationReference());
        return id;
    }
}
