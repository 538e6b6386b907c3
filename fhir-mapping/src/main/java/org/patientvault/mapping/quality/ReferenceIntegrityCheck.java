package org.patientvault.mapping.quality;

import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Specimen;

/**
 * {@code conf.reference-integrity}: every literal reference resolves. {@code urn:uuid:}/{@code urn:oid:} and
 * relative {@code Type/id} references must point into the submission, or (relative ones) to a resource the app's
 * resolver says exists in the vault; {@code #id} must name a contained resource. Absolute URLs to other servers and
 * logical (identifier-only) references are not checked. The common clinical types are walked by hand, with
 * FHIRPath locations; other types fall back to HAPI's terser on {@code FhirContext.forR4Cached()} (slower; the
 * first such resource in the JVM pays the context's one-time start-up; location = resource type).
 */
final class ReferenceIntegrityCheck extends BaseCheck {
    private record Ref(String location, Reference reference) {
    }

    ReferenceIntegrityCheck() {
        super("conf.reference-integrity", QualityCategory.CONFORMANCE, QualitySeverity.ERROR);
    }

    @Override
    public void evaluate(Resource resource, QualityContext context, QualityIssueSink sink) {
        SubmissionIndex index = SubmissionIndex.of(context);
        for (Ref r : references(resource)) {
            Reference ref = r.reference();
            if (!ref.hasReference() || ref.getResource() != null) {
                continue;
            }
            String s = ref.getReference();
            if (s.startsWith("#")) {
                if (!containsContained(resource, s.substring(1))) {
                    sink.report(r.location(), "reference " + s + " names no contained resource");
                }
            } else if (s.startsWith("urn:uuid:") || s.startsWith("urn:oid:")) {
                if (!index.resolves(s)) {
                    sink.report(r.location(), "reference " + s + " does not resolve to any entry of the submission");
                }
            } else if (!s.startsWith("http://") && !s.startsWith("https://")) {
                if (!index.resolves(s) && !context.existsOutsideSubmission(s)) {
                    sink.report(r.location(), "reference " + s + " resolves neither in the submission nor in the vault");
                }
            }
        }
    }

    private static boolean containsContained(Resource resource, String id) {
        if (!(resource instanceof DomainResource dr)) {
            return false;
        }
        for (Resource c : dr.getContained()) {
            String cid = c.getIdElement().getIdPart();
            if (cid != null && (cid.equals(id) || cid.equals("#" + id))) {
                return true;
            }
        }
        return false;
    }

    static List<Ref> references(Resource r) {
        List<Ref> out = new ArrayList<>();
        if (r instanceof Observation o) {
            add(out, "Observation.subject", o.getSubject());
            add(out, "Observation.encounter", o.getEncounter());
            addAll(out, "Observation.basedOn", o.getBasedOn());
            addAll(out, "Observation.performer", o.getPerformer());
            add(out, "Observation.specimen", o.getSpecimen());
            add(out, "Observation.device", o.getDevice());
            addAll(out, "Observation.hasMember", o.getHasMember());
            addAll(out, "Observation.derivedFrom", o.getDerivedFrom());
        } else if (r instanceof DiagnosticReport d) {
            add(out, "DiagnosticReport.subject", d.getSubject());
            add(out, "DiagnosticReport.encounter", d.getEncounter());
            addAll(out, "DiagnosticReport.basedOn", d.getBasedOn());
            addAll(out, "DiagnosticReport.performer", d.getPerformer());
            addAll(out, "DiagnosticReport.resultsInterpreter", d.getResultsInterpreter());
            addAll(out, "DiagnosticReport.specimen", d.getSpecimen());
            addAll(out, "DiagnosticReport.result", d.getResult());
            addAll(out, "DiagnosticReport.imagingStudy", d.getImagingStudy());
        } else if (r instanceof ImagingStudy s) {
            add(out, "ImagingStudy.subject", s.getSubject());
            add(out, "ImagingStudy.encounter", s.getEncounter());
            addAll(out, "ImagingStudy.basedOn", s.getBasedOn());
            add(out, "ImagingStudy.referrer", s.getReferrer());
            addAll(out, "ImagingStudy.interpreter", s.getInterpreter());
            addAll(out, "ImagingStudy.endpoint", s.getEndpoint());
            for (int i = 0; i < s.getSeries().size(); i++) {
                ImagingStudy.ImagingStudySeriesComponent se = s.getSeries().get(i);
                addAll(out, "ImagingStudy.series[" + i + "].endpoint", se.getEndpoint());
                for (int j = 0; j < se.getPerformer().size(); j++) {
                    add(out, "ImagingStudy.series[" + i + "].performer[" + j + "].actor",
                            se.getPerformer().get(j).getActor());
                }
            }
        } else if (r instanceof Patient p) {
            addAll(out, "Patient.generalPractitioner", p.getGeneralPractitioner());
            add(out, "Patient.managingOrganization", p.getManagingOrganization());
            for (int i = 0; i < p.getIdentifier().size(); i++) {
                add(out, "Patient.identifier[" + i + "].assigner", p.getIdentifier().get(i).getAssigner());
            }
            for (int i = 0; i < p.getLink().size(); i++) {
                add(out, "Patient.link[" + i + "].other", p.getLink().get(i).getOther());
            }
        } else if (r instanceof Condition c) {
            add(out, "Condition.subject", c.getSubject());
            add(out, "Condition.encounter", c.getEncounter());
            add(out, "Condition.recorder", c.getRecorder());
            add(out, "Condition.asserter", c.getAsserter());
        } else if (r instanceof Procedure p) {
            add(out, "Procedure.subject", p.getSubject());
            add(out, "Procedure.encounter", p.getEncounter());
            addAll(out, "Procedure.basedOn", p.getBasedOn());
            add(out, "Procedure.recorder", p.getRecorder());
        } else if (r instanceof Encounter e) {
            add(out, "Encounter.subject", e.getSubject());
            add(out, "Encounter.serviceProvider", e.getServiceProvider());
            for (int i = 0; i < e.getParticipant().size(); i++) {
                add(out, "Encounter.participant[" + i + "].individual", e.getParticipant().get(i).getIndividual());
            }
        } else if (r instanceof Organization o) {
            add(out, "Organization.partOf", o.getPartOf());
            addAll(out, "Organization.endpoint", o.getEndpoint());
        } else if (r instanceof Practitioner) {
            return out; // no references worth checking in a checkup submission
        } else if (r instanceof PractitionerRole pr) {
            add(out, "PractitionerRole.practitioner", pr.getPractitioner());
            add(out, "PractitionerRole.organization", pr.getOrganization());
            addAll(out, "PractitionerRole.location", pr.getLocation());
        } else if (r instanceof Specimen sp) {
            add(out, "Specimen.subject", sp.getSubject());
            addAll(out, "Specimen.parent", sp.getParent());
        } else if (r instanceof ServiceRequest sr) {
            add(out, "ServiceRequest.subject", sr.getSubject());
            add(out, "ServiceRequest.encounter", sr.getEncounter());
            add(out, "ServiceRequest.requester", sr.getRequester());
            addAll(out, "ServiceRequest.performer", sr.getPerformer());
        } else {
            // Other types: the terser walks the model through HAPI's cached definitions; fine for the rarer types.
            for (Reference ref : FhirContext.forR4Cached().newTerser()
                    .getAllPopulatedChildElementsOfType(r, Reference.class)) {
                out.add(new Ref(r.fhirType(), ref));
            }
        }
        return out;
    }

    private static void add(List<Ref> out, String location, Reference ref) {
        if (ref != null && ref.hasReference()) {
            out.add(new Ref(location, ref));
        }
    }

    private static void addAll(List<Ref> out, String location, List<Reference> refs) {
        for (int i = 0; i < refs.size(); i++) {
            add(out, location + "[" + i + "]", refs.get(i));
        }
    }
}
