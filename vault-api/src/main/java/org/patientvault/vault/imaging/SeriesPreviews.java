package org.patientvault.vault.imaging;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import org.patientvault.mapping.dicom.DicomPreviewResult;
import org.patientvault.storage.ObjectNotFoundException;
import org.patientvault.storage.OwnerKeyDestroyedException;
import org.patientvault.vault.caller.FhirDispatch;
import org.patientvault.vault.caller.VaultPrincipal;
import org.springframework.stereotype.Component;

/**
 * A series' PNG preview for the current caller, found exactly as DICOMweb's {@code rendered} finds it (the caller's
 * own FHIR search for the study, so authorization, consent and audit apply), for edges that serve it themselves.
 * Cost: one FHIR search, one object read and a render.
 */
@Component
public final class SeriesPreviews {

    private final WadoService wado;
    private final FhirDispatch dispatch;

    SeriesPreviews(WadoService wado, FhirDispatch dispatch) {
        this.wado = wado;
        this.dispatch = dispatch;
    }

    /** Empty for unknown, foreign, erased or not previewable: one answer for all. */
    public Optional<byte[]> png(HttpServletRequest request, String studyUid, String seriesUid) {
        if (VaultPrincipal.current().isEmpty() || !uid(studyUid) || !uid(seriesUid)) {
            return Optional.empty();
        }
        Optional<List<WadoService.Instance>> found = wado.instances(request, dispatch, studyUid, seriesUid, null);
        if (found.isEmpty() || found.get().isEmpty()) {
            return Optional.empty();
        }
        try {
            DicomPreviewResult result = wado.render(found.get());
            return result.available() ? Optional.of(result.png()) : Optional.empty();
        } catch (ObjectNotFoundException | OwnerKeyDestroyedException gone) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean uid(String uid) {
        return uid != null && uid.length() <= 64 && uid.matches("[0-9]+(\\.[0-9]+)*");
    }
}
