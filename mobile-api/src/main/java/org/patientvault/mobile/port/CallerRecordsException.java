package org.patientvault.mobile.port;

/**
 * The vault refused or failed a {@link CallerRecords} call. Carries the HTTP status the FHIR server answered with
 * and its diagnostics, which are built from the request and fixed text (never from stored content).
 */
public class CallerRecordsException extends RuntimeException {

    private final int status;

    public CallerRecordsException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The FHIR server's HTTP status: 4xx for a refused request, 5xx for a failure. */
    public int status() {
        return status;
    }
}
