package org.patientvault.consent;

import java.util.List;

/**
 * Receives every consent decision of a request, once, when the request completes (successfully or not). The app
 * writes them to its AuditEvent ledger, so each patient can see who used their data. Called on the request thread
 * after the response is produced; an exception is logged and swallowed (it cannot un-send a response).
 */
@FunctionalInterface
public interface ConsentAuditSink {
    /**
     * @param decisions          never empty, in decision order
     * @param operationSucceeded false if the operation failed after the decisions were made
     */
    void record(List<ConsentAuditRecord> decisions, boolean operationSucceeded);
}
