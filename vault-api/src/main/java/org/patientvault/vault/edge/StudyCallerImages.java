package org.patientvault.vault.edge;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.patientvault.mobile.port.CallerImages;
import org.patientvault.vault.imaging.CallerInstances;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

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
        return instances.each(currentRequest(), studyInstanceUid, sink::accept);
    }

    private static HttpServletRequest currentRequest() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes servlet) {
            return servlet.getRequest();
        }
        throw new IllegalStateException("CallerImages is used outside an HTTP request: there is no caller");
    }
}
