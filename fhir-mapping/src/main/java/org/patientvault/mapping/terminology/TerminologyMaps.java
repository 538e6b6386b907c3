package org.patientvault.mapping.terminology;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.mapping.terminology.internal.Terms;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;

/**
 * The ConceptMaps in force for one submission: the starter set shipped in
 * {@code /conceptmaps/} plus, taking precedence, the submitting hospital's own maps.
 *
 * <p>Matching rules:
 * <ul>
 *   <li>Only groups whose {@code target} is {@code http://loinc.org} are used; element targets with
 *       equivalence {@code unmatched} or {@code disjoint} are ignored.</li>
 *   <li>A group whose {@code source} is a real code system matches codings of that system by exact
 *       code.</li>
 *   <li>A group whose {@code source} is absent or {@link #ANY_LOCAL_SYSTEM} is system-agnostic: its
 *       element codes are terms (codes or names, Chinese or English) matched against a coding's code,
 *       then its display, then {@code CodeableConcept.text}, after {@linkplain Terms#key normalisation}
 *       (case, width and whitespace insensitive).</li>
 *   <li>Order: hospital system-specific, hospital agnostic, starter agnostic.</li>
 * </ul>
 * Immutable and thread-safe. Building costs O(total elements); lookups are O(1).
 */
public final class TerminologyMaps {

    /** Source system of system-agnostic groups (the starter maps use it). */
    public static final String ANY_LOCAL_SYSTEM = IdentitySystems.BASE + "/CodeSystem/local-any";

    /** LOINC system URL. */
    public static final String LOINC = "http://loinc.org";

    private static final Set<ConceptMapEquivalence> NOT_A_MAPPING =
            Set.of(ConceptMapEquivalence.UNMATCHED, ConceptMapEquivalence.DISJOINT);

    private final List<ConceptMap> maps;
    private final Map<String, TerminologyMatch> hospitalBySystemCode;
    private final Map<String, TerminologyMatch> hospitalAgnostic;
    private final Map<String, TerminologyMatch> starterAgnostic;

    private TerminologyMaps(List<ConceptMap> starter, List<ConceptMap> hospital) {
        List<ConceptMap> all = new ArrayList<>(starter);
        all.addAll(hospital);
        this.maps = List.copyOf(all);
        Map<String, TerminologyMatch> specific = new HashMap<>();
        Map<String, TerminologyMatch> hospAny = new HashMap<>();
        Map<String, TerminologyMatch> startAny = new HashMap<>();
        for (ConceptMap m : starter) {
            index(m, new HashMap<>(), startAny);
        }
        for (ConceptMap m : hospital) {
            index(m, specific, hospAny);
        }
        this.hospitalBySystemCode = Map.copyOf(specific);
        this.hospitalAgnostic = Map.copyOf(hospAny);
        this.starterAgnostic = Map.copyOf(startAny);
    }

    /** The starter set, parsed with {@code ctx} (an R4 context). */
    public static TerminologyMaps starter(FhirContext ctx) {
        return new TerminologyMaps(starterConceptMaps(ctx), List.of());
    }

    /**
     * The starter set, parsed with a shared R4 context created on first use (about a second; prefer
     * {@link #starter(FhirContext)} with the application's context).
     */
    public static TerminologyMaps starter() {
        return starter(FhirContext.forR4Cached());
    }

    /** The starter ConceptMaps as resources (e.g. to load them into the FHIR server). */
    public static List<ConceptMap> starterConceptMaps(FhirContext ctx) {
        List<ConceptMap> out = new ArrayList<>();
        for (String file : Terms.readLines("/conceptmaps/index.txt")) {
            String path = "/conceptmaps/" + file;
            try (InputStream in = TerminologyMaps.class.getResourceAsStream(path)) {
                if (in == null) {
                    throw new TerminologyMapException("starter map listed but missing: " + path);
                }
                String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                out.add(ctx.newJsonParser().parseResource(ConceptMap.class, json));
            } catch (IOException | DataFormatException e) {
                throw new TerminologyMapException("cannot read starter map " + path + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /**
     * These maps plus a hospital's own, which take precedence over the starter set.
     *
     * @throws TerminologyMapException if a hospital map maps one term to two LOINC codes
     */
    public TerminologyMaps withHospitalMaps(Collection<ConceptMap> hospitalMaps) {
        List<ConceptMap> starter = maps.stream().filter(TerminologyMaps::isStarter).toList();
        List<ConceptMap> hospital = new ArrayList<>(maps.stream().filter(m -> !isStarter(m)).toList());
        hospital.addAll(hospitalMaps);
        return new TerminologyMaps(starter, hospital);
    }

    /**
     * Validates a ConceptMap a hospital wants to upload, without keeping it.
     *
     * @throws TerminologyMapException naming the conflicting term
     */
    public static void validate(ConceptMap map) {
        index(map, new HashMap<>(), new HashMap<>());
    }

    private static boolean isStarter(ConceptMap m) {
        return m.hasUrl() && m.getUrl().startsWith(IdentitySystems.BASE + "/ConceptMap/starter-");
    }

    /** All maps in force, starter first. */
    public List<ConceptMap> conceptMaps() {
        return maps;
    }

    /**
     * Finds the LOINC mapping for a local coding; any argument may be null.
     *
     * @param system  coding system
     * @param code    coding code
     * @param display coding display or the concept's text
     */
    public Optional<TerminologyMatch> lookup(String system, String code, String display) {
        if (system != null && code != null) {
            TerminologyMatch m = hospitalBySystemCode.get(system + "|" + code);
            if (m != null) {
                return Optional.of(m);
            }
        }
        for (Map<String, TerminologyMatch> layer : List.of(hospitalAgnostic, starterAgnostic)) {
            for (String term : new String[] {code, display}) {
                String k = Terms.key(term);
                if (k != null && layer.containsKey(k)) {
                    return Optional.of(layer.get(k));
                }
            }
        }
        return Optional.empty();
    }

    private static void index(ConceptMap m, Map<String, TerminologyMatch> specific, Map<String, TerminologyMatch> agnostic) {
        String url = m.hasUrl() ? m.getUrl() : ("ConceptMap/" + m.getIdElement().getIdPart());
        for (ConceptMap.ConceptMapGroupComponent g : m.getGroup()) {
            if (!LOINC.equals(g.getTarget())) {
                continue;
            }
            boolean any = !g.hasSource() || ANY_LOCAL_SYSTEM.equals(g.getSource());
            for (ConceptMap.SourceElementComponent e : g.getElement()) {
                if (!e.hasCode() || e.getCode().isBlank()) {
                    continue;
                }
                ConceptMap.TargetElementComponent t = e.getTarget().stream()
                        .filter(x -> x.hasCode() && !NOT_A_MAPPING.contains(x.getEquivalence()))
                        .findFirst().orElse(null);
                if (t == null) {
                    continue;
                }
                String eq = t.getEquivalence() == null ? null : t.getEquivalence().toCode();
                TerminologyMatch match = new TerminologyMatch(t.getCode(), t.getDisplay(), eq, url, e.getCode());
                String key = any ? Terms.key(e.getCode()) : g.getSource() + "|" + e.getCode();
                Map<String, TerminologyMatch> target = any ? agnostic : specific;
                TerminologyMatch prev = target.get(key);
                if (prev != null && !prev.loincCode().equals(match.loincCode())) {
                    throw new TerminologyMapException("ConceptMap " + url + ": local term '" + e.getCode()
                            + "' maps to both " + prev.loincCode() + " and " + match.loincCode());
                }
                // same term and same LOINC code in two maps: the later map is named as the source
                target.put(key, match);
            }
        }
    }
}
