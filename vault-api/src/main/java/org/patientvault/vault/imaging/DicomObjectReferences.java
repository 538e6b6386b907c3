package org.patientvault.vault.imaging;

import java.util.function.Predicate;
import org.patientvault.vault.objects.ReconciledPrefix;

/**
 * Puts {@code dicom/} under the orphan sweep: an object {@code dicom/<patient>/<SOP Instance UID>} is referenced
 * when the instance index ({@link DicomInstanceIndex}, written with each ImagingStudy) has a row for it. Objects a STOW
 * request stored before a crash kept it from writing its ImagingStudy are deleted once older than the grace period.
 *
 * <p>Cost: one indexed query per object older than the grace period, per pass.
 */
final class DicomObjectReferences implements ReconciledPrefix {

    private final DicomInstanceIndex index;

    DicomObjectReferences(DicomInstanceIndex index) {
        this.index = index;
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
        try {
            return index.referenced(StowService.OBJECT_PREFIX + id);
        } catch (RuntimeException e) {
            return true; // unsure: keep it for the next pass
        }
    }
}
