package org.patientvault.mapping.quality;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ResourceType;

/**
 * {@code compl.dicom-acquisition}: per series, the acquisition attributes its modality needs
 * ({@code quality/dicom-acquisition.properties}), looked up in the attributes the app supplied for that series UID.
 * Series without supplied attributes are not judged (a FHIR-only ImagingStudy has no DICOM to look at).
 */
final class DicomAcquisitionCheck extends BaseCheck {
    private final DicomRequirements requirements;

    DicomAcquisitionCheck(DicomRequirements requirements) {
        super("compl.dicom-acquisition", QualityCategory.COMPLETENESS, QualitySeverity.WARNING,
                ResourceType.ImagingStudy);
        this.requirements = requirements;
    }

    @Override
    public void evaluate(Resource resource, QualityContext context, QualityIssueSink sink) {
        ImagingStudy study = (ImagingStudy) resource;
        String studyModality = study.getModality().size() == 1 ? study.getModality().get(0).getCode() : null;
        for (int i = 0; i < study.getSeries().size(); i++) {
            ImagingStudy.ImagingStudySeriesComponent se = study.getSeries().get(i);
            Optional<Map<String, String>> attrs = context.dicomAttributes(se.getUid());
            if (attrs.isEmpty()) {
                continue;
            }
            String modality = se.hasModality() && se.getModality().hasCode() ? se.getModality().getCode()
                    : studyModality;
            if (modality == null) {
                continue;
            }
            String loc = "ImagingStudy.series[" + i + "]";
            judge(sink, null, loc, modality, "lacks", requirements.required(modality), attrs.get());
            judge(sink, QualitySeverity.INFORMATION, loc, modality, "lacks recommended",
                    requirements.recommended(modality), attrs.get());
        }
    }

    private static void judge(QualityIssueSink sink, QualitySeverity severity, String loc, String modality,
            String verb, List<DicomRequirements.Requirement> reqs, Map<String, String> attrs) {
        if (reqs.isEmpty()) {
            return;
        }
        List<String> missing = new ArrayList<>();
        for (DicomRequirements.Requirement r : reqs) {
            if (!r.satisfiedBy(attrs)) {
                missing.add(r.label());
            }
        }
        if (!missing.isEmpty()) {
            sink.report(severity, loc, modality + " series " + verb + " DICOM " + String.join(", ", missing),
                    (double) missing.size() / reqs.size());
        }
    }
}
