package org.patientvault.mapping;

import java.util.Objects;

import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

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
