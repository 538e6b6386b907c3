package org.patientvault.mapping;

import org.hl7.fhir.r4.model.Bundle;

/**
 * A transaction Bundle built from checkup rows, and what terminology normalisation did to it (for the
 * receipt: mapped counts and the unmapped local codes).
 */
public record CheckupBundle(Bundle bundle, TerminologySummary terminology) {
}
