package org.patientvault.vault.fhir;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code vault.fhir.*}: the FHIR server's behaviour.
 *
 * @param maxRequestSize          largest request body accepted at {@code /fhir}; larger gets 413. Default 64MB
 * @param validateRequests        validate every created/updated resource against base R4 (offline); default true
 * @param warmUpValidation        build the validator's converted definitions and snapshots in the background at start
 *                                rather than inside the first submission; default true
 * @param reuseSearchResultsMillis how long identical searches reuse cached results; default 0 (off) so that totals
 *                                are never stale
 * @param defaultPageSize         default {@code _count}; default 20
 * @param maxPageSize             largest {@code _count}; default 200
 * @param validationSliceEntries  a JSON transaction or batch Bundle with more entries is validated in slices of this
 *                                many entries, with the same findings (SlicedBundleValidator); default 64
 * @param validationThreads       threads that validate slices, shared by all requests; default 2
 */
@ConfigurationProperties("vault.fhir")
public record FhirProperties(DataSize maxRequestSize, Boolean validateRequests, Boolean warmUpValidation,
                             Long reuseSearchResultsMillis,
                             Integer defaultPageSize, Integer maxPageSize, Integer validationSliceEntries,
                             Integer validationThreads) {

    public FhirProperties {
        maxRequestSize = maxRequestSize == null ? DataSize.ofMegabytes(64) : maxRequestSize;
        validateRequests = validateRequests == null || validateRequests;
        warmUpValidation = warmUpValidation == null || warmUpValidation;
        reuseSearchResultsMillis = reuseSearchResultsMillis == null ? 0L : reuseSearchResultsMillis;
        defaultPageSize = defaultPageSize == null ? 20 : defaultPageSize;
        maxPageSize = maxPageSize == null ? 200 : maxPageSize;
        validationSliceEntries = validationSliceEntries == null ? 64 : validationSliceEntries;
        validationThreads = validationThreads == null ? 2 : validationThreads;
        if (validationSliceEntries < 1 || validationThreads < 1) {
            throw new IllegalArgumentException("vault.fhir.validation-slice-entries and validation-threads must be >= 1");
        }
    }
}
