/**
 * Checkup CSV intake ({@code docs/checkup-csv.md}): parse and validate a clinic's CSV into rows, all or nothing, then
 * build one FHIR R4 transaction Bundle from them with terminology normalisation applied. Public face:
 * {@link org.patientvault.mapping.checkup.CheckupCsvParser} (rows or a {@code CheckupCsvException} listing every
 * {@code CheckupCsvError}), {@code CheckupRow}, {@link org.patientvault.mapping.checkup.CheckupBundleBuilder} with
 * {@code CheckupSource}, and the resulting {@code CheckupBundle}. The RFC 4180 tokenizer and strict decoding are in
 * {@code checkup.internal}.
 */
package org.patientvault.mapping.checkup;
