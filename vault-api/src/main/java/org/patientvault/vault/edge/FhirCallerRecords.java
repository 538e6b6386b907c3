package org.patientvault.vault.edge;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.patientvault.mobile.port.CallerRecords;
import org.patientvault.mobile.port.CallerRecordsException;
import org.patientvault.vault.caller.FhirDispatch;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

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

    FhirCallerRecords(FhirDispatch dispatch, FhirContext ctx) {
        this.dispatch = dispatch;
        this.ctx = ctx;
    }

    @Override
    public Bundle search(String resourceType, Map<String, List<String>> parameters) {
        if (!isResourceType(resourceType)) {
            throw new CallerRecordsException(400, "Unknown resource type: " + resourceType);
        }
        Map<String, String[]> query = new LinkedHashMap<>();
        parameters.forEach((name, values) -> query.put(name, values.toArray(String[]::new)));
        FhirDispatch.Answer answer = dispatch.get(currentRequest(), resourceType, query);
        if (answer.status() != 200) {
            throw refused(answer);
        }
        return parse(answer, Bundle.class);
    }

    @Override
    public Optional<Resource> read(String resourceType, String id) {
        if (!isResourceType(resourceType) || id == null || !ID.matcher(id).matches()) {
            return Optional.empty();
        }
        FhirDispatch.Answer answer = dispatch.get(currentRequest(), resourceType + "/" + id, Map.of());
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

    private static HttpServletRequest currentRequest() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes servlet) {
            return servlet.getRequest();
        }
        throw new IllegalStateException("CallerRecords is used outside an HTTP request: there is no caller");
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
}
