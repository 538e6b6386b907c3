package org.patientvault.mobile.export;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import org.patientvault.mobile.MobileApi;
import org.patientvault.mobile.port.ExportJobStore;
import org.patientvault.mobile.support.MobileProblem;
import org.patientvault.mobile.support.Records;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.filter.ShallowEtagHeaderFilter;

/** Export everything: start, watch, download (docs/mobile-api.md, "Exports"). */
@RestController
@RequestMapping(MobileApi.BASE + "/exports")
@Tag(name = "exports")
class ExportController {

    private final ExportJobs jobs;
    private final Records records;

    ExportController(ExportJobs jobs, Records records) {
        this.jobs = jobs;
        this.records = records;
    }

    @PostMapping
    @Operation(summary = "Start exporting the whole record: 202 and the status URL in Location")
    ResponseEntity<ExportStatus> start() {
        String self = records.self();
        if (!jobs.fontReady()) {
            throw new MobileProblem(HttpStatus.SERVICE_UNAVAILABLE, "export-unavailable",
                    "Exports are unavailable: the PDF summary's CJK font is not installed on the server");
        }
        ExportJobStore.Job job = jobs.start(self);
        return ResponseEntity.accepted().location(URI.create(MobileApi.BASE + "/exports/" + job.id())).body(view(job));
    }

    @GetMapping("/{id}")
    @Operation(summary = "Progress of an export, then its download link until it expires")
    ExportStatus status(@PathVariable String id) {
        return view(find(id));
    }

    @GetMapping("/{id}/download")
    @Operation(summary = "The export's zip (FHIR Bundle, NDJSON, original DICOM, PDF summary), streamed")
    void download(@PathVariable String id, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        ExportJobStore.Job job = find(id);
        boolean expired = "expired".equals(job.status()) || job.expiresAt() != null
                && Instant.now().isAfter(job.expiresAt());
        if (expired || !"done".equals(job.status())) {
            throw new MobileProblem(expired ? HttpStatus.GONE : HttpStatus.CONFLICT,
                    expired ? "export-expired" : "export-not-ready",
                    expired ? "Export " + id + " has expired; start a new one"
                            : "Export " + id + " is not ready for download");
        }
        Path zip = jobs.zip(job.id());
        // The ETag filter would buffer the whole zip in memory to hash it.
        ShallowEtagHeaderFilter.disableContentCaching(request);
        InputStream in;
        try {
            in = Files.newInputStream(zip);
        } catch (NoSuchFileException gone) {
            // Expired, or written by another instance of the vault whose directory this one does not share.
            throw new MobileProblem(HttpStatus.GONE, "export-expired", "Export " + id + " is no longer available "
                    + "here; start a new one");
        }
        try (in) {
            response.setStatus(200);
            response.setContentType("application/zip");
            response.setContentLengthLong(job.bytes());
            response.setHeader("Content-Disposition", "attachment; filename=\"patient-vault-export-" + id + ".zip\"");
            response.setHeader("Cache-Control", "private, no-store");
            OutputStream out = response.getOutputStream();
            in.transferTo(out);
            out.flush();
        }
    }

    private ExportJobStore.Job find(String id) {
        String self = records.self();
        return jobs.find(id, self).orElseThrow(() -> MobileProblem.notFound("Export " + id));
    }

    private static ExportStatus view(ExportJobStore.Job job) {
        long done = job.done();
        long total = Math.max(job.total(), done);
        boolean finished = "done".equals(job.status());
        int percent = finished ? 100 : (int) Math.min(99, done * 100 / Math.max(total, 1));
        ExportStatus.Download download = finished ? new ExportStatus.Download(MobileApi.BASE + "/exports/" + job.id()
                + "/download", job.expiresAt(), job.bytes()) : null;
        return new ExportStatus(job.id(), job.status(), percent, done, total, job.createdAt(), job.finishedAt(),
                download, job.error());
    }
}
