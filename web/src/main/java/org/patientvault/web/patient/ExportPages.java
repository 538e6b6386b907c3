package org.patientvault.web.patient;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.patientvault.mobile.export.ExportStatus;
import org.patientvault.mobile.export.Exports;
import org.patientvault.web.WebUi;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.filter.ShallowEtagHeaderFilter;

/**
 * "Export everything": start the export (the same job as the app's), watch a live progress bar (htmx polls the
 * status fragment every second until the job ends), and download the zip through the session.
 */
@Controller
@RequestMapping(WebUi.BASE + "/patient/export")
class ExportPages {

    static final String DOWNLOADS = WebUi.BASE + "/patient/export/";

    private final Exports exports;

    ExportPages(Exports exports) {
        this.exports = exports;
    }

    @GetMapping
    String page() {
        return "app/patient/export";
    }

    @PostMapping
    String start(Model model) {
        ExportStatus status = exports.start(DOWNLOADS);
        return "redirect:" + DOWNLOADS + status.id();
    }

    @GetMapping("/{id}")
    String job(@PathVariable String id, Model model) {
        model.addAttribute("job", exports.status(id, DOWNLOADS));
        return "app/patient/export";
    }

    /** The progress fragment htmx polls; it stops polling by leaving out its trigger once the job has ended. */
    @GetMapping("/{id}/progress")
    String progress(@PathVariable String id, Model model) {
        model.addAttribute("job", exports.status(id, DOWNLOADS));
        return "app/patient/export :: progress";
    }

    @GetMapping("/{id}/download")
    void download(@PathVariable String id, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        Exports.Zip zip = exports.open(id);
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
}
