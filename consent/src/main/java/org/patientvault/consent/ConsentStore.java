package org.patientvault.consent;

import java.util.List;
import org.hl7.fhir.r4.model.Consent;

/**
 * The current version of every Consent in one patient's compartment, whatever its status (the engine ignores
 * inactive ones, and revocation must be visible on the very next request, so do not cache across requests).
 * Called at most once per patient per request. Must not return null; an exception hides that patient's
 * resources for the request.
 */
@FunctionalInterface
public interface ConsentStore {
    List<Consent> currentConsents(String patientId);
}
