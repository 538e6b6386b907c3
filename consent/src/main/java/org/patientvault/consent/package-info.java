/**
 * The patient's Consent model, the pure policy engine, and the one HAPI IConsentService that enforces it.
 * <p>
 * Entry points:
 * <ul>
 * <li>{@link org.patientvault.consent.ConsentValidator}: validates a patient-authored R4 Consent (a list of issues, or
 * an OperationOutcome);</li>
 * <li>{@link org.patientvault.consent.ConsentModel}: parses Consents into immutable
 * {@link org.patientvault.consent.ConsentPolicy} trees;</li>
 * <li>{@link org.patientvault.consent.ConsentEngine#decide}: the pure decision, about 250 ns for 20 consents;</li>
 * <li>{@link org.patientvault.consent.ConsentExplainer}: the same decision with its reasons, for
 * {@code $consent-explain};</li>
 * <li>{@link org.patientvault.consent.DataClassifier}: a resource's data class, modalities and record date;</li>
 * <li>{@link org.patientvault.consent.VaultConsentService}: the enforcement adapter, built from four app-implemented
 * interfaces ({@link org.patientvault.consent.ConsentRequesterResolver}, {@link org.patientvault.consent.ConsentStore},
 * {@link org.patientvault.consent.ResourceOwnership}, {@link org.patientvault.consent.ConsentAuditSink}).</li>
 * </ul>
 * The rules are written out in {@code docs/consent.md}.
 */
package org.patientvault.consent;
