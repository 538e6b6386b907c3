package org.patientvault.mapping.quality;

import java.util.List;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ResourceType;
import org.patientvault.mapping.quality.internal.ResidentIdChecksum;
import org.patientvault.mapping.quality.internal.Systems;

/** Identifier well-formedness on Patient: resident ID checksum ({@code conf.resident-id}), MRN system and assigner. */
final class IdentifierChecks {
    private IdentifierChecks() {
    }

    /** {@code conf.resident-id}: 18 characters, a real birth date, GB 11643 MOD 11-2 check character. */
    static final class ResidentId extends BaseCheck {
        ResidentId() {
            super("conf.resident-id", QualityCategory.CONFORMANCE, QualitySeverity.ERROR, ResourceType.Patient);
        }

        @Override
        public void evaluate(Resource resource, QualityContext context, QualityIssueSink sink) {
            List<Identifier> ids = ((Patient) resource).getIdentifier();
            for (int i = 0; i < ids.size(); i++) {
                Identifier id = ids.get(i);
                if (!Systems.RESIDENT_ID.equals(id.getSystem())) {
                    continue;
                }
                String loc = "Patient.identifier[" + i + "].value";
                // never echo the number: it is a national ID
                switch (ResidentIdChecksum.validate(id.getValue())) {
                    case NONE -> { }
                    case LENGTH -> sink.report(loc, "resident ID must have 18 characters");
                    case CHARACTERS -> sink.report(loc, "resident ID must be 17 digits followed by a digit or X");
                    case BIRTH_DATE -> sink.report(loc, "resident ID encodes an impossible birth date");
                    case CHECK_DIGIT -> sink.report(loc, "resident ID fails the GB 11643 MOD 11-2 check character");
                }
            }
        }
    }

    /** {@code conf.mrn-identifier}: an identifier typed v2-0203 MR needs a system and an assigner. */
    static final class Mrn extends BaseCheck {
        Mrn() {
            super("conf.mrn-identifier", QualityCategory.CONFORMANCE, QualitySeverity.WARNING, ResourceType.Patient);
        }

        @Override
        public void evaluate(Resource resource, QualityContext context, QualityIssueSink sink) {
            List<Identifier> ids = ((Patient) resource).getIdentifier();
            for (int i = 0; i < ids.size(); i++) {
                Identifier id = ids.get(i);
                if (!isMrn(id)) {
                    continue;
                }
                if (!id.hasSystem()) {
                    sink.report("Patient.identifier[" + i + "].system", "MRN identifier has no system");
                }
                if (!id.hasAssigner() || (!id.getAssigner().hasReference() && !id.getAssigner().hasIdentifier()
                        && !id.getAssigner().hasDisplay())) {
                    sink.report("Patient.identifier[" + i + "].assigner",
                            "MRN identifier has no assigner (the hospital Organization)");
                }
            }
        }

        private static boolean isMrn(Identifier id) {
            if (!id.hasType()) {
                return false;
            }
            for (Coding c : id.getType().getCoding()) {
                if (Systems.V2_0203.equals(c.getSystem()) && "MR".equals(c.getCode())) {
                    return true;
                }
            }
            return false;
        }
    }
}
