package org.patientvault.vault.cohort;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.StringType;
import org.patientvault.storage.EncryptedObjectStore;
import org.patientvault.vault.caller.VaultPrincipal;
import org.springframework.stereotype.Component;

/**
 * The Bulk Data status endpoint and file server of cohort releases, both only for the requesting firm's token:
 * <ul>
 *   <li>{@code GET [base]/$cohort-status?_jobId=…}: 202 with {@code X-Progress} and {@code Retry-After} while
 *   building; 200 with the manifest when ready; 422 "too small: fewer than N" (never the count); 404 once
 *   cancelled, 410 once the files expired. {@code DELETE} cancels (202).</li>
 *   <li>{@code GET [base]/$cohort-file?file=…}: one NDJSON or DICOM file, streamed from the object store.</li>
 * </ul>
 * Another firm's job or file is answered exactly like an unknown one.
 */
@Component
public class CohortExports {

    private final CohortStore store;
    private final CohortProperties props;
    private final CohortBuilder builder;
    private final EncryptedObjectStore objects;
    private final Clock clock = Clock.systemUTC();

    CohortExports(CohortStore store, CohortProperties props, CohortBuilder builder, EncryptedObjectStore objects) {
        this.store = store;
        this.props = props;
        this.builder = builder;
        this.objects = objects;
    }

    static String statusUrl(String fhirBase, String releaseId) {
        return fhirBase + "/$cohort-status?_jobId=" + releaseId;
    }

    static String word(CohortStore.ReleaseStatus s) {
        return s.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Operation(name = "$cohort-status", idempotent = true, manualResponse = true, deleteEnabled = true)
    public void status(@OperationParam(name = "_jobId", min = 1, max = 1) StringType jobId, RequestDetails request)
            throws IOException {
        String firm = firm();
        String id = jobId == null ? null : jobId.getValue();
        if (id == null || id.isBlank()) {
            throw new InvalidRequestException("_jobId is required");
        }
        CohortStore.Release release = store.release(id, firm).orElseThrow(() -> unknownJob(id));
        if (request.getRequestType() == RequestTypeEnum.DELETE) {
            switch (release.status()) {
                case BUILDING -> store.requestCancel(release.id());
                case READY -> {
                    store.markStatus(release.id(), CohortStore.ReleaseStatus.CANCELLED, "cancelled by the firm");
                    builder.expire();
                }
                default -> throw unknownJob(id);
            }
            accepted(request, null, "Cancellation of job " + id + " accepted");
            return;
        }
        // Past its lifetime a release answers as expired at once; the hourly sweep deletes its files and key.
        CohortStore.ReleaseStatus status = release.status() == CohortStore.ReleaseStatus.READY
                && release.expiresAt() != null && !release.expiresAt().isAfter(clock.instant())
                ? CohortStore.ReleaseStatus.EXPIRED : release.status();
        HttpServletResponse response = response(request);
        switch (status) {
            case BUILDING -> {
                response.setStatus(202);
                response.setHeader("X-Progress", release.progress() + "%"
                        + (release.message() == null ? "" : ", " + release.message()));
                response.setHeader("Retry-After", Long.toString(Math.max(1, props.retryAfter().toSeconds())));
                response.getOutputStream().close();
            }
            case READY -> {
                response.setStatus(200);
                response.setContentType("application/json");
                response.setCharacterEncoding("UTF-8");
                response.setHeader("Expires", release.expiresAt() == null ? null
                        : java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                        release.expiresAt().atZone(java.time.ZoneOffset.UTC)));
                byte[] body = release.manifestJson().getBytes(StandardCharsets.UTF_8);
                response.setContentLength(body.length);
                try (OutputStream out = response.getOutputStream()) {
                    out.write(body);
                }
            }
            case TOO_SMALL -> outcome(response, 422, OperationOutcome.IssueType.PROCESSING,
                    "Release " + release.number() + " was not built: too small, fewer than " + props.minCohortSize()
                            + " eligible patients");
            case FAILED -> outcome(response, 500, OperationOutcome.IssueType.EXCEPTION,
                    release.message() == null ? "The build failed" : release.message());
            case EXPIRED -> outcome(response, 410, OperationOutcome.IssueType.NOTFOUND,
                    "The files of job " + id + " expired and were deleted; kick off a new export");
            case CANCELLED -> throw unknownJob(id);
        }
    }

    @Operation(name = "$cohort-file", idempotent = true, manualResponse = true)
    public void file(@OperationParam(name = "file", min = 1, max = 1) StringType fileId, RequestDetails request)
            throws IOException {
        String firm = firm();
        String id = fileId == null ? null : fileId.getValue();
        if (id == null || id.isBlank()) {
            throw new InvalidRequestException("file is required");
        }
        CohortStore.File f = store.file(id, firm).orElseThrow(() -> unknownFile(id));
        CohortStore.Release release = store.release(f.releaseId(), firm).orElseThrow(() -> unknownFile(id));
        if (release.status() != CohortStore.ReleaseStatus.READY || release.expiresAt() == null
                || !release.expiresAt().isAfter(clock.instant())) {
            throw unknownFile(id);
        }
        HttpServletResponse response = response(request);
        response.setStatus(200);
        response.setContentType(f.contentType());
        response.setContentLengthLong(f.bytes());
        try (InputStream in = objects.get(f.objectKey()); OutputStream out = response.getOutputStream()) {
            in.transferTo(out);
        }
    }

    /** 202 Accepted, with the status URL in {@code Content-Location} when given, and an informational outcome. */
    static void accepted(RequestDetails request, String contentLocation, String text) {
        HttpServletResponse response = response(request);
        response.setStatus(202);
        if (contentLocation != null) {
            response.setHeader("Content-Location", contentLocation);
        }
        try {
            writeOutcome(response, OperationOutcome.IssueSeverity.INFORMATION, OperationOutcome.IssueType.INFORMATIONAL,
                    text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void outcome(HttpServletResponse response, int status, OperationOutcome.IssueType type, String text)
            throws IOException {
        response.setStatus(status);
        writeOutcome(response, OperationOutcome.IssueSeverity.ERROR, type, text);
    }

    private static void writeOutcome(HttpServletResponse response, OperationOutcome.IssueSeverity severity,
                                     OperationOutcome.IssueType type, String text) throws IOException {
        OperationOutcome oo = new OperationOutcome();
        oo.addIssue().setSeverity(severity).setCode(type).setDiagnostics(text);
        byte[] body = FhirContext.forR4Cached().newJsonParser().encodeResourceToString(oo)
                .getBytes(StandardCharsets.UTF_8);
        response.setContentType("application/fhir+json");
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(body.length);
        try (OutputStream out = response.getOutputStream()) {
            out.write(body);
        }
    }

    private static HttpServletResponse response(RequestDetails request) {
        return ((ServletRequestDetails) request).getServletResponse();
    }

    private static String firm() {
        VaultPrincipal p = VaultPrincipal.current().orElseThrow(() -> new ForbiddenOperationException(
                "Access denied"));
        if (p.kind() != VaultPrincipal.Kind.AI_FIRM) {
            throw new ForbiddenOperationException("Access denied");
        }
        return p.orgCode();
    }

    private static ResourceNotFoundException unknownJob(String id) {
        return new ResourceNotFoundException("Job " + id + " is not known");
    }

    private static ResourceNotFoundException unknownFile(String id) {
        return new ResourceNotFoundException("File " + id + " is not known");
    }
}
