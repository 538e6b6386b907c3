package org.patientvault.mapping.deid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A FHIR de-identification profile: data, not code. A versioned JSON file lists resource types that are never
 * exported, the security label stamped on every output, and ordered rules. The first rule that matches an element
 * decides what happens to it ({@link DeidMethod}); an element no rule matches is kept and its children are visited.
 *
 * <p>A rule matches by {@code path} and/or {@code type} (one value or a list each) plus optional conditions:
 * <ul>
 *   <li>{@code path}: a FHIRPath subset: {@code Patient.birthDate} (exact), {@code Resource.meta} (any resource type),
 *       {@code *.note} (any depth, suffix match). Choice elements are named with their type ({@code *.valueString}).</li>
 *   <li>{@code type}: the FHIR type of the element ({@code HumanName}, {@code Identifier}, {@code dateTime}, ...).</li>
 *   <li>{@code url} (extensions), {@code system} (identifiers), {@code values} (a primitive's value is in the list).</li>
 * </ul>
 * Method parameters: {@code as} ({@code reference}, {@code dicom-uid}) for cryptoHash, {@code level} ({@code year},
 * {@code province}) and {@code topCodeAge} for generalize, {@code value} for substitute.
 *
 * <p>Immutable and thread-safe. {@link #research()} is the default research profile
 * ({@code deid/research-profile.json}, documented in {@code docs/deidentification.md}).
 */
public final class DeidProfile {
    /** One ordered rule. */
    public record Rule(String id, List<String> paths, List<String> types, DeidMethod method, String url, String system,
            Set<String> values, String as, String level, Integer topCodeAge, String value) {
        public Rule {
            paths = List.copyOf(paths);
            types = List.copyOf(types);
            values = values == null ? null : Set.copyOf(values);
        }
    }

    /** A coding stamped into {@code meta.security} of every output resource. */
    public record SecurityLabel(String system, String code, String display) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile DeidProfile research;

    private final String id;
    private final String version;
    private final Set<String> excludedResourceTypes;
    private final SecurityLabel security;
    private final List<Rule> rules;

    private DeidProfile(String id, String version, Set<String> excluded, SecurityLabel security, List<Rule> rules) {
        this.id = id;
        this.version = version;
        this.excludedResourceTypes = Set.copyOf(excluded);
        this.security = security;
        this.rules = List.copyOf(rules);
    }

    /** The default research profile shipped with the module. Parsed once. */
    public static DeidProfile research() {
        DeidProfile p = research;
        if (p == null) {
            try (InputStream in = DeidProfile.class.getResourceAsStream("/deid/research-profile.json")) {
                if (in == null) {
                    throw new DeidProfileException("deid/research-profile.json is missing from the classpath");
                }
                p = parse(in);
            } catch (IOException e) {
                throw new DeidProfileException("cannot read deid/research-profile.json", e);
            }
            research = p;
        }
        return p;
    }

    /**
     * Parses a profile file.
     *
     * @throws DeidProfileException naming the offending rule when the file is not a valid profile
     */
    public static DeidProfile parse(InputStream in) throws IOException {
        JsonNode root = JSON.readTree(in);
        if (root == null || !root.isObject()) {
            throw new DeidProfileException("a profile is a JSON object");
        }
        String id = text(root, "id", null);
        String version = text(root, "version", null);
        if (id == null || version == null) {
            throw new DeidProfileException("a profile needs an id and a version");
        }
        Set<String> excluded = new LinkedHashSet<>(list(root.get("excludeResourceTypes")));
        SecurityLabel security = null;
        JsonNode sec = root.get("security");
        if (sec != null) {
            security = new SecurityLabel(text(sec, "system", null), text(sec, "code", null), text(sec, "display", null));
            if (security.system() == null || security.code() == null) {
                throw new DeidProfileException("security needs system and code");
            }
        }
        List<Rule> rules = new ArrayList<>();
        JsonNode rs = root.get("rules");
        if (rs == null || !rs.isArray()) {
            throw new DeidProfileException("a profile needs a rules array");
        }
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode r : rs) {
            String rid = text(r, "id", "rule " + (rules.size() + 1));
            if (!ids.add(rid)) {
                throw new DeidProfileException("duplicate rule id '" + rid + "'");
            }
            List<String> paths = list(r.get("path"));
            List<String> types = list(r.get("type"));
            if (paths.isEmpty() && types.isEmpty()) {
                throw new DeidProfileException("rule '" + rid + "' needs a path or a type");
            }
            for (String p : paths) {
                if (!p.matches("(\\*|[A-Z][A-Za-z]*)(\\.[a-z][A-Za-z0-9]*)+")) {
                    throw new DeidProfileException("rule '" + rid + "': path '" + p + "' is not Type.element[.element]"
                            + " or *.element");
                }
            }
            String methodText = text(r, "method", null);
            if (methodText == null) {
                throw new DeidProfileException("rule '" + rid + "' needs a method");
            }
            DeidMethod method;
            try {
                method = DeidMethod.parse(methodText);
            } catch (DeidProfileException e) {
                throw new DeidProfileException("rule '" + rid + "': " + e.getMessage());
            }
            JsonNode values = r.get("values");
            String as = text(r, "as", null);
            if (as != null && !as.equals("reference") && !as.equals("dicom-uid")) {
                throw new DeidProfileException("rule '" + rid + "': as must be reference or dicom-uid");
            }
            String level = text(r, "level", null);
            if (method == DeidMethod.GENERALIZE && !"year".equals(level) && !"province".equals(level)) {
                throw new DeidProfileException("rule '" + rid + "': generalize needs level year or province");
            }
            String value = text(r, "value", null);
            if (method == DeidMethod.SUBSTITUTE && value == null) {
                throw new DeidProfileException("rule '" + rid + "': substitute needs a value");
            }
            Integer top = r.has("topCodeAge") ? r.get("topCodeAge").asInt() : null;
            rules.add(new Rule(rid, paths, types, method, text(r, "url", null), text(r, "system", null),
                    values == null ? null : new LinkedHashSet<>(list(values)), as, level, top, value));
        }
        return new DeidProfile(id, version, excluded, security, rules);
    }

    private static String text(JsonNode n, String field, String dflt) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? dflt : v.asText();
    }

    private static List<String> list(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (n.isArray()) {
            n.forEach(e -> out.add(e.asText()));
        } else {
            out.add(n.asText());
        }
        return out;
    }

    public String id() {
        return id;
    }

    public String version() {
        return version;
    }

    /** Resource types that are never exported (e.g. Provenance and AuditEvent). */
    public Set<String> excludedResourceTypes() {
        return excludedResourceTypes;
    }

    /** The label stamped into every output's {@code meta.security}, or null. */
    public SecurityLabel security() {
        return security;
    }

    /** The rules in order. */
    public List<Rule> rules() {
        return rules;
    }

    @Override
    public String toString() {
        return "DeidProfile[" + id + " v" + version + ", " + rules.size() + " rules]";
    }
}
