/**
 * Data-quality scoring after Kahn (conformance, completeness, plausibility; {@code docs/data-quality.md}). Quality
 * never rejects: every resource gets a score and issues. Public face:
 * {@link org.patientvault.mapping.quality.QualityScorer} with {@link org.patientvault.mapping.quality.QualityChecks}
 * (the default checks and their ids) and {@code QualityWeights}; the plug-in contract
 * {@link org.patientvault.mapping.quality.QualityCheck} with {@code QualityContext}, {@code QualityIssueSink},
 * {@code QualityCategory}, {@code QualitySeverity} and {@code QualityValidationMessage}; the results
 * ({@code QualityReport}, {@code QualityResourceResult}, {@code QualityIssue}, {@code QualitySubmissionResult},
 * {@code QualityScorecard}, {@code QualityScoreExtension}, {@code QualityFingerprint}); and the two exceptions. The
 * default checks, their tables and the per-submission index are package-private here because they implement the
 * plug-in contract; {@code quality.internal} holds helpers that know nothing of it.
 */
package org.patientvault.mapping.quality;
