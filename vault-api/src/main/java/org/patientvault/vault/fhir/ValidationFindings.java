package org.patientvault.vault.fhir;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.ArrayList;
import java.util.List;
import org.patientvault.mapping.quality.QualitySeverity;
import org.patientvault.mapping.quality.QualityValidationMessage;

/**
 * The base-R4 validator's findings on an accepted request, kept for data-quality scoring ({@code conf.base-validation}):
 * a submission with validation errors is refused, but its warnings still say something about its quality.
 */
public final class ValidationFindings {

    private static final String KEY = ValidationFindings.class.getName();

    private ValidationFindings() {
    }

    /** The findings the validator left on this request: warnings and errors, never information. */
    @SuppressWarnings("unchecked")
    public static List<QualityValidationMessage> of(RequestDetails request) {
        Object found = request == null ? null : request.getUserData().get(KEY);
        return found instanceof List<?> list ? (List<QualityValidationMessage>) list : List.of();
    }

    static void keep(RequestDetails request, ValidationResult result) {
        List<QualityValidationMessage> kept = new ArrayList<>();
        for (SingleValidationMessage m : result.getMessages()) {
            if (m.getSeverity() == null || m.getSeverity().ordinal() < ResultSeverityEnum.WARNING.ordinal()) {
                continue;
            }
            kept.add(new QualityValidationMessage(QualitySeverity.fromCode(m.getSeverity().getCode()),
                    m.getLocationString() == null ? "" : m.getLocationString(), m.getMessage()));
        }
        request.getUserData().put(KEY, List.copyOf(kept));
    }
}
