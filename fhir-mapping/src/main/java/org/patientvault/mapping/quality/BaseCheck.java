package org.patientvault.mapping.quality;

import java.util.EnumSet;
import java.util.Set;
import org.hl7.fhir.r4.model.ResourceType;

/** Id, category, severity and types of a default check. */
abstract class BaseCheck implements QualityCheck {
    private final String id;
    private final QualityCategory category;
    private final QualitySeverity severity;
    private final Set<ResourceType> types;

    BaseCheck(String id, QualityCategory category, QualitySeverity severity, ResourceType... types) {
        this.id = id;
        this.category = category;
        this.severity = severity;
        this.types = types.length == 0 ? Set.of() : Set.copyOf(EnumSet.of(types[0], types));
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final QualityCategory category() {
        return category;
    }

    @Override
    public final QualitySeverity severity() {
        return severity;
    }

    @Override
    public final Set<ResourceType> appliesTo() {
        return types;
    }

    @Override
    public String toString() {
        return id;
    }
}
