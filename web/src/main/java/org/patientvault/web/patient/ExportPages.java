package org.patientvault.web.patient;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.patientvault.mobile.export.ExportStatus;
import org.patientvault.mobile.export.Exports;
import org.patientvault.web.WebUi;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;

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
        exports.download(id, request, response);
    }
}
