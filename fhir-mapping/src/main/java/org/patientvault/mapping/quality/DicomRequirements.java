package org.patientvault.mapping.quality;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Acquisition attributes each modality needs, from {@code quality/dicom-acquisition.properties}. */
final class DicomRequirements {
    public static final String RESOURCE = "quality/dicom-acquisition.properties";

    /** One requirement: satisfied when any of the keywords has a non-blank value. */
    public record Requirement(List<String> anyOf) {
        public String label() {
            return String.join("|", anyOf);
        }

        public boolean satisfiedBy(Map<String, String> attributes) {
            for (String k : anyOf) {
                String v = attributes.get(k);
                if (v != null && !v.isBlank()) {
                    return true;
                }
            }
            return false;
        }
    }

    private final Map<String, List<Requirement>> required;
    private final Map<String, List<Requirement>> recommended;

    private DicomRequirements(Map<String, List<Requirement>> required, Map<String, List<Requirement>> recommended) {
        this.required = required;
        this.recommended = recommended;
    }

    public static DicomRequirements load() {
        Properties p = Tables.properties(RESOURCE);
        Map<String, List<Requirement>> req = new HashMap<>();
        Map<String, List<Requirement>> rec = new HashMap<>();
        for (String key : p.stringPropertyNames()) {
            Map<String, List<Requirement>> target;
            String modality;
            if (key.startsWith("required.")) {
                target = req;
                modality = key.substring("required.".length());
            } else if (key.startsWith("recommended.")) {
                target = rec;
                modality = key.substring("recommended.".length());
            } else {
                throw new QualityConfigurationException(RESOURCE + ": unknown key '" + key
                        + "' (expected required.<modality> or recommended.<modality>)");
            }
            List<Requirement> list = new ArrayList<>();
            for (String item : p.getProperty(key).split(",")) {
                List<String> any = new ArrayList<>();
                for (String k : item.split("\\|")) {
                    if (!k.isBlank()) {
                        any.add(k.strip());
                    }
                }
                if (any.isEmpty()) {
                    throw new QualityConfigurationException(RESOURCE + ": empty requirement in '" + key + "'");
                }
                list.add(new Requirement(List.copyOf(any)));
            }
            target.put(modality, List.copyOf(list));
        }
        return new DicomRequirements(Map.copyOf(req), Map.copyOf(rec));
    }

    public List<Requirement> required(String modality) {
        return required.getOrDefault(modality, List.of());
    }

    public List<Requirement> recommended(String modality) {
        return recommended.getOrDefault(modality, List.of());
    }
}
