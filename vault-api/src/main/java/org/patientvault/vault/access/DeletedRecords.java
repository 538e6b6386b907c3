package org.patientvault.vault.access;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.IdType;
import org.patientvault.vault.caller.ResourceOwners;
import org.patientvault.vault.caller.SubmitterTag;
import org.patientvault.vault.caller.VaultPrincipal;
import org.springframework.stereotype.Component;

/**
 * Decides who may learn that a record was deleted.
 *
 * <p>HAPI answers a read of a deleted id with 410 Gone before authorization ever sees a resource, which would tell a
 * stranger that the id once existed. Only the callers who could read the record's last live version by ownership —
 * the patient whose compartment held it and the organization that submitted it — are told "gone"; everyone else gets
 * the same 404 an unknown id gets. Consent-based sharing is deliberately not consulted: a deleted record is no longer
 * shared, and "not known" is the safe answer.
 *
 * <p>Cost: a few primary-key reads as the system, only on the 410 path (which is rare).
 */
@Component
public class DeletedRecords {

    /** Older versions are not walked further than this; a record deleted and recreated more often is answered 404. */
    private static final int MAX_VERSIONS_BACK = 8;

    private final DaoRegistry daos;
    private final ResourceOwners owners;

    DeletedRecords(DaoRegistry daos, ResourceOwners owners) {
        this.daos = daos;
        this.owners = owners;
    }

    /**
     * Whether the current caller may be told that {@code id} (type and id part; any version part is ignored) was
     * deleted. False for an unauthenticated caller, an unknown type or id, and anything that fails to load.
     */
    public boolean callerMayKnowDeleted(IIdType id) {
        VaultPrincipal caller = VaultPrincipal.current().orElse(null);
        if (caller == null || id == null || !id.hasResourceType() || !id.hasIdPart()
                || !daos.isResourceTypeSupported(id.getResourceType())) {
            return false;
        }
        IBaseResource last = lastLiveVersion(id);
        if (last == null) {
            return false;
        }
        return switch (caller.kind()) {
            case PATIENT -> caller.patientId() != null && owners.patientsOf(last).contains(caller.patientId());
            case HOSPITAL -> caller.orgCode() != null
                    && SubmitterTag.of(last).map(caller.orgCode()::equals).orElse(false);
            case AI_FIRM, ADMIN -> false;
        };
    }

    private IBaseResource lastLiveVersion(IIdType id) {
        IFhirResourceDao<?> dao = daos.getResourceDao(id.getResourceType());
        SystemRequestDetails system = new SystemRequestDetails();
        IdType versionless = new IdType(id.getResourceType(), id.getIdPart());
        try {
            Long current = dao.read(versionless, system, true).getIdElement().getVersionIdPartAsLong();
            if (current == null) {
                return null;
            }
            for (long v = current - 1; v >= 1 && v >= current - MAX_VERSIONS_BACK; v--) {
                try {
                    return dao.read(versionless.withVersion(Long.toString(v)), system);
                } catch (BaseServerResponseException goneOrMissing) {
                    // that version was itself a deletion (or expunged): look one further back
                }
            }
            return null;
        } catch (BaseServerResponseException | IllegalArgumentException e) {
            return null;
        }
    }
}
