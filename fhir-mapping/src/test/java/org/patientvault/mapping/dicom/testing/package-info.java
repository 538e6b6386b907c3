/**
 * Reusable DICOM test fixtures, published in fhir-mapping's test-jar for other modules' tests: {@link
 * org.patientvault.mapping.dicom.testing.Dcmtk} runs the dcmtk tools (the test oracle; fails with the install hint
 * when they are missing) and {@link org.patientvault.mapping.dicom.testing.DicomFixtures} holds the pixel data
 * builders, the dump lines that describe them, and fhir-mapping's own generated fixture set. Test code only.
 */
package org.patientvault.mapping.dicom.testing;
