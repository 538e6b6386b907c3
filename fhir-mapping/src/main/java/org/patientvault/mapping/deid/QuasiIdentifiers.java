package org.patientvault.mapping.deid;

/**
 * The quasi-identifiers of one released patient, as the k-anonymity guard sees them.
 *
 * @param birthYear the (true) birth year, or null when unknown
 * @param sex       administrative sex code ({@code male}, {@code female}, ...), or null
 * @param province  province (name, pinyin or GB/T 2260 code), or null
 */
public record QuasiIdentifiers(Integer birthYear, String sex, String province) {
}
