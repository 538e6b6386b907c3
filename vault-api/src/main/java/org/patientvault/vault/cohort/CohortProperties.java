package org.patientvault.vault.cohort;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code vault.cohort.*}: AI-firm cohorts ({@code docs/cohorts.md}).
 *
 * @param minCohortSize          fewest eligible patients a release may have; fewer ends the build as "too small",
 *                               and every count below it is shown to the firm as "&lt;N". Default 20
 * @param k                      k of the k-anonymity guard over (birth year, sex, province); default 5
 * @param fileLifetime           how long a release's files can be downloaded; then they are deleted and their key
 *                               destroyed. Default 7 days
 * @param retryAfter             the {@code Retry-After} a poll of a running build is answered with; default 2s
 * @param maxPatients            most consenting patients one build considers (a guard against runaway builds);
 *                               default 100000
 * @param allowInsecureCallbacks whether a firm's notification endpoint may be plain {@code http://} (development and
 *                               tests only; production needs https). Default false
 * @param callbackTimeout        how long a notification POST may take; default 10s
 * @param buildThreads           threads one build selects patients and writes chunks of the release on (the build's
 *                               own coordinator thread not counted): each runs database reads, de-identification,
 *                               JSON encoding and encryption for a chunk of patients. Default: the machine's
 *                               processors, at least 2 (much of a chunk's time is spent waiting for PostgreSQL and
 *                               the object store) and at most 4
 */
@ConfigurationProperties("vault.cohort")
record CohortProperties(Integer minCohortSize, Integer k, Duration fileLifetime, Duration retryAfter,
                        Integer maxPatients, Boolean allowInsecureCallbacks, Duration callbackTimeout,
                        Integer buildThreads) {

    CohortProperties {
        minCohortSize = minCohortSize == null ? 20 : minCohortSize;
        k = k == null ? 5 : k;
        fileLifetime = fileLifetime == null ? Duration.ofDays(7) : fileLifetime;
        retryAfter = retryAfter == null ? Duration.ofSeconds(2) : retryAfter;
        maxPatients = maxPatients == null ? 100_000 : maxPatients;
        allowInsecureCallbacks = allowInsecureCallbacks != null && allowInsecureCallbacks;
        callbackTimeout = callbackTimeout == null ? Duration.ofSeconds(10) : callbackTimeout;
        buildThreads = buildThreads == null
                ? Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors())) : buildThreads;
        if (minCohortSize < 1) {
            throw new IllegalArgumentException("vault.cohort.min-cohort-size must be at least 1, was " + minCohortSize);
        }
        if (k < 1) {
            throw new IllegalArgumentException("vault.cohort.k must be at least 1, was " + k);
        }
        if (buildThreads < 1 || buildThreads > 64) {
            throw new IllegalArgumentException("vault.cohort.build-threads must be 1 to 64, was " + buildThreads);
        }
        if (fileLifetime.isNegative() || fileLifetime.isZero()) {
            throw new IllegalArgumentException("vault.cohort.file-lifetime must be positive, was " + fileLifetime);
        }
    }

    /** A count as the firm may see it: exact from the minimum cohort size up, else "&lt;N". */
    String shown(long count) {
        return count >= minCohortSize ? Long.toString(count) : "<" + minCohortSize;
    }
}
