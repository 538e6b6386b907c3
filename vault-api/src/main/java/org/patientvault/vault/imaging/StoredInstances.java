package org.patientvault.vault.imaging;

import java.io.InputStream;
import java.util.Collection;
import java.util.List;
import org.patientvault.storage.EncryptedObjectStore;
import org.springframework.stereotype.Component;

/**
 * The DICOM instances STOW stored for given ImagingStudy resources, for the vault's own jobs (the cohort export):
 * no caller check here, so only code that already decided, as the system, which ImagingStudy resources it may use
 * calls this. Callers' reads go through {@link CallerInstances}. Cost: one indexed query per 500 studies; opening an
 * instance is one streaming GET (decrypted on the fly).
 */
@Component
public final class StoredInstances {

    /** One stored instance: its ImagingStudy resource id, original UIDs and the patient whose key encrypts it. */
    public record Instance(String studyResource, String studyUid, String seriesUid, String sopUid, String patient,
                           String objectKey) {
    }

    private final DicomInstanceIndex index;
    private final EncryptedObjectStore store;

    StoredInstances(DicomInstanceIndex index, EncryptedObjectStore store) {
        this.index = index;
        this.store = store;
    }

    /** The instances of these ImagingStudy ids (id part only), in study, series, instance order. */
    public List<Instance> of(Collection<String> studyResourceIds) {
        return index.ofStudies(studyResourceIds).stream().map(r -> new Instance(r.studyResource(), r.studyUid(),
                r.seriesUid(), r.sopUid(), r.patient(), r.objectKey())).toList();
    }

    /** The stored bytes of one instance, byte-identical to what the hospital sent. The caller closes the stream. */
    public InputStream open(Instance instance) {
        return store.get(instance.objectKey());
    }
}
