/**
 * Hospital data made usable: a pure library (no Spring MVC) split by feature into {@code dicom}, {@code checkup},
 * {@code terminology}, {@code linking} and {@code quality}. This root package holds only the vocabulary several
 * features share: {@link org.patientvault.mapping.IdentitySystems} (identifier systems, code systems, extension URLs)
 * and {@link org.patientvault.mapping.ResidentId} with its {@link org.patientvault.mapping.ResidentIdException}. It
 * depends on no feature package, so the features can depend on it without a cycle. Each feature keeps its helpers in
 * its own {@code internal} package, which nothing outside that feature may use (ArchUnit checks both rules).
 */
package org.patientvault.mapping;
