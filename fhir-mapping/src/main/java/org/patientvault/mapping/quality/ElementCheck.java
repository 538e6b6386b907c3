package org.patientvault.mapping.quality;

import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ResourceType;

/** A check whose logic is a small function; used for the element-presence completeness checks. */
final class ElementCheck extends BaseCheck {
    @FunctionalInterface
    interface Body {
        void evaluate(Resource resource, QualityContext context, QualityIssueSink sink);
    }

    private final Body body;

    ElementCheck(String id, QualityCategory category, QualitySeverity severity, ResourceType type, Body body) {
        super(id, category, severity, type);
        this.body = body;
    }

    @Override
    public void evaluate(Resource resource, QualityContext context, QualityIssueSink sink) {
        body.evaluate(resource, context, sink);
    }
}
