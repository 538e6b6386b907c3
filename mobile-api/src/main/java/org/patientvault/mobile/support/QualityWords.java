package org.patientvault.mobile.support;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.OptionalDouble;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Resource;
import org.patientvault.mapping.quality.QualityScoreExtension;
import org.springframework.stereotype.Component;

/**
 * A record's data-quality score (the {@code quality-score} extension stamped at submission) in words: "complete"
 * (≥ 0.9), "mostly complete" (≥ 0.7), "incomplete" (≥ 0.4), "poor"; a lab value without a unit says "missing units"
 * whatever the score.
 */
@Component
public class QualityWords {

    /** The score (0–1, null when the record has none) and its words. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Quality(Double score, String code, String words) {
    }

    private final Texts texts;

    QualityWords(Texts texts) {
        this.texts = texts;
    }

    /** What the hospital sent: the terminology step keeps it in this extension when it normalises the unit. */
    private static Quantity sent(Quantity stored) {
        Extension original = stored.getExtensionByUrl(
                "https://patientvault.org/fhir/StructureDefinition/original-quantity");
        return original != null && original.getValue() instanceof Quantity q ? q : stored;
    }

    private static boolean hasUnit(Quantity q) {
        return q.hasUnit() || q.hasCode();
    }

    public Quality of(Resource r) {
        OptionalDouble score = QualityScoreExtension.read(r);
        String code;
        if (r instanceof Observation o && o.hasValueQuantity() && !hasUnit(sent(o.getValueQuantity()))) {
            code = "missing-units";
        } else if (score.isEmpty()) {
            code = "unscored";
        } else {
            double s = score.getAsDouble();
            code = s >= 0.9 ? "complete" : s >= 0.7 ? "mostly-complete" : s >= 0.4 ? "incomplete" : "poor";
        }
        return new Quality(score.isPresent() ? score.getAsDouble() : null, code, texts.text("quality." + code));
    }
}
