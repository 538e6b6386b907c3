package org.patientvault.vault.fhir;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.validation.IValidationContext;
import ca.uhn.fhir.validation.IValidatorModule;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationContext;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Validates a large transaction or batch Bundle (JSON) in slices of its entries, with the same findings as validating
 * it whole, at the same {@code Bundle.entry[n]...} locations and source lines.
 *
 * <p>Why: the instance validator (org.hl7.fhir.validation 6.7.9) merges every resource's messages into the Bundle's
 * list with a linear scan per message, so a whole Bundle costs the square of its message count (an 11,197-entry
 * Synthea record did not finish in 520 s of CPU). Each slice is a Bundle made of the original text of its entries
 * (so line and column map back exactly) plus, after them, a context entry for every entry outside the slice that one
 * of its entries names (by fullUrl or {@code Type/id}): the validator resolves in-bundle references and checks the
 * target's resource type, so each referenced entry must be there with its type. A context entry is a stub: its
 * fullUrl, request and its resource's type, id, meta and required elements (copied, so the stub raises few messages
 * of its own, which would otherwise feed the same quadratic merge in a slice such as Synthea's Provenance, whose
 * targets are every entry). Findings located in a context entry are dropped (that entry is validated in its own slice);
 * findings on the Bundle itself are reported once.
 *
 * <p>Whole-Bundle validation is kept where slicing could lose a finding: XML, Bundles that are not transaction or
 * batch, Bundles with at most one slice of entries, and Bundles whose fullUrls or resource ids
 * repeat (bdl-7 and the validator's duplicate checks span every entry).
 * Any failure to slice falls back to whole validation. The request's thread validates the first slice, the given
 * executor the others.
 *
 * <p>Cost: one extra JSON parse of the request (Jackson, small against validation) and the context stubs.
 */
final class SlicedBundleValidator implements IValidatorModule {

    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper(JSON);
    private static final Pattern ENTRY_LOCATION = Pattern.compile("^Bundle\\.entry\\[(\\d+)]");

    private final FhirContext ctx;
    private final IValidatorModule delegate;
    private final int sliceEntries;
    private final Executor executor;

    SlicedBundleValidator(FhirContext ctx, IValidatorModule delegate, int sliceEntries, Executor executor) {
        this.ctx = ctx;
        this.delegate = delegate;
        this.sliceEntries = sliceEntries;
        this.executor = executor;
    }

    @Override
    public void validateResource(IValidationContext<IBaseResource> context) {
        Plan plan = null;
        String text = context.getResourceAsString();
        if (text != null && context.getResourceAsStringEncoding() == EncodingEnum.JSON) {
            try {
                plan = Plan.of(text, sliceEntries);
            } catch (IOException | RuntimeException e) {
                // Not ours to judge: the validator reports malformed JSON itself.
                plan = null;
            }
        }
        if (plan == null) {
            delegate.validateResource(context);
            return;
        }
        // The first slice on the request's own thread, so a request progresses even while the pool is busy with
        // other requests' slices.
        List<CompletableFuture<List<SingleValidationMessage>>> futures = new ArrayList<>();
        for (int from = sliceEntries; from < plan.entries.size(); from += sliceEntries) {
            int to = Math.min(from + sliceEntries, plan.entries.size());
            Plan p = plan;
            int f = from;
            futures.add(CompletableFuture.supplyAsync(() -> validateSlice(context, p, f, to), executor));
        }
        futures.add(0, CompletableFuture.completedFuture(validateSlice(context, plan, 0, sliceEntries)));
        Set<List<Object>> bundleLevel = new HashSet<>();
        for (CompletableFuture<List<SingleValidationMessage>> future : futures) {
            for (SingleValidationMessage m : future.join()) {
                if (m.getLocationString() != null && m.getLocationString().startsWith("Bundle.entry[")) {
                    context.addValidationMessage(m);
                } else if (bundleLevel.add(Arrays.asList(m.getSeverity(), m.getLocationString(), m.getMessage(),
                        m.getMessageId(), m.getLocationLine(), m.getLocationCol()))) {
                    context.addValidationMessage(m);
                }
            }
        }
    }

    /** Validates entries [from, to) with their context stubs; returns their findings at original locations. */
    private List<SingleValidationMessage> validateSlice(IValidationContext<IBaseResource> outer, Plan plan, int from,
                                                        int to) {
        Slice slice = plan.slice(ctx, from, to);
        IValidationContext<IBaseResource> inner = ValidationContext.forText(ctx, slice.text, outer.getOptions());
        delegate.validateResource(inner);
        List<SingleValidationMessage> out = new ArrayList<>();
        for (SingleValidationMessage m : inner.getMessages()) {
            String location = m.getLocationString();
            if (location != null) {
                Matcher matcher = ENTRY_LOCATION.matcher(location);
                if (matcher.find()) {
                    int local = Integer.parseInt(matcher.group(1));
                    if (local >= to - from) {
                        continue; // a context stub: validated in its own slice
                    }
                    m.setLocationString("Bundle.entry[" + (from + local) + "]" + location.substring(matcher.end()));
                }
            }
            if (m.getLocationLine() != null && m.getLocationCol() != null) {
                int[] lineCol = slice.toOriginal(plan, m.getLocationLine(), m.getLocationCol());
                m.setLocationLine(lineCol == null ? null : lineCol[0]);
                m.setLocationCol(lineCol == null ? null : lineCol[1]);
            }
            out.add(m);
        }
        return out;
    }

    /** One entry of the original Bundle: its text span and what other entries it may name. */
    private record Entry(int start, int end, String fullUrl, String typeAndId, JsonNode node) {
    }

    /** The original Bundle's layout: where its entry array and entries are, and which entries name which. */
    static final class Plan {
        final String text;
        final int arrayOpen; // offset of '['
        final int arrayClose; // offset of ']'
        final List<Entry> entries;
        final int[] lineStarts;
        final Map<String, Integer> byKey = new HashMap<>();

        private Plan(String text, int arrayOpen, int arrayClose, List<Entry> entries) {
            this.text = text;
            this.arrayOpen = arrayOpen;
            this.arrayClose = arrayClose;
            this.entries = entries;
            this.lineStarts = lineStarts(text);
        }

        /** The plan, or null when this Bundle is validated whole. */
        static Plan of(String text, int sliceEntries) throws IOException {
            String resourceType = null;
            String type = null;
            int open = -1;
            int close = -1;
            List<Entry> entries = new ArrayList<>();
            try (JsonParser p = JSON.createParser(text)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    return null;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    if ("resourceType".equals(name) && value == JsonToken.VALUE_STRING) {
                        resourceType = p.getText();
                    } else if ("type".equals(name) && value == JsonToken.VALUE_STRING) {
                        type = p.getText();
                    } else if ("entry".equals(name) && value == JsonToken.START_ARRAY) {
                        open = (int) p.currentTokenLocation().getCharOffset();
                        JsonToken t;
                        while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
                            int start = (int) p.currentTokenLocation().getCharOffset();
                            p.skipChildren();
                            int end = (int) p.currentTokenLocation().getCharOffset() + 1;
                            entries.add(entry(text, start, end));
                        }
                        if (t != JsonToken.END_ARRAY) {
                            return null;
                        }
                        close = (int) p.currentTokenLocation().getCharOffset();
                    } else {
                        p.skipChildren();
                    }
                }
            }
            if (!"Bundle".equals(resourceType) || !("transaction".equals(type) || "batch".equals(type))
                    || open < 0 || text.charAt(open) != '[' || text.charAt(close) != ']'
                    || entries.size() <= sliceEntries) {
                return null;
            }
            Plan plan = new Plan(text, open, close, entries);
            Set<String> fullUrls = new HashSet<>();
            Set<String> typeAndIds = new HashSet<>();
            for (int i = 0; i < entries.size(); i++) {
                Entry e = entries.get(i);
                // bdl-7 (fullUrl unique) and the validator's own duplicate checks span every entry: validate whole.
                if (e.fullUrl != null && !fullUrls.add(e.fullUrl)
                        || e.typeAndId != null && !typeAndIds.add(e.typeAndId)) {
                    return null;
                }
                if (e.fullUrl != null) {
                    plan.byKey.putIfAbsent(e.fullUrl, i);
                    int slash = e.fullUrl.lastIndexOf('/', e.fullUrl.lastIndexOf('/') - 1);
                    if (slash >= 0) {
                        plan.byKey.putIfAbsent(e.fullUrl.substring(slash + 1), i);
                    }
                }
                if (e.typeAndId != null) {
                    plan.byKey.putIfAbsent(e.typeAndId, i);
                }
            }
            return plan;
        }

        private static Entry entry(String text, int start, int end) throws IOException {
            JsonNode node = MAPPER.readTree(text.substring(start, end));
            String fullUrl = node.path("fullUrl").isTextual() ? node.path("fullUrl").asText() : null;
            JsonNode resource = node.path("resource");
            String typeAndId = resource.path("resourceType").isTextual() && resource.path("id").isTextual()
                    ? resource.path("resourceType").asText() + "/" + resource.path("id").asText() : null;
            return new Entry(start, end, fullUrl, typeAndId, node);
        }

        /** Indices of the entries outside [from, to) that an entry inside names by any string value. */
        TreeSet<Integer> context(int from, int to) {
            TreeSet<Integer> out = new TreeSet<>();
            for (int i = from; i < to; i++) {
                collect(entries.get(i).node.path("resource"), from, to, out);
            }
            return out;
        }

        private void collect(JsonNode node, int from, int to, Set<Integer> out) {
            if (node.isTextual()) {
                String s = node.asText();
                int h = s.indexOf("/_history/");
                Integer target = byKey.get(h < 0 ? s : s.substring(0, h));
                if (target == null && h >= 0) {
                    target = byKey.get(s);
                }
                if (target == null) {
                    // An absolute reference names Type/id at its end (http://server/fhir/Patient/1).
                    String path = h < 0 ? s : s.substring(0, h);
                    int slash = path.lastIndexOf('/', path.lastIndexOf('/') - 1);
                    if (slash >= 0) {
                        target = byKey.get(path.substring(slash + 1));
                    }
                }
                if (target != null && (target < from || target >= to)) {
                    out.add(target);
                }
            } else if (node.isContainerNode()) {
                for (JsonNode child : node) {
                    collect(child, from, to, out);
                }
            }
        }

        Slice slice(FhirContext ctx, int from, int to) {
            StringBuilder sb = new StringBuilder(text.length() / Math.max(1, entries.size() / (to - from)) + 1024);
            List<int[]> segments = new ArrayList<>(); // {sliceStart, sliceEnd, originalStart}
            sb.append(text, 0, arrayOpen + 1);
            segments.add(new int[] {0, arrayOpen + 1, 0});
            for (int i = from; i < to; i++) {
                Entry e = entries.get(i);
                sb.append(i == from ? "\n" : ",\n");
                int s = sb.length();
                sb.append(text, e.start, e.end);
                segments.add(new int[] {s, sb.length(), e.start});
            }
            for (int target : context(from, to)) {
                sb.append(",\n").append(stub(ctx, entries.get(target).node));
            }
            sb.append('\n');
            int s = sb.length();
            sb.append(text, arrayClose, text.length());
            segments.add(new int[] {s, sb.length(), arrayClose});
            return new Slice(sb.toString(), segments);
        }

        /** fullUrl, request and the resource's type, id, meta and required elements. */
        static String stub(FhirContext ctx, JsonNode entry) {
            ObjectNode out = MAPPER.createObjectNode();
            copy(entry, out, "fullUrl");
            copy(entry, out, "request");
            JsonNode resource = entry.path("resource");
            if (resource.isObject()) {
                ObjectNode r = out.putObject("resource");
                copy(resource, r, "resourceType");
                copy(resource, r, "id");
                copy(resource, r, "meta");
                RuntimeResourceDefinition def = null;
                try {
                    def = ctx.getResourceDefinition(resource.path("resourceType").asText());
                } catch (RuntimeException e) {
                    // Unknown type: the stub carries the type alone; the validator reports it where it belongs.
                }
                if (def != null) {
                    for (BaseRuntimeChildDefinition child : def.getChildren()) {
                        if (child.getMin() > 0) {
                            for (String name : child.getValidChildNames()) {
                                copy(resource, r, name);
                            }
                        }
                    }
                }
            }
            return out.toString();
        }

        private static void copy(JsonNode from, ObjectNode to, String name) {
            JsonNode v = from.get(name);
            if (v != null) {
                to.set(name, v);
            }
            JsonNode primitiveExtension = from.get("_" + name);
            if (primitiveExtension != null) {
                to.set("_" + name, primitiveExtension);
            }
        }

        private static int[] lineStarts(String s) {
            int[] starts = new int[16];
            int n = 0;
            starts[n++] = 0;
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) == '\n') {
                    if (n == starts.length) {
                        starts = Arrays.copyOf(starts, n * 2);
                    }
                    starts[n++] = i + 1;
                }
            }
            return Arrays.copyOf(starts, n);
        }
    }

    /** A slice's text and where its pieces came from in the original. */
    static final class Slice {
        final String text;
        private final List<int[]> segments;
        private final int[] lineStarts;

        Slice(String text, List<int[]> segments) {
            this.text = text;
            this.segments = segments;
            this.lineStarts = Plan.lineStarts(text);
        }

        /** 1-based line and column in the original, or null when the position is in a stub or separator. */
        int[] toOriginal(Plan plan, int line, int col) {
            if (line < 1 || line > lineStarts.length) {
                return null;
            }
            int offset = lineStarts[line - 1] + col - 1;
            for (int[] seg : segments) {
                if (offset >= seg[0] && offset <= seg[1]) {
                    int original = seg[2] + offset - seg[0];
                    int idx = Arrays.binarySearch(plan.lineStarts, original);
                    int lineIndex = idx >= 0 ? idx : -idx - 2;
                    return new int[] {lineIndex + 1, original - plan.lineStarts[lineIndex] + 1};
                }
            }
            return null;
        }
    }

    @Override
    public String toString() {
        return "SlicedBundleValidator(" + sliceEntries + " entries, " + Objects.toString(delegate) + ")";
    }
}
