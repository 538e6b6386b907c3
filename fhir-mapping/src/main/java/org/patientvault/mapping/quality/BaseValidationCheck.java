package org.patientvault.mapping.quality;

import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Resource;

/**
 * {@code conf.base-validation}: the base-R4 validator's messages for this resource, passed in by the app.
 * Validator errors count as ERROR; validator warnings, which are mostly best-practice advice, count as INFORMATION;
 * information messages and the ubiquitous narrative advice (dom-6) are ignored.
 */
final class BaseValidationCheck extends BaseCheck {
    private static final Pattern ENTRY_PREFIX =
            Pattern.compile("^Bundle\\.entry\\[\\d+]\\.resource(?:\\.ofType\\([A-Za-z]+\\)|/\\*[^*]*\\*/)?");

    BaseValidationCheck() {
        super("conf.base-validation", QualityCategory.CONFORMANCE, QualitySeverity.ERROR);
    }

    @Override
    public void evaluate(Resource resource, QualityContext context, QualityIssueSink sink) {
        int index = context.indexOf(resource);
        for (QualityValidationMessage m : context.validationMessages(index)) {
            if (m.severity() == QualitySeverity.INFORMATION || m.message().contains("dom-6")) {
                continue;
            }
            QualitySeverity s = m.severity() == QualitySeverity.ERROR ? QualitySeverity.ERROR
                    : QualitySeverity.INFORMATION;
            sink.report(s, relative(resource.fhirType(), m.location()), "R4 validation: " + m.message(), 1.0);
        }
    }

    /** {@code Bundle.entry[3].resource.status} → {@code Observation.status}. */
    static String relative(String type, String location) {
        if (location.isEmpty()) {
            return type;
        }
        String rest = ENTRY_PREFIX.matcher(location).replaceFirst("");
        if (rest.length() == location.length()) {
            return location;
        }
        return rest.isEmpty() ? type : type + (rest.startsWith(".") ? rest : "." + rest);
    }
}
