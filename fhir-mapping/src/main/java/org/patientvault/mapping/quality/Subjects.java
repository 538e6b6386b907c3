package org.patientvault.mapping.quality;

import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/** The patient reference of the clinical types the checks know; a switch, not reflection. */
final class Subjects {
    private Subjects() {
    }

    static Reference subject(Resource r) {
        if (r instanceof Observation o) {
            return o.hasSubject() ? o.getSubject() : null;
        } else if (r instanceof DiagnosticReport d) {
            return d.hasSubject() ? d.getSubject() : null;
        } else if (r instanceof ImagingStudy s) {
            return s.hasSubject() ? s.getSubject() : null;
        } else if (r instanceof Condition c) {
            return c.hasSubject() ? c.getSubject() : null;
        } else if (r instanceof Procedure p) {
            return p.hasSubject() ? p.getSubject() : null;
        } else if (r instanceof Encounter e) {
            return e.hasSubject() ? e.getSubject() : null;
        }
        return null;
    }
}
