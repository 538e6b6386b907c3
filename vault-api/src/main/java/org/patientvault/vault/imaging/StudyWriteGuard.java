package org.patientvault.vault.imaging;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.patientvault.mapping.dicom.DicomStudyMapper;
import org.patientvault.vault.caller.FhirDispatch;

/**
 * ImagingStudy series and instance lists are the vault's, written from what STOW-RS stored (issue 13, item 5). An
 * ImagingStudy write that adds, removes or renames a series or instance is refused (422, fixed text) unless it is the
 * STOW request's own write and every instance it lists is either already indexed for that study or one the request
 * stored ({@link StowWrite}, handed over by {@link CallerStudies#write}). The same write then records those instances
 * in the {@link DicomInstanceIndex}, in the ImagingStudy's own database transaction, so the index and the study commit
 * or roll back together. System requests (reindexing, expunge) pass.
 *
 * <p>Cost: per ImagingStudy write one walk over its series and, for a STOW update, one indexed query.
 */
@Interceptor
public final class StudyWriteGuard {

    static final String REFUSED = "ImagingStudy series and instances are written by the vault from the DICOM images it "
            + "stores: send the images by STOW-RS (POST /dicomweb/studies). Through /fhir an ImagingStudy may change "
            + "its other elements, not its series, instances or Study Instance UID.";

    private final DicomInstanceIndex index;

    StudyWriteGuard(DicomInstanceIndex index) {
        this.index = index;
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void creating(IBaseResource resource, RequestDetails request) {
        if (!(resource instanceof ImagingStudy study) || isSystem(request)) {
            return;
        }
        Optional<StowWrite> stow = stowOf(request, study);
        Set<String> allowed = stow.map(StowWrite::keys).orElse(Set.of());
        if (!allowed.containsAll(keys(study))) {
            throw new UnprocessableEntityException(REFUSED);
        }
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void updating(IBaseResource previous, IBaseResource updated, RequestDetails request) {
        if (!(updated instanceof ImagingStudy study) || !(previous instanceof ImagingStudy before)
                || isSystem(request)) {
            return;
        }
        Optional<StowWrite> stow = stowOf(request, study);
        if (stow.isEmpty()) {
            if (!keys(study).equals(keys(before))
                    || !Objects.equals(DicomStudyMapper.studyInstanceUid(study),
                    DicomStudyMapper.studyInstanceUid(before))) {
                throw new UnprocessableEntityException(REFUSED);
            }
            return;
        }
        Set<String> allowed = new HashSet<>(stow.get().keys());
        allowed.addAll(index.instanceKeys(before.getIdElement().getIdPart()));
        if (!allowed.containsAll(keys(study))) {
            throw new UnprocessableEntityException(REFUSED);
        }
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
    public void created(IBaseResource resource, RequestDetails request) {
        record(resource, request);
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
    public void updated(IBaseResource previous, IBaseResource updated, RequestDetails request) {
        record(updated, request);
    }

    private void record(IBaseResource resource, RequestDetails request) {
        if (!(resource instanceof ImagingStudy study) || isSystem(request)) {
            return;
        }
        Optional<StowWrite> stow = stowOf(request, study);
        if (stow.isEmpty()) {
            return;
        }
        Set<String> listed = keys(study);
        String id = study.getIdElement().getIdPart();
        List<DicomInstanceIndex.Row> rows = new ArrayList<>();
        for (StowWrite.Instance i : stow.get().instances()) {
            if (listed.contains(i.seriesUid() + "/" + i.sopUid())) {
                rows.add(new DicomInstanceIndex.Row(id, stow.get().studyUid(), i.seriesUid(), i.sopUid(),
                        i.sopClass(), i.number(), i.objectKey(), i.patient(), stow.get().uploader(), i.attributes()));
            }
        }
        index.insert(rows, Instant.now());
    }

    /** The STOW hand-over of this request, if it is for this very study. */
    private static Optional<StowWrite> stowOf(RequestDetails request, ImagingStudy study) {
        if (request == null) {
            return Optional.empty();
        }
        return FhirDispatch.handedOver(request, StowWrite.class)
                .filter(w -> w.studyUid().equals(DicomStudyMapper.studyInstanceUid(study)));
    }

    /** "series UID/SOP Instance UID" of every instance the study lists, plus "series UID/" per series. */
    static Set<String> keys(ImagingStudy study) {
        Set<String> keys = new HashSet<>();
        for (ImagingStudy.ImagingStudySeriesComponent s : study.getSeries()) {
            if (s.getInstance().isEmpty()) {
                keys.add(s.getUid() + "/");
            }
            for (ImagingStudy.ImagingStudySeriesInstanceComponent i : s.getInstance()) {
                keys.add(s.getUid() + "/" + i.getUid());
            }
        }
        return keys;
    }

    private static boolean isSystem(RequestDetails request) {
        return request == null || request instanceof SystemRequestDetails;
    }
}
