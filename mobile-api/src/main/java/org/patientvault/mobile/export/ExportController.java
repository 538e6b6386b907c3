package org.patientvault.mobile.export;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.patientvault.mobile.MobileApi;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Export everything: start, watch, download (docs/mobile-api.md, "Exports"). */
@RestController
@RequestMapping(MobileApi.BASE + "/exports")
@Tag(name = "exports")
class ExportController {

    private static final String DOWNLOADS = MobileApi.BASE + "/exports/";

    private final Exports exports;

    ExportController(Exports exports) {
        this.exports = exports;
    }

    @PostMapping
    ResponseEntity<ExportStatus> start() {
        ExportStatus status = exports.start(DOWNLOADS);
        return ResponseEntity.accepted().location(URI.create(DOWNLOADS + status.id())).body(status);
    }

    @GetMapping("/{id}")
    ExportStatus status(@PathVariable String id) {
        return exports.status(id, DOWNLOADS);
    }

    @GetMapping("/{id}/download")
    void download(@PathVariable String id, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        exports.download(id, request, response);
    }
}
