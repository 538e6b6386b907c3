package org.patientvault.consent;

import java.util.Objects;
import java.time.Instant;

/**
 * A (real or hypothetical) request to use one resource of one patient.
 *
 * @param recipient   who would receive it
 * @param purpose     why; only consents of {@code purpose.scope()} are considered
 * @param time        when the use happens (consent and provision periods are checked against it)
 * @param facts       the resource's data class, modalities and record date
 * @param crossBorder true if the data would leave the country (PIPL Art. 38/39): needs a provision flagged
 *                    {@link ConsentCodes#CROSS_BORDER_EXTENSION} = true
 */
public record AccessRequest(Recipient recipient, Purpose purpose, Instant time, ResourceFacts facts, boolean crossBorder) {
    public AccessRequest {
        Objects.requireNonNull(recipient, "AccessRequest.recipient is required");
        Objects.requireNonNull(purpose, "AccessRequest.purpose is required");
        Objects.requireNonNull(time, "AccessRequest.time is required");
        Objects.requireNonNull(facts, "AccessRequest.facts is required");
    }
}
