package org.patientvault.vault.edge;

import java.io.IOException;
import org.patientvault.mobile.port.CallerImages;
import org.patientvault.vault.imaging.CallerInstances;
import org.springframework.stereotype.Component;

/** {@link CallerImages} on the DICOMweb retrieval path ({@link CallerInstances}), as the current caller. */
@Component
class StudyCallerImages implements CallerImages {

    private final CallerInstances instances;

    StudyCallerImages(CallerInstances instances) {
        this.instances = instances;
    }

    @Override
    public boolean eachInstance(String studyInstanceUid, InstanceSink sink) throws IOException {
        if (studyInstanceUid == null) {
            return false;
        }
        return instances.each(CurrentRequest.of("CallerImages"), studyInstanceUid, sink::accept);
    }
}
