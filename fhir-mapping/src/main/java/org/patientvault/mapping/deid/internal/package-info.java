/**
 * Helpers of the de-identification feature that need none of its types: keyed hashing, the resident-ID and mobile
 * number detectors, date shifting on FHIR and DICOM date strings, and the China region table. Not API; only
 * {@code org.patientvault.mapping.deid} uses them.
 */
package org.patientvault.mapping.deid.internal;
