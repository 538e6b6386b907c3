package org.patientvault.vault.imaging;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one STOW-RS request stored for one study, handed with its ImagingStudy submission to {@link StudyWriteGuard}
 * (through {@code FhirDispatch.postToBase}, so it travels beside the body and never in it: a client cannot send one).
 *
 * @param studyUid  the Study Instance UID
 * @param uploader  the storing hospital's org code
 * @param instances the instances the request stored (or found already stored with the same bytes)
 */
record StowWrite(String studyUid, String uploader, List<Instance> instances) {

    /** One instance: UIDs, object key and key owner, and the header attributes QIDO-RS matches on. */
    record Instance(String seriesUid, String sopUid, String sopClass, Integer number, String objectKey,
                    String patient, Map<String, String> attributes) {
    }

    StowWrite {
        instances = List.copyOf(instances);
    }

    Set<String> keys() {
        return instances.stream().map(i -> i.seriesUid() + "/" + i.sopUid()).collect(Collectors.toSet());
    }
}
