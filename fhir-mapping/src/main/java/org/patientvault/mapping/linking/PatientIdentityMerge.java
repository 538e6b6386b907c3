package org.patientvault.mapping.linking;

import java.util.List;

import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;

/**
 * Result of {@link PatientIdentityMerger}: the updated vault Patient (a copy; the input is untouched)
 * and the identifiers that were added to it.
 */
public record PatientIdentityMerge(Patient patient, List<Identifier> addedIdentifiers) {
    public PatientIdentityMerge {
        addedIdentifiers = List.copyOf(addedIdentifiers);
    }
}
