package org.patientvault.mapping.quality;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.OptionalDouble;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Resource;

/**
 * The {@code quality-score} extension (valueDecimal, 0–1, 3 decimals). On a DomainResource it sits in
 * {@code extension}; a Bundle has no {@code extension} element in R4, so there it sits in {@code Bundle.meta.extension}.
 * Stamping replaces any earlier score. The StructureDefinition is {@code classpath:quality/StructureDefinition-quality-score.json}
 * and the SearchParameter {@code quality} is {@code classpath:quality/SearchParameter-quality.json}.
 */
public final class QualityScoreExtension {
    public static final String URL = "https://patientvault.org/fhir/StructureDefinition/quality-score";
    /** Code system of check ids used in {@code OperationOutcome.issue.details.coding}. */
    public static final String CHECK_CODE_SYSTEM = "https://patientvault.org/fhir/CodeSystem/quality-check";

    private QualityScoreExtension() {
    }

    /** The score as a 3-decimal BigDecimal (half-up). */
    public static BigDecimal toDecimal(double score) {
        if (!(score >= 0.0 && score <= 1.0)) {
            throw new QualityInputException("quality score must be in [0, 1], got " + score);
        }
        return BigDecimal.valueOf(score).setScale(3, RoundingMode.HALF_UP);
    }

    /** Sets the score on a resource (replacing an earlier one). */
    public static void stamp(DomainResource resource, double score) {
        if (resource == null) {
            throw new QualityInputException("cannot stamp a quality score on a null resource");
        }
        replace(resource.getExtension(), score);
    }

    /** Sets the score on {@code Bundle.meta.extension} (replacing an earlier one). */
    public static void stamp(Bundle bundle, double score) {
        if (bundle == null) {
            throw new QualityInputException("cannot stamp a quality score on a null Bundle");
        }
        replace(bundle.getMeta().getExtension(), score);
    }

    private static void replace(List<Extension> extensions, double score) {
        BigDecimal d = toDecimal(score);
        extensions.removeIf(e -> URL.equals(e.getUrl()));
        extensions.add(new Extension(URL, new DecimalType(d)));
    }

    /** Reads the score from a DomainResource, or from a Bundle's meta. */
    public static OptionalDouble read(Resource resource) {
        List<Extension> exts;
        if (resource instanceof DomainResource dr) {
            exts = dr.getExtension();
        } else if (resource instanceof Bundle b && b.hasMeta()) {
            Meta m = b.getMeta();
            exts = m.getExtension();
        } else {
            return OptionalDouble.empty();
        }
        for (Extension e : exts) {
            if (URL.equals(e.getUrl()) && e.getValue() instanceof DecimalType dt && dt.getValue() != null) {
                return OptionalDouble.of(dt.getValue().doubleValue());
            }
        }
        return OptionalDouble.empty();
    }
}
