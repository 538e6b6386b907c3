package org.patientvault.vault.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.model.DeleteConflictList;
import ca.uhn.fhir.jpa.delete.DeleteConflictOutcome;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Set;

/**
 * The audit trail and provenance record what happened to a resource; they must not pin it against deletion. A
 * reference from an AuditEvent or a Provenance is therefore never a delete conflict (every other reference still is).
 */
@Interceptor
final class RecordKeepingReferences {

    private static final Set<String> RECORD_KEEPING = Set.of("AuditEvent", "Provenance");

    @Hook(Pointcut.STORAGE_PRESTORAGE_DELETE_CONFLICTS)
    public DeleteConflictOutcome ignoreRecordKeeping(DeleteConflictList conflicts, RequestDetails request) {
        conflicts.removeIf(c -> RECORD_KEEPING.contains(c.getSourceId().getResourceType()));
        return null;
    }
}
