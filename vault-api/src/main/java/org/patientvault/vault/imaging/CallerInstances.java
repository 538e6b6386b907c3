package org.patientvault.vault.imaging;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import org.patientvault.vault.caller.FhirDispatch;
import org.springframework.stereotype.Component;

/**
 * The original DICOM instances of one study, for a caller who may retrieve it: the same guarded path as WADO-RS
 * ({@link WadoService#instances}: the caller's own FHIR search decides, then only the instances that study names are
 * read, under its subject). For code outside this package that streams whole studies (the patient API's export).
 *
 * <p>Cost: one FHIR search; one streamed, decrypting object-store read per instance.
 */
@Component
public final class CallerInstances {

    /** Receives one instance at a time; the stream is closed after the call. */
    @FunctionalInterface
    public interface Visitor {
        void accept(String seriesUid, String sopInstanceUid, InputStream dicom) throws IOException;
    }

    private final WadoService wado;
    private final FhirDispatch dispatch;

    CallerInstances(WadoService wado, FhirDispatch dispatch) {
        this.wado = wado;
        this.dispatch = dispatch;
    }

    /**
     * Streams every instance of the study the caller of {@code request} may retrieve.
     *
     * @return false, having read nothing, when the study is unknown, foreign or not consented
     */
    public boolean each(HttpServletRequest request, String studyUid, Visitor visitor) throws IOException {
        Optional<List<WadoService.Instance>> found = wado.instances(request, dispatch, studyUid, null, null);
        if (found.isEmpty()) {
            return false;
        }
        for (WadoService.Instance i : found.get()) {
            try (InputStream in = wado.open(i)) {
                visitor.accept(i.seriesUid(), i.sopUid(), in);
            }
        }
        return true;
    }
}
