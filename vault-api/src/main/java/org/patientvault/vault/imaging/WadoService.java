package org.patientvault.vault.imaging;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.patientvault.mapping.dicom.DicomDataset;
import org.patientvault.mapping.dicom.DicomFile;
import org.patientvault.mapping.dicom.DicomJson;
import org.patientvault.mapping.dicom.DicomPreview;
import org.patientvault.mapping.dicom.DicomPreviewResult;
import org.patientvault.mapping.dicom.DicomReadOptions;
import org.patientvault.mapping.dicom.DicomReader;
import org.patientvault.mapping.dicom.DicomTags;
import org.patientvault.mapping.dicom.DicomVr;
import org.patientvault.storage.EncryptedObjectStore;
import org.patientvault.vault.caller.FhirDispatch;

/**
 * WADO-RS: what a caller may retrieve is what the caller finds as an ImagingStudy through {@code /fhir}
 * ({@link CallerStudies#find}): the same authorization rules, compartment narrowing and consent decisions as every
 * FHIR read. Only then are the instances STOW stored for that ImagingStudy ({@link DicomInstanceIndex}) read from the
 * store, so neither a UID the caller did not get through FHIR nor one an ImagingStudy merely names reaches the store.
 *
 * <p>Cost: one FHIR search per request; retrieval streams each instance (decrypting as it goes); metadata reads
 * each instance's header (one ranged read of the first segments, the rest is not fetched); a preview loads one whole
 * instance (bounded by {@code vault.imaging.max-preview-size}).
 */
final class WadoService {

    /** One instance the caller may retrieve, with its object key. */
    record Instance(String studyUid, String seriesUid, String sopUid, String sopClass, Integer number, String key) {
    }

    private final EncryptedObjectStore store;
    private final CallerStudies studies;
    private final DicomInstanceIndex index;
    private final DicomWebUrls urls;
    private final long maxPreview;
    private final DicomReader headerReader = new DicomReader(DicomReadOptions.metadataOnly()
            .withPixelData(DicomReadOptions.PixelDataMode.STOP));
    private final DicomReader fullReader = new DicomReader(DicomReadOptions.defaults());
    private final DicomPreview preview = new DicomPreview();

    WadoService(EncryptedObjectStore store, CallerStudies studies, DicomInstanceIndex index, DicomWebUrls urls,
                ImagingProperties props) {
        this.store = store;
        this.index = index;
        this.studies = studies;
        this.urls = urls;
        this.maxPreview = props.maxPreviewSize().toBytes();
    }

    /**
     * The instances of the study (optionally one series, optionally one instance) the caller may see; empty when
     * the study is unknown, foreign or not consented, or the series or instance is not in it.
     */
    Optional<List<Instance>> instances(HttpServletRequest request, FhirDispatch dispatch, String studyUid,
                                       String seriesUid, String sopUid) {
        if (!StowService.isUid(studyUid) || (seriesUid != null && !StowService.isUid(seriesUid))
                || (sopUid != null && !StowService.isUid(sopUid))) {
            return Optional.empty();
        }
        // Every ImagingStudy of this UID the caller's FHIR search finds (two hospitals may each hold one of the same
        // study), then only the objects STOW stored for those very resources (the server's index), under their own
        // subject: what an ImagingStudy lists says nothing about which objects it may reach.
        Map<String, String> visible = studies.visible(request, dispatch, List.of(studyUid), 50, 50);
        if (visible.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Instance> out = new LinkedHashMap<>();
        for (DicomInstanceIndex.Row r : index.ofStudies(visible.keySet())) {
            if (!studyUid.equals(r.studyUid()) || !r.patient().equals(visible.get(r.studyResource()))
                    || (seriesUid != null && !seriesUid.equals(r.seriesUid()))
                    || (sopUid != null && !sopUid.equals(r.sopUid()))) {
                continue;
            }
            out.putIfAbsent(r.sopUid(), new Instance(r.studyUid(), r.seriesUid(), r.sopUid(), r.sopClass(),
                    r.number(), r.objectKey()));
        }
        return out.isEmpty() ? Optional.empty() : Optional.of(new ArrayList<>(out.values()));
    }

    InputStream open(Instance instance) {
        return store.get(instance.key());
    }

    /** DICOM JSON of the instances' headers; Pixel Data (and other bulk values) as BulkDataURIs. */
    String metadata(HttpServletRequest request, List<Instance> instances) throws IOException {
        List<DicomDataset> headers = new ArrayList<>();
        List<String> base = new ArrayList<>();
        for (Instance i : instances) {
            try (InputStream in = store.get(i.key())) {
                headers.add(headerReader.read(in).dataset());
            }
            base.add(urls.instance(request, i.studyUid(), i.seriesUid(), i.sopUid()));
        }
        return DicomJson.toJsonArray(headers, ds -> {
            String instanceUrl = base.get(indexOf(headers, ds));
            return (Function<Integer, String>) tag -> instanceUrl + "/bulkdata/" + String.format("%08X", tag);
        });
    }

    /** The middle frame of the middle instance of one series, or the reason there is none. */
    DicomPreviewResult render(List<Instance> series) throws IOException {
        List<DicomDataset> stubs = new ArrayList<>();
        for (Instance i : series) {
            DicomDataset d = new DicomDataset();
            d.putString(DicomTags.SOPInstanceUID, DicomVr.UI, i.sopUid());
            if (i.number() != null) {
                d.putString(DicomTags.InstanceNumber, DicomVr.IS, Integer.toString(i.number()));
            }
            stubs.add(d);
        }
        Instance middle = series.get(DicomPreview.middleIndex(stubs));
        long size = store.describe(middle.key()).size();
        if (size > maxPreview) {
            return DicomPreviewResult.noPreview("the middle instance has " + size + " bytes, more than the "
                    + maxPreview + " a preview may load (vault.imaging.max-preview-size)");
        }
        DicomFile file;
        try (InputStream in = store.get(middle.key())) {
            file = fullReader.read(in);
        }
        return preview.render(file);
    }

    private static int indexOf(List<DicomDataset> list, DicomDataset ds) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == ds) {
                return i;
            }
        }
        return 0;
    }
}
