package org.patientvault.consent;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /**
     * The same answer as {@link #currentConsents(String)} for each of several patients, keyed by every id asked for
     * (an empty list where a patient has none), for jobs that decide many patients at once (cohort builds). An
     * implementation may answer in fewer round trips, but must never leave a Consent out of its patient's list: when
     * it cannot attribute a Consent to exactly one patient asked for, it answers per patient instead. Cost: this
     * default makes one {@link #currentConsents(String)} call per patient.
     */
    default Map<String, List<Consent>> currentConsents(Collection<String> patientIds) {
        Map<String, List<Consent>> out = new LinkedHashMap<>();
        for (String id : patientIds) {
            out.put(id, currentConsents(id));
        }
        return out;
    }
}
