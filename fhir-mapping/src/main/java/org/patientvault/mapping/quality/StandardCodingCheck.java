package org.patientvault.mapping.quality;

import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ResourceType;
import org.hl7.fhir.r4.model.Type;
import org.patientvault.mapping.quality.internal.Systems;

/**
 * {@code conf.standard-coding}: the share of the clinical coded elements (codes, coded values, units, body sites,
 * modalities) that carry at least one coding in a standard system (LOINC, SNOMED CT, ICD-10(-CM), UCUM, DICOM).
 * One issue per resource when the share is below 1, with extent = share of non-standard elements; a local code with
 * a standard translation beside it counts as standard. Uncoded elements are a completeness matter and not counted.
 */
final class StandardCodingCheck extends BaseCheck {
    private record Element(String location, boolean standard) {
    }

    StandardCodingCheck() {
        super("conf.standard-coding", QualityCategory.CONFORMANCE, QualitySeverity.WARNING, ResourceType.Observation,
                ResourceType.DiagnosticReport, ResourceType.Condition, ResourceType.Procedure,
                ResourceType.AllergyIntolerance, ResourceType.ImagingStudy);
    }

    @Override
    public void evaluate(Resource resource, QualityContext context, QualityIssueSink sink) {
        List<Element> els = new ArrayList<>();
        if (resource instanceof Observation o) {
            concept(els, "Observation.code", o.getCode());
            value(els, "Observation.value", o.hasValue() ? o.getValue() : null);
            concept(els, "Observation.bodySite", o.getBodySite());
            for (int i = 0; i < o.getComponent().size(); i++) {
                Observation.ObservationComponentComponent c = o.getComponent().get(i);
                concept(els, "Observation.component[" + i + "].code", c.getCode());
                value(els, "Observation.component[" + i + "].value", c.hasValue() ? c.getValue() : null);
            }
        } else if (resource instanceof DiagnosticReport d) {
            concept(els, "DiagnosticReport.code", d.getCode());
            for (int i = 0; i < d.getConclusionCode().size(); i++) {
                concept(els, "DiagnosticReport.conclusionCode[" + i + "]", d.getConclusionCode().get(i));
            }
        } else if (resource instanceof Condition c) {
            concept(els, "Condition.code", c.getCode());
            for (int i = 0; i < c.getBodySite().size(); i++) {
                concept(els, "Condition.bodySite[" + i + "]", c.getBodySite().get(i));
            }
        } else if (resource instanceof Procedure p) {
            concept(els, "Procedure.code", p.getCode());
            for (int i = 0; i < p.getBodySite().size(); i++) {
                concept(els, "Procedure.bodySite[" + i + "]", p.getBodySite().get(i));
            }
        } else if (resource instanceof AllergyIntolerance a) {
            concept(els, "AllergyIntolerance.code", a.getCode());
        } else if (resource instanceof ImagingStudy s) {
            for (int i = 0; i < s.getModality().size(); i++) {
                coding(els, "ImagingStudy.modality[" + i + "]", s.getModality().get(i));
            }
            for (int i = 0; i < s.getProcedureCode().size(); i++) {
                concept(els, "ImagingStudy.procedureCode[" + i + "]", s.getProcedureCode().get(i));
            }
            for (int i = 0; i < s.getSeries().size(); i++) {
                ImagingStudy.ImagingStudySeriesComponent se = s.getSeries().get(i);
                coding(els, "ImagingStudy.series[" + i + "].modality", se.hasModality() ? se.getModality() : null);
                coding(els, "ImagingStudy.series[" + i + "].bodySite", se.hasBodySite() ? se.getBodySite() : null);
            }
        }
        int bad = 0;
        List<String> badLocations = new ArrayList<>();
        for (Element e : els) {
            if (!e.standard()) {
                bad++;
                if (badLocations.size() < 5) {
                    badLocations.add(e.location());
                }
            }
        }
        if (bad > 0) {
            sink.report(null, badLocations.get(0), bad + " of " + els.size()
                    + " coded elements use no standard system (LOINC, SNOMED CT, ICD-10, UCUM, DICOM): "
                    + String.join(", ", badLocations) + (bad > badLocations.size() ? ", ..." : ""),
                    (double) bad / els.size());
        }
    }

    private static void concept(List<Element> els, String location, CodeableConcept cc) {
        if (cc == null || !cc.hasCoding()) {
            return;
        }
        boolean any = false;
        boolean standard = false;
        for (Coding c : cc.getCoding()) {
            if (c.hasCode()) {
                any = true;
                standard |= c.hasSystem() && Systems.STANDARD.contains(c.getSystem());
            }
        }
        if (any) {
            els.add(new Element(location, standard));
        }
    }

    private static void coding(List<Element> els, String location, Coding c) {
        if (c != null && c.hasCode()) {
            els.add(new Element(location, c.hasSystem() && Systems.STANDARD.contains(c.getSystem())));
        }
    }

    private static void value(List<Element> els, String base, Type value) {
        if (value instanceof CodeableConcept cc) {
            concept(els, base + "CodeableConcept", cc);
        } else if (value instanceof Quantity q && (q.hasCode() || q.hasUnit())) {
            els.add(new Element(base + "Quantity.system", Systems.UCUM.equals(q.getSystem()) && q.hasCode()));
        }
    }
}
