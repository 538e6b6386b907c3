/**
 * Patient identity matching: which vault Patient a hospital-submitted Patient belongs to, and how hospitals'
 * identifiers accumulate on it without overwriting the patient's own demographics. Public face:
 * {@link PatientLinker} with the {@link PatientIndex}
 * it looks candidates up in, its {@code LinkSource}, {@code LinkDecision} and {@code LinkEvidence};
 * {@code LinkProvenance} (the decision as a FHIR Provenance); {@link PatientIdentityMerger}
 * with {@code PatientIdentityMerge} and {@code IdentityConflictException}. Evidence extraction is in
 * {@code linking.internal}.
 */
package org.patientvault.mapping.linking;
