package org.patientvault.mobile.export;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import org.patientvault.mobile.port.ExportJobStore;
import org.patientvault.mobile.support.MobileProblem;
import org.patientvault.mobile.support.Records;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.web.filter.ShallowEtagHeaderFilter;

/**
 * "Export everything" for the calling patient, for every edge that offers it (the patient API and the browser UI):
 * start one, watch it, open the finished zip. Every call acts for the caller of the current request; another
 * patient's export id is answered like an unknown one (404).
 */
@Service
public class Exports {

    private final ExportJobs jobs;
    private final Records records;

    Exports(ExportJobs jobs, Records records) {
        this.jobs = jobs;
        this.records = records;
    }

    /** A finished export's zip, opened for reading; the caller closes it. */
    public record Zip(String id, InputStream content, long bytes) {
    }

    /**
     * Starts an export of the caller's whole record (or answers the one already running).
     *
     * @param downloadBase the edge's path before {@code <id>/download}, for {@link ExportStatus#download()}
     * @throws MobileProblem 503 when the PDF summary's font is not installed
     */
    public ExportStatus start(String downloadBase) {
        String self = records.self();
        if (!jobs.fontReady()) {
            throw new MobileProblem(HttpStatus.SERVICE_UNAVAILABLE, "export-unavailable",
                    "Exports are unavailable: the PDF summary's CJK font is not installed on the server");
        }
        return view(jobs.start(self), downloadBase);
    }

    /** The caller's export {@code id}; 404 for an unknown id or another patient's. */
    public ExportStatus status(String id, String downloadBase) {
        return view(find(id), downloadBase);
    }

    /**
     * The finished zip of the caller's export {@code id}.
     *
     * @throws MobileProblem 404 unknown, 409 not finished, 410 expired or not kept on this instance
     */
    public Zip open(String id) throws IOException {
        ExportJobStore.Job job = find(id);
        boolean expired = "expired".equals(job.status()) || job.expiresAt() != null
                && Instant.now().isAfter(job.expiresAt());
        if (expired || !"done".equals(job.status())) {
            throw new MobileProblem(expired ? HttpStatus.GONE : HttpStatus.CONFLICT,
                    expired ? "export-expired" : "export-not-ready",
                    expired ? "Export " + id + " has expired; start a new one"
                            : "Export " + id + " is not ready for download");
        }
        try {
            return new Zip(job.id(), Files.newInputStream(jobs.zip(job.id())), job.bytes());
        } catch (NoSuchFileException gone) {
            // Expired, or written by another instance of the vault whose directory this one does not share.
            throw new MobileProblem(HttpStatus.GONE, "export-expired", "Export " + id + " is no longer available "
                    + "here; start a new one");
        }
    }

    /**
     * Streams the finished zip of the caller's export {@code id} as the response (an attachment, never cached, never
     * buffered); the errors of {@link #open(String)} before anything is written.
     */
    public void download(String id, HttpServletRequest request, HttpServletResponse response) throws IOException {
        Zip zip = open(id);
        // The ETag filter would buffer the whole zip in memory to hash it.
        ShallowEtagHeaderFilter.disableContentCaching(request);
        try (InputStream in = zip.content()) {
            response.setStatus(200);
            response.setContentType("application/zip");
            response.setContentLengthLong(zip.bytes());
            response.setHeader("Content-Disposition", "attachment; filename=\"patient-vault-export-" + zip.id()
                    + ".zip\"");
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

    private static ExportStatus view(ExportJobStore.Job job, String downloadBase) {
        long done = job.done();
        long total = Math.max(job.total(), done);
        boolean finished = "done".equals(job.status());
        int percent = finished ? 100 : (int) Math.min(99, done * 100 / Math.max(total, 1));
        ExportStatus.Download download = finished ? new ExportStatus.Download(downloadBase + job.id()
                + "/download", job.expiresAt(), job.bytes()) : null;
        return new ExportStatus(job.id(), job.status(), percent, done, total, job.createdAt(), job.finishedAt(),
                download, job.error());
    }
}
