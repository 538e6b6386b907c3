package org.patientvault.vault.imaging;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.function.Predicate;
import org.patientvault.vault.objects.ReconciledPrefix;

/**
 * Puts {@code dicom/} under the orphan sweep: an object {@code dicom/<patient>/<SOP Instance UID>} is referenced
 * when an ImagingStudy of that patient lists that instance (search parameters {@code subject} and {@code instance},
 * read as the system: this is housekeeping, not a caller's read). Objects a STOW request stored before a crash kept
 * it from writing its ImagingStudy are deleted once older than the grace period.
 *
 * <p>Cost: one indexed search per object older than the grace period, per pass.
 */
final class DicomObjectReferences implements ReconciledPrefix {

    private final DaoRegistry daos;

    DicomObjectReferences(DaoRegistry daos) {
        this.daos = daos;
    }

    @Override
    public String prefix() {
        return StowService.OBJECT_PREFIX;
    }

    @Override
    public Predicate<String> references() {
        return this::isReferenced;
    }

    boolean isReferenced(String id) {
        int slash = id.indexOf('/');
        if (slash <= 0 || slash == id.length() - 1) {
            return true; // not ours to judge: keep
        }
        String owner = id.substring(0, slash);
        String sop = id.substring(slash + 1);
        try {
            SearchParameterMap map = SearchParameterMap.newSynchronous()
                    .add("subject", new ReferenceParam("Patient/" + owner))
                    .add("instance", new TokenParam(sop));
            map.setLoadSynchronousUpTo(1);
            Integer n = daos.getResourceDao("ImagingStudy").search(map, new SystemRequestDetails()).size();
            return n == null || n > 0;
        } catch (RuntimeException e) {
            return true; // unsure: keep it for the next pass
        }
    }
}
