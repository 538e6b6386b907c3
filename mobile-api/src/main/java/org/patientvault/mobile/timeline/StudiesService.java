package org.patientvault.mobile.timeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.patientvault.mobile.support.Cursor;
import org.patientvault.mobile.support.Hospitals;
import org.patientvault.mobile.support.Records;
import org.springframework.stereotype.Service;

/**
 * The patient's ImagingStudies (a search as the patient), newest first, paged by cursor. Previews and downloads are
 * DICOMweb links: the DICOMweb routes decide per study, by the caller's own FHIR search, whether the caller may read
 * it. Cost: one FHIR search per 200 studies.
 */
@Service
public class StudiesService {

    private final Records records;
    private final RecordViews views;

    StudiesService(Records records, RecordViews views) {
        this.records = records;
        this.views = views;
    }

    public StudiesPage page(TimelineService.Filters filters, Cursor after, int limit) {
        records.self();
        Map<String, List<String>> p = new LinkedHashMap<>();
        p.put("_sort", List.of("-started"));
        if (filters.hospital() != null) {
            p.put("_tag", List.of(Hospitals.SUBMITTER + "|" + filters.hospital()));
        }
        Records.Found<ImagingStudy> found = records.all(ImagingStudy.class, p);
        List<Map.Entry<TimelineItem, ImagingStudy>> all = new ArrayList<>();
        for (ImagingStudy s : found.resources()) {
            views.item(s).ifPresent(i -> all.add(Map.entry(i, s)));
        }
        all.sort((a, b) -> Cursor.ORDER.compare(a.getKey().key(), b.getKey().key()));
        List<Map.Entry<TimelineItem, ImagingStudy>> page = all.stream().filter(e -> e.getKey().key().isAfter(after))
                .limit(limit + 1L).toList();
        String next = page.size() > limit ? page.get(limit - 1).getKey().key().encode() : null;
        List<StudiesPage.Study> out = new ArrayList<>();
        for (Map.Entry<TimelineItem, ImagingStudy> e : page.subList(0, Math.min(limit, page.size()))) {
            out.add(study(e.getKey(), e.getValue()));
        }
        return new StudiesPage(out, all.size(), next, found.truncated() ? Boolean.TRUE : null);
    }

    private static StudiesPage.Study study(TimelineItem i, ImagingStudy s) {
        TimelineItem.Imaging im = i.imaging();
        String uid = im.studyUid();
        List<StudiesPage.Series> series = new ArrayList<>();
        for (ImagingStudy.ImagingStudySeriesComponent se : s.getSeries()) {
            series.add(new StudiesPage.Series(se.getUid(), se.hasNumber() ? se.getNumber() : null,
                    se.hasModality() ? se.getModality().getCode() : null,
                    se.hasBodySite() ? (se.getBodySite().hasDisplay() ? se.getBodySite().getDisplay()
                            : se.getBodySite().getCode()) : null,
                    se.getDescription(),
                    se.hasNumberOfInstances() ? se.getNumberOfInstances() : se.getInstance().size(),
                    uid != null && se.hasUid() ? RecordViews.previewUrl(uid, se.getUid()) : null));
        }
        return new StudiesPage.Study(i.id(), uid, i.date(), i.time(), im.modalities(), im.modalityTexts(),
                im.description(), im.bodySite(), im.seriesCount(), im.instanceCount(), i.hospital(), i.submittedAt(),
                i.quality(), series, uid == null ? null : "/dicomweb/studies/" + uid);
    }
}
