/**
 * Implementation of data-quality scoring: the default checks, their tables and the per-submission index. Nothing
 * here is API; use {@link org.patientvault.mapping.QualityScorer} and {@link org.patientvault.mapping.QualityChecks}.
 */
package org.patientvault.mapping.internal.quality;
