package org.patientvault.mapping.checkup;

import org.hl7.fhir.r4.model.Bundle;
import org.patientvault.mapping.terminology.TerminologySummary;

/**
 * A transaction Bundle built from checkup rows, and what terminology normalisation did to it (for the
 * receipt: mapped counts and the unmapped local codes).
 */
public record CheckupBundle(Bundle bundle, TerminologySummary terminology) {
}
