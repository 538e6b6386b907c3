package org.patientvault.mapping.quality;

import static org.patientvault.mapping.quality.QualityCategory.COMPLETENESS;
import static org.patientvault.mapping.quality.QualitySeverity.ERROR;
import static org.patientvault.mapping.quality.QualitySeverity.WARNING;

import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.ResourceType;

/** The element-presence checks: what each record needs to be usable. */
final class CompletenessChecks {
    private CompletenessChecks() {
    }

    static List<QualityCheck> all() {
        return List.of(
                new ElementCheck("compl.observation-code", COMPLETENESS, ERROR, ResourceType.Observation,
                        (r, c, s) -> {
                            if (!hasCode(((Observation) r).getCode())) {
                                s.report("Observation.code", "Observation has no coded code");
                            }
                        }),
                new ElementCheck("compl.observation-value", COMPLETENESS, ERROR, ResourceType.Observation,
                        (r, c, s) -> observationValue((Observation) r, s)),
                new ElementCheck("compl.observation-unit", COMPLETENESS, ERROR, ResourceType.Observation,
                        (r, c, s) -> observationUnit((Observation) r, s)),
                new ElementCheck("compl.observation-effective", COMPLETENESS, WARNING, ResourceType.Observation,
                        (r, c, s) -> {
                            if (!((Observation) r).hasEffective()) {
                                s.report("Observation.effective", "Observation has no effective time");
                            }
                        }),
                new ElementCheck("compl.observation-reference-range", COMPLETENESS, WARNING, ResourceType.Observation,
                        (r, c, s) -> referenceRange((Observation) r, s)),
                new ElementCheck("compl.report-results", COMPLETENESS, WARNING, ResourceType.DiagnosticReport,
                        (r, c, s) -> {
                            DiagnosticReport d = (DiagnosticReport) r;
                            if (!d.hasResult() && !d.hasImagingStudy() && !d.hasPresentedForm() && !d.hasConclusion()) {
                                s.report("DiagnosticReport.result", "DiagnosticReport has no results");
                            }
                        }),
                new ElementCheck("compl.report-issued", COMPLETENESS, WARNING, ResourceType.DiagnosticReport,
                        (r, c, s) -> {
                            if (!((DiagnosticReport) r).hasIssued()) {
                                s.report("DiagnosticReport.issued", "DiagnosticReport has no issued time");
                            }
                        }),
                new ElementCheck("compl.report-performer", COMPLETENESS, WARNING, ResourceType.DiagnosticReport,
                        (r, c, s) -> {
                            if (!((DiagnosticReport) r).hasPerformer()) {
                                s.report("DiagnosticReport.performer", "DiagnosticReport has no performer");
                            }
                        }),
                new ElementCheck("compl.patient-birthdate", COMPLETENESS, WARNING, ResourceType.Patient,
                        (r, c, s) -> {
                            if (!((Patient) r).hasBirthDate()) {
                                s.report("Patient.birthDate", "Patient has no birth date");
                            }
                        }),
                new ElementCheck("compl.patient-gender", COMPLETENESS, WARNING, ResourceType.Patient,
                        (r, c, s) -> {
                            if (!((Patient) r).hasGender()) {
                                s.report("Patient.gender", "Patient has no administrative gender");
                            }
                        }),
                new ElementCheck("compl.imaging-modality", COMPLETENESS, WARNING, ResourceType.ImagingStudy,
                        (r, c, s) -> {
                            ImagingStudy st = (ImagingStudy) r;
                            boolean any = st.getModality().stream().anyMatch(Coding::hasCode)
                                    || st.getSeries().stream().anyMatch(x -> x.hasModality() && x.getModality().hasCode());
                            if (!any) {
                                s.report("ImagingStudy.modality", "ImagingStudy has no modality");
                            }
                        }),
                new ElementCheck("compl.imaging-body-site", COMPLETENESS, WARNING, ResourceType.ImagingStudy,
                        (r, c, s) -> {
                            if (((ImagingStudy) r).getSeries().stream().noneMatch(x -> x.hasBodySite())) {
                                s.report("ImagingStudy.series.bodySite", "ImagingStudy has no body site");
                            }
                        }),
                new ElementCheck("compl.imaging-series-count", COMPLETENESS, WARNING, ResourceType.ImagingStudy,
                        (r, c, s) -> {
                            if (!((ImagingStudy) r).hasNumberOfSeries()) {
                                s.report("ImagingStudy.numberOfSeries", "ImagingStudy has no number of series");
                            }
                        }),
                new ElementCheck("compl.imaging-instance-count", COMPLETENESS, WARNING, ResourceType.ImagingStudy,
                        (r, c, s) -> {
                            if (!((ImagingStudy) r).hasNumberOfInstances()) {
                                s.report("ImagingStudy.numberOfInstances", "ImagingStudy has no number of instances");
                            }
                        }));
    }

    static boolean hasCode(CodeableConcept cc) {
        return cc != null && cc.getCoding().stream().anyMatch(Coding::hasCode);
    }

    private static void observationValue(Observation o, QualityIssueSink s) {
        if (o.hasValue() || o.hasDataAbsentReason() || o.hasHasMember()) {
            return;
        }
        if (!o.hasComponent()) {
            s.report("Observation.value", "Observation has no value, components, members or data-absent reason");
            return;
        }
        for (int i = 0; i < o.getComponent().size(); i++) {
            Observation.ObservationComponentComponent c = o.getComponent().get(i);
            if (!c.hasValue() && !c.hasDataAbsentReason()) {
                s.report("Observation.component[" + i + "].value", "Observation component has no value");
            }
        }
    }

    private static void observationUnit(Observation o, QualityIssueSink s) {
        if (o.hasValueQuantity() && lacksUnit(o.getValueQuantity())) {
            s.report("Observation.valueQuantity.unit", "quantity value has no unit");
        }
        for (int i = 0; i < o.getComponent().size(); i++) {
            Observation.ObservationComponentComponent c = o.getComponent().get(i);
            if (c.hasValueQuantity() && lacksUnit(c.getValueQuantity())) {
                s.report("Observation.component[" + i + "].valueQuantity.unit", "quantity value has no unit");
            }
        }
    }

    private static boolean lacksUnit(Quantity q) {
        return q.hasValue() && !q.hasCode() && (!q.hasUnit() || q.getUnit().isBlank());
    }

    static boolean isLaboratory(Observation o) {
        for (CodeableConcept cc : o.getCategory()) {
            for (Coding c : cc.getCoding()) {
                if ("laboratory".equals(c.getCode())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void referenceRange(Observation o, QualityIssueSink s) {
        if (!isLaboratory(o) || o.hasReferenceRange()) {
            return;
        }
        if (o.hasValueQuantity() && o.getValueQuantity().hasValue()) {
            s.report("Observation.referenceRange", "laboratory result has no reference range");
        }
        for (int i = 0; i < o.getComponent().size(); i++) {
            Observation.ObservationComponentComponent c = o.getComponent().get(i);
            if (c.hasValueQuantity() && c.getValueQuantity().hasValue() && !c.hasReferenceRange()) {
                s.report("Observation.component[" + i + "].referenceRange",
                        "laboratory result component has no reference range");
            }
        }
    }
}
