package org.patientvault.mapping.quality;

import java.util.Set;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ResourceType;

/**
 * One data-quality check, a plug-in of {@link QualityScorer}. A check has a stable id (e.g.
 * {@code conf.standard-coding}; the id is what receipts, OperationOutcomes and scorecards carry, so never rename
 * one), a Kahn category, a default severity and the resource types it applies to.
 *
 * <p>Contract: {@link #evaluate} looks at one resource and reports zero or more issues to the sink. It must not
 * modify the resource or the context, must not throw on odd clinical content (odd content is an issue, not an
 * exception), and must be thread-safe: one scorer instance is shared across requests. Cost: it runs once per
 * resource in the ingest path, so anything that can be precomputed belongs in the constructor, and anything that
 * depends on the whole submission belongs in {@link QualityContext#shared}.
 */
public interface QualityCheck {

    /** Stable id: {@code <category prefix>.<name>}, lower-case, e.g. {@code plaus.value-range}. */
    String id();

    QualityCategory category();

    /** Severity of issues reported without an explicit one; the weights file may override it per check id. */
    QualitySeverity severity();

    /** The resource types this check looks at; an empty set means every type. */
    Set<ResourceType> appliesTo();

    /** Evaluates one resource of the submission in {@code context}, reporting issues to {@code sink}. */
    void evaluate(Resource resource, QualityContext context, QualityIssueSink sink);
}
