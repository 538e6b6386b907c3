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
 * Who owns a stored record, asked before HAPI touches it on the caller's behalf.
 *
 * <p>The owners of a record are the patient whose compartment holds it (the only patient it names; a record naming
 * several patients is owned by none of them) and the organization that submitted it. Owners may change, delete,
 * version-read and see the history of a record, and may be told that it was deleted; everyone else gets the answer an
 * unknown id gets. Consent-based sharing is deliberately not consulted here: it lets a hospital read the current
 * version of a record, never change it, walk its history or learn of its deletion.
 *
 * <p>Cost: one primary-key read as the system per question (a few more, at most {@value #MAX_VERSIONS_BACK}, for a
 * deleted record). Nothing is cached, so a change of ownership applies to the very next request.
 */
@Component
public class RecordOwnership {

    /** Older versions are not walked further than this; a record deleted and recreated more often is answered 404. */
    private static final int MAX_VERSIONS_BACK = 8;

    private final DaoRegistry daos;
    private final ResourceOwners owners;

    RecordOwnership(DaoRegistry daos, ResourceOwners owners) {
        this.daos = daos;
        this.owners = owners;
    }

    /** What is known of a record before anything is done to it on a caller's behalf. */
    private enum Standing {
        /** No such type or id (or it cannot be loaded): the caller gets the unknown-id answer. */
        UNKNOWN,
        /** It exists (or existed), but the caller does not own it: answered exactly like {@link #UNKNOWN}. */
        FOREIGN,
        /** The caller owns its current version. */
        OWN,
        /** The caller owned its last live version; it is deleted now. */
        OWN_DELETED
    }

    /**
     * The current caller's standing towards {@code id} (type and id part; a version part is ignored). An
     * unauthenticated caller, an AI firm and an admin own no clinical record.
     */
    private Standing standing(IIdType id) {
        VaultPrincipal caller = VaultPrincipal.current().orElse(null);
        if (caller == null || id == null || !id.hasResourceType() || !id.hasIdPart()
                || !daos.isResourceTypeSupported(id.getResourceType())) {
            return Standing.UNKNOWN;
        }
        IFhirResourceDao<?> dao = daos.getResourceDao(id.getResourceType());
        IdType versionless = new IdType(id.getResourceType(), id.getIdPart());
        SystemRequestDetails system = new SystemRequestDetails();
        IBaseResource current;
        try {
            current = dao.read(versionless, system, true);
        } catch (BaseServerResponseException | IllegalArgumentException e) {
            return Standing.UNKNOWN;
        }
        if (!isDeleted(current)) {
            return owns(caller, current) ? Standing.OWN : Standing.FOREIGN;
        }
        IBaseResource last = lastLiveVersion(dao, versionless, current, system);
        return last != null && owns(caller, last) ? Standing.OWN_DELETED : Standing.FOREIGN;
    }

    /**
     * Whether the current caller owns {@code id}'s current version, or owned its last one before it was deleted: the
     * records it may change, delete, version-read and walk the history of. Everything else is answered as unknown.
     */
    public boolean callerOwns(IIdType id) {
        Standing standing = standing(id);
        return standing == Standing.OWN || standing == Standing.OWN_DELETED;
    }

    /**
     * Whether the current caller may be told that {@code id} was deleted. False for an unauthenticated caller, an
     * unknown type or id, and anything that fails to load.
     */
    public boolean callerMayKnowDeleted(IIdType id) {
        return standing(id) == Standing.OWN_DELETED;
    }

    private boolean owns(VaultPrincipal caller, IBaseResource resource) {
        return switch (caller.kind()) {
            case PATIENT -> caller.patientId() != null
                    && owners.patientsOf(resource).equals(java.util.Set.of(caller.patientId()));
            case HOSPITAL -> caller.orgCode() != null
                    && SubmitterTag.of(resource).map(caller.orgCode()::equals).orElse(false);
            case AI_FIRM, ADMIN -> false;
        };
    }

    private static boolean isDeleted(IBaseResource resource) {
        // HAPI marks a deleted version read with deletedOk either way, depending on the code path.
        return resource.isDeleted() || (resource instanceof org.hl7.fhir.instance.model.api.IAnyResource any
                && ca.uhn.fhir.model.api.ResourceMetadataKeyEnum.DELETED_AT.get(any) != null);
    }

    private static IBaseResource lastLiveVersion(IFhirResourceDao<?> dao, IdType versionless, IBaseResource current,
                                                 SystemRequestDetails system) {
        Long version = current.getIdElement().getVersionIdPartAsLong();
        if (version == null) {
            return null;
        }
        for (long v = version - 1; v >= 1 && v >= version - MAX_VERSIONS_BACK; v--) {
            try {
                return dao.read(versionless.withVersion(Long.toString(v)), system);
            } catch (BaseServerResponseException goneOrMissing) {
                // that version was itself a deletion (or expunged): look one further back
            }
        }
        return null;
    }
}
