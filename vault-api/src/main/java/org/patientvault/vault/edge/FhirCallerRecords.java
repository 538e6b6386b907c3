package org.patientvault.vault.edge;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Resource;
import org.patientvault.mobile.port.CallerRecords;
import org.patientvault.mobile.port.CallerRecordsException;
import org.patientvault.vault.audit.AuditBatch;
import org.patientvault.vault.audit.AuditTrail;
import org.patientvault.vault.caller.FhirDispatch;
import org.springframework.stereotype.Component;

/**
 * {@link CallerRecords} on the {@code /fhir} servlet, dispatched in-process on the caller's own request
 * ({@link FhirDispatch}): every HAPI interceptor runs as for the caller's own request to {@code /fhir}.
 */
@Component
class FhirCallerRecords implements CallerRecords {

    /** HAPI's server-assigned ids are UUIDs; anything else in a path segment is refused before dispatch. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    private final FhirDispatch dispatch;
    private final FhirContext ctx;
    private final AuditTrail audit;

    FhirCallerRecords(FhirDispatch dispatch, FhirContext ctx, AuditTrail audit) {
        this.dispatch = dispatch;
        this.ctx = ctx;
        this.audit = audit;
    }

    @Override
    public <T> T auditedAsOne(String edgeRequest, Supplier<T> work) {
        if (AuditBatch.current().isPresent()) {
            return work.get(); // already inside one: its requests join the outer batch
        }
        AuditBatch batch = new AuditBatch(edgeRequest);
        try {
            return batch.call(work);
        } finally {
            audit.flush(batch);
        }
    }

    @Override
    public Bundle search(String resourceType, Map<String, List<String>> parameters) {
        if (!isResourceType(resourceType)) {
            throw new CallerRecordsException(400, "Unknown resource type: " + resourceType);
        }
        Map<String, String[]> query = new LinkedHashMap<>();
        parameters.forEach((name, values) -> query.put(name, values.toArray(String[]::new)));
        FhirDispatch.Answer answer = dispatch.get(request(), resourceType, query);
        if (answer.status() != 200) {
            throw refused(answer);
        }
        return parse(answer, Bundle.class);
    }

    @Override
    public Bundle everything(String patientId, int count) {
        if (patientId == null || !ID.matcher(patientId).matches()) {
            throw new CallerRecordsException(404, "Resource Patient/" + patientId + " is not known");
        }
        FhirDispatch.Answer answer = dispatch.get(request(), "Patient/" + patientId + "/$everything",
                Map.of("_count", new String[] {Integer.toString(count)}));
        if (answer.status() != 200) {
            throw refused(answer);
        }
        return parse(answer, Bundle.class);
    }

    @Override
    public Optional<Bundle> nextPage(Bundle page) {
        Bundle.BundleLinkComponent next = page.getLink(Bundle.LINK_NEXT);
        if (next == null || !next.hasUrl()) {
            return Optional.empty();
        }
        String url = next.getUrl();
        int q = url.indexOf('?');
        if (q < 0) {
            throw new CallerRecordsException(400, "The page's next link has no query");
        }
        // Only the paging parameters travel: the link cannot redirect the dispatch to another path.
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (String pair : url.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            String name = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (name.startsWith("_getpages") || name.equals("_count") || name.equals("_bundletype")) {
                params.computeIfAbsent(name, k -> new java.util.ArrayList<>()).add(value);
            }
        }
        if (!params.containsKey("_getpages")) {
            throw new CallerRecordsException(400, "The page's next link is not a paging link");
        }
        Map<String, String[]> query = new LinkedHashMap<>();
        params.forEach((name, values) -> query.put(name, values.toArray(String[]::new)));
        FhirDispatch.Answer answer = dispatch.get(request(), "", query);
        if (answer.status() != 200) {
            throw refused(answer);
        }
        return Optional.of(parse(answer, Bundle.class));
    }

    @Override
    public String create(Resource resource) {
        String type = resource.fhirType();
        if (!isResourceType(type)) {
            throw new CallerRecordsException(400, "Unknown resource type: " + type);
        }
        FhirDispatch.Answer answer = dispatch.post(request(), type, json(resource));
        if (answer.status() != 201 && answer.status() != 200) {
            throw refused(answer);
        }
        return parse(answer, Resource.class).getIdElement().getIdPart();
    }

    @Override
    public void update(Resource resource, String version) {
        String type = resource.fhirType();
        String id = resource.getIdElement().getIdPart();
        if (!isResourceType(type) || id == null || !ID.matcher(id).matches()) {
            throw new CallerRecordsException(400, "A resource to update needs a type and an id");
        }
        FhirDispatch.Answer answer = dispatch.put(request(), type + "/" + id, json(resource),
                version == null ? null : "W/\"" + version + "\"");
        if (answer.status() != 200 && answer.status() != 201) {
            throw refused(answer);
        }
    }

    @Override
    public Parameters operation(String resourceType, String id, String name, Parameters in) {
        if (!isResourceType(resourceType) || id == null || !ID.matcher(id).matches() || name == null
                || !name.matches("[a-z][a-zA-Z\\-]{0,63}")) {
            throw new CallerRecordsException(404, "Resource " + resourceType + "/" + id + " is not known");
        }
        String path = resourceType + "/" + id + "/$" + name;
        FhirDispatch.Answer answer = in == null ? dispatch.get(request(), path, Map.of())
                : dispatch.post(request(), path, json(in));
        if (answer.status() != 200) {
            throw refused(answer);
        }
        return parse(answer, Parameters.class);
    }

    private byte[] json(Resource resource) {
        return ctx.newJsonParser().encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Optional<Resource> read(String resourceType, String id) {
        if (!isResourceType(resourceType) || id == null || !ID.matcher(id).matches()) {
            return Optional.empty();
        }
        FhirDispatch.Answer answer = dispatch.get(request(), resourceType + "/" + id, Map.of());
        return switch (answer.status()) {
            case 200 -> Optional.of(parse(answer, Resource.class));
            // Unknown, not yours, deleted: one answer.
            case 403, 404, 410 -> Optional.empty();
            default -> throw refused(answer);
        };
    }

    private boolean isResourceType(String type) {
        return type != null && ctx.getResourceTypes().contains(type);
    }

    private <T extends IBaseResource> T parse(FhirDispatch.Answer answer, Class<T> type) {
        IBaseResource parsed;
        try {
            parsed = ctx.newJsonParser().parseResource(new String(answer.body(), StandardCharsets.UTF_8));
        } catch (DataFormatException e) {
            throw new CallerRecordsException(502, "The FHIR server's answer could not be read");
        }
        if (!type.isInstance(parsed)) {
            throw new CallerRecordsException(502, "The FHIR server answered with a " + parsed.fhirType() + ", not a "
                    + type.getSimpleName());
        }
        return type.cast(parsed);
    }

    /** The server's own diagnostics (request-derived and fixed text), else the status alone. */
    private CallerRecordsException refused(FhirDispatch.Answer answer) {
        String why = "The FHIR server answered " + answer.status();
        try {
            OperationOutcome oo = ctx.newJsonParser().parseResource(OperationOutcome.class,
                    new String(answer.body(), StandardCharsets.UTF_8));
            if (oo.hasIssue() && oo.getIssueFirstRep().hasDiagnostics()) {
                why = oo.getIssueFirstRep().getDiagnostics();
            }
        } catch (DataFormatException | ClassCastException notAnOutcome) {
            // keep the status alone
        }
        return new CallerRecordsException(answer.status(), why);
    }

    private static jakarta.servlet.http.HttpServletRequest request() {
        return CurrentRequest.of("CallerRecords");
    }
}
