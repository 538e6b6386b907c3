package org.patientvault.consent;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the engine needs to know about one resource.
 *
 * @param dataClass   the concrete class, or null when the resource is unclassified (then only provisions without a
 *                    data-class restriction match it); never {@link DataClass#ALL}
 * @param modalities  DICOM modality codes of an imaging resource (empty when unknown or not imaging)
 * @param recordDate  when the record was made (clinically), or null when unknown
 */
public record ResourceFacts(DataClass dataClass, List<String> modalities, Instant recordDate) {
    public ResourceFacts {
        if (dataClass == DataClass.ALL) {
            throw new IllegalArgumentException("ResourceFacts.dataClass: ALL is a provision wildcard, not a class of a resource");
        }
        modalities = modalities == null ? List.of() : List.copyOf(modalities);
    }

    public static ResourceFacts of(DataClass dataClass, Instant recordDate) {
        return new ResourceFacts(dataClass, List.of(), recordDate);
    }

    public static ResourceFacts imaging(String modality, Instant recordDate) {
        Objects.requireNonNull(modality, "modality");
        return new ResourceFacts(DataClass.IMAGING, List.of(modality), recordDate);
    }

    int classBit() {
        return dataClass == null ? 0 : dataClass.bit();
    }
}
