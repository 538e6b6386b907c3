/**
 * Helpers of the DICOM feature that need none of its types: Specific Character Set lookup, DICOM value to FHIR type
 * conversions and the tee stream. Not API; only {@code org.patientvault.mapping.dicom} uses them.
 */
package org.patientvault.mapping.dicom.internal;
