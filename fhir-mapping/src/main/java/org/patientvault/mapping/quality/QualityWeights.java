package org.patientvault.mapping.quality;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The scoring configuration: category weights, severity penalties, resource-type weights and per-check severity
 * overrides, read from ONE properties file (default {@code classpath:quality/weights.properties}; the formula is in
 * that file and in {@code docs/data-quality.md}). Immutable and validated on load; cheap to read.
 */
public final class QualityWeights {

    /** Classpath location of the default configuration. */
    public static final String DEFAULT_RESOURCE = "quality/weights.properties";

    private final Map<QualityCategory, Double> categoryWeights;
    private final Map<QualitySeverity, Double> severityPenalties;
    private final Map<String, Double> resourceWeights;
    private final double defaultResourceWeight;
    private final Map<String, QualitySeverity> severityOverrides;

    private QualityWeights(Map<QualityCategory, Double> categoryWeights, Map<QualitySeverity, Double> penalties,
            Map<String, Double> resourceWeights, double defaultResourceWeight,
            Map<String, QualitySeverity> overrides) {
        this.categoryWeights = categoryWeights;
        this.severityPenalties = penalties;
        this.resourceWeights = resourceWeights;
        this.defaultResourceWeight = defaultResourceWeight;
        this.severityOverrides = overrides;
    }

    /** Loads the default configuration from the classpath. */
    public static QualityWeights defaults() {
        try (InputStream in = QualityWeights.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new QualityConfigurationException("classpath resource " + DEFAULT_RESOURCE + " is missing");
            }
            return load(in, DEFAULT_RESOURCE);
        } catch (IOException e) {
            throw new QualityConfigurationException("cannot read " + DEFAULT_RESOURCE, e);
        }
    }

    /**
     * Loads a configuration (UTF-8 properties). {@code sourceName} is used in error messages only.
     *
     * @throws QualityConfigurationException on a missing or malformed key
     */
    public static QualityWeights load(InputStream in, String sourceName) {
        Properties p = new Properties();
        try {
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException e) {
            throw new QualityConfigurationException("cannot parse quality weights " + sourceName, e);
        }
        return fromProperties(p, sourceName);
    }

    /** Builds a configuration from properties (see the default file for the keys). */
    public static QualityWeights fromProperties(Properties p, String sourceName) {
        Map<QualityCategory, Double> cats = new EnumMap<>(QualityCategory.class);
        double catSum = 0;
        for (QualityCategory c : QualityCategory.values()) {
            double w = number(p, "category." + c.key(), sourceName, 0, Double.MAX_VALUE, true);
            cats.put(c, w);
            catSum += w;
        }
        if (catSum <= 0) {
            throw new QualityConfigurationException(sourceName + ": category weights are all 0");
        }
        Map<QualitySeverity, Double> pens = new EnumMap<>(QualitySeverity.class);
        for (QualitySeverity s : QualitySeverity.values()) {
            double v = number(p, "severity." + s.key(), sourceName, 0, 1, true);
            if (v >= 1.0) {
                throw new QualityConfigurationException(sourceName + ": severity." + s.key()
                        + " must be below 1 so that further defects still lower the score, got " + v);
            }
            pens.put(s, v);
        }
        double def = p.containsKey("resource.default")
                ? number(p, "resource.default", sourceName, 0, Double.MAX_VALUE, true) : 1.0;
        Map<String, Double> res = new HashMap<>();
        Map<String, QualitySeverity> overrides = new HashMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("resource.") && !key.equals("resource.default")) {
                res.put(key.substring("resource.".length()), number(p, key, sourceName, 0, Double.MAX_VALUE, true));
            } else if (key.startsWith("check.") && key.endsWith(".severity")) {
                String id = key.substring("check.".length(), key.length() - ".severity".length());
                try {
                    overrides.put(id, QualitySeverity.fromCode(p.getProperty(key)));
                } catch (QualityInputException e) {
                    throw new QualityConfigurationException(sourceName + ": " + key + ": " + e.getMessage());
                }
            } else if (!key.startsWith("category.") && !key.startsWith("severity.") && !key.equals("resource.default")) {
                throw new QualityConfigurationException(sourceName + ": unknown key '" + key
                        + "' (expected category.*, severity.*, resource.* or check.<id>.severity)");
            }
        }
        return new QualityWeights(cats, pens, Map.copyOf(res), def, Map.copyOf(overrides));
    }

    private static double number(Properties p, String key, String source, double min, double max, boolean required) {
        String raw = p.getProperty(key);
        if (raw == null) {
            throw new QualityConfigurationException(source + ": required key '" + key + "' is missing");
        }
        double v;
        try {
            v = Double.parseDouble(raw.trim());
        } catch (NumberFormatException e) {
            throw new QualityConfigurationException(source + ": '" + key + "' is not a number: '" + raw + "'");
        }
        if (Double.isNaN(v) || v < min || v > max) {
            throw new QualityConfigurationException(source + ": '" + key + "' = " + v + " is outside [" + min + ", "
                    + max + "]");
        }
        return v;
    }

    public double categoryWeight(QualityCategory category) {
        return categoryWeights.get(category);
    }

    /** Penalty in [0,1) of one full-extent issue of this severity. */
    public double severityPenalty(QualitySeverity severity) {
        return severityPenalties.get(severity);
    }

    /** Weight of a resource type (e.g. {@code Observation}) in the submission score. */
    public double resourceWeight(String resourceType) {
        return resourceWeights.getOrDefault(resourceType, defaultResourceWeight);
    }

    /** Severity override for a check id, if configured. */
    public Optional<QualitySeverity> severityOverride(String checkId) {
        return Optional.ofNullable(severityOverrides.get(checkId));
    }
}
