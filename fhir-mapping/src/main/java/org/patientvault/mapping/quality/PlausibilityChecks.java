package org.patientvault.mapping.quality;

import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ResourceType;

/** Date, sex-specific-code and duplicate plausibility. */
final class PlausibilityChecks {
    private PlausibilityChecks() {
    }

    /** {@code plaus.future-date}: no clinical date after "now" (5 min skew; date-only values by calendar day). */
    static final class FutureDate extends BaseCheck {
        FutureDate() {
            super("plaus.future-date", QualityCategory.PLAUSIBILITY, QualitySeverity.ERROR);
        }

        @Override
        public void evaluate(Resource resource, QualityContext context, QualityIssueSink sink) {
            for (Dates.Dated d : Dates.of(resource)) {
                if (Dates.isFuture(d.value(), context.now())) {
                    sink.report(d.location(), "date " + d.value().getValueAsString() + " is in the future");
                }
            }
        }
    }

    /** {@code plaus.before-birth}: no clinical date before the patient's birth date. */
    static final class BeforeBirth extends BaseCheck {
        BeforeBirth() {
            super("plaus.before-birth", QualityCategory.PLAUSIBILITY, QualitySeverity.ERROR);
        }

        @Override
        public void evaluate(Resource resource, QualityContext context, QualityIssueSink sink) {
            Optional<String> birth = SubmissionIndex.of(context).birthDate(resource);
            if (birth.isEmpty()) {
                return;
            }
            for (Dates.Dated d : Dates.of(resource)) {
                if (d.location().equals("Patient.birthDate")) {
                    continue;
                }
                if (Dates.isBefore(d.value(), birth.get())) {
                    sink.report(d.location(), "date " + d.value().getValueAsString()
                            + " is before the patient's birth date");
                }
            }
        }
    }

    /** {@code plaus.sex-specific}: codes specific to one sex on a patient of the other administrative gender. */
    static final class SexSpecific extends BaseCheck {
        private final SexSpecificTable table;

        SexSpecific(SexSpecificTable table) {
            super("plaus.sex-specific", QualityCategory.PLAUSIBILITY, QualitySeverity.WARNING,
                    ResourceType.Observation, ResourceType.DiagnosticReport, ResourceType.Procedure);
            this.table = table;
        }

        @Override
        public void evaluate(Resource resource, QualityContext context, QualityIssueSink sink) {
            CodeableConcept code;
            if (resource instanceof Observation o) {
                code = o.getCode();
            } else if (resource instanceof DiagnosticReport d) {
                code = d.getCode();
            } else if (resource instanceof Procedure p) {
                code = p.getCode();
            } else {
                return;
            }
            if (code == null || !code.hasCoding()) {
                return;
            }
            Optional<AdministrativeGender> gender = SubmissionIndex.of(context).gender(resource);
            if (gender.isEmpty() || (gender.get() != AdministrativeGender.MALE
                    && gender.get() != AdministrativeGender.FEMALE)) {
                return;
            }
            for (Coding c : code.getCoding()) {
                Optional<SexSpecificTable.Entry> e = table.lookup(c.getSystem(), c.getCode());
                if (e.isPresent() && e.get().sex() != gender.get()) {
                    sink.report(resource.fhirType() + ".code", e.get().label() + " is usually specific to "
                            + e.get().sex().toCode() + " patients; the patient's administrative gender is "
                            + gender.get().toCode());
                    return;
                }
            }
        }
    }

    /** {@code plaus.duplicate}: same fingerprint earlier in the submission or in an earlier submission. */
    static final class Duplicate extends BaseCheck {
        Duplicate() {
            super("plaus.duplicate", QualityCategory.PLAUSIBILITY, QualitySeverity.WARNING,
                    ResourceType.Observation, ResourceType.DiagnosticReport, ResourceType.ImagingStudy);
        }

        @Override
        public void evaluate(Resource resource, QualityContext context, QualityIssueSink sink) {
            SubmissionIndex index = SubmissionIndex.of(context);
            int i = context.indexOf(resource);
            Optional<String> fp = index.fingerprint(i);
            if (fp.isEmpty()) {
                return;
            }
            int first = index.firstIndexOf(fp.get());
            if (first >= 0 && first < i) {
                sink.report(resource.fhirType(), "duplicates entry " + first
                        + " of this submission (same patient, code, time and value)");
            } else if (context.seenBefore(fp.get())) {
                sink.report(resource.fhirType(), "was already received in an earlier submission "
                        + "(same patient, code, time and value)");
            }
        }
    }
}
