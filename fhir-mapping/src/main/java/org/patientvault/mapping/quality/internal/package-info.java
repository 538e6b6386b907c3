/**
 * Helpers of data-quality scoring that need none of its types: duplicate fingerprints, the resident-ID checksum and
 * the known code and identifier systems. Nothing here is API; use {@code quality.QualityScorer} and
 * {@code quality.QualityFingerprint} (named, not linked: a link would be a dependency back on the feature).
 */
package org.patientvault.mapping.quality.internal;
