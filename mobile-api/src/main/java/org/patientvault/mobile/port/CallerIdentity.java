package org.patientvault.mobile.port;

import java.util.Optional;

/**
 * Who the caller of the current HTTP request is, as far as the patient API needs to know. Cost: a thread-local read.
 */
public interface CallerIdentity {

    /**
     * The id of the caller's own vault Patient (without {@code Patient/}), when the caller is a patient whose account
     * is linked to one; empty for any other caller.
     */
    Optional<String> patientId();
}
