package org.patientvault.vault.edge;

import java.util.Optional;
import org.patientvault.vault.imaging.SeriesPreviews;
import org.patientvault.web.port.StudyPreviews;
import org.springframework.stereotype.Component;

/** {@link StudyPreviews} through the imaging feature's own lookup, as the current (signed-in) caller. */
@Component
class VaultStudyPreviews implements StudyPreviews {

    private final SeriesPreviews previews;

    VaultStudyPreviews(SeriesPreviews previews) {
        this.previews = previews;
    }

    @Override
    public Optional<byte[]> seriesPng(String studyInstanceUid, String seriesInstanceUid) {
        return previews.png(CurrentRequest.of("StudyPreviews"), studyInstanceUid, seriesInstanceUid);
    }
}
