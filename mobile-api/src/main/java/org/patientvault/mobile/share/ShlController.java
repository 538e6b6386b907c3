package org.patientvault.mobile.share;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.patientvault.mobile.MobileApi;
import org.patientvault.mobile.support.MobileProblem;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The public side of SMART Health Links (no token: the passcode and the unguessable ids are the credentials). An
 * unknown, expired, revoked or exhausted link is one answer: 404.
 */
@RestController
@RequestMapping(MobileApi.BASE + "/shl")
@Tag(name = "smart-health-links")
class ShlController {

    /** The manifest request of the SMART Health Links spec. */
    record ManifestRequest(String recipient, String passcode, Integer embeddedLengthMax) {
    }

    private final ShareLinks links;

    ShlController(ShareLinks links) {
        this.links = links;
    }

    @PostMapping("/{manifestId}")
    @Operation(summary = "SHL manifest: passcode in, short-lived file location out; 401 with remainingAttempts")
    ResponseEntity<Map<String, Object>> manifest(@PathVariable String manifestId,
                                                 @RequestBody ManifestRequest request) {
        if (request.recipient() == null || request.recipient().isBlank()) {
            throw MobileProblem.badRequest("A manifest request names its recipient");
        }
        ShareLinks.Manifest m = links.manifest(manifestId, request.passcode(), request.recipient())
                .orElseThrow(() -> MobileProblem.notFound("Share link"));
        if (!m.ok()) {
            throw new MobileProblem(HttpStatus.UNAUTHORIZED, "wrong-passcode", "The passcode is not right")
                    .with("remainingAttempts", m.remainingAttempts());
        }
        String location = ServletUriComponentsBuilder.fromCurrentContextPath()
                .path(MobileApi.BASE + "/shl/files/" + m.fileToken()).toUriString();
        return ResponseEntity.ok().header("Cache-Control", "no-store").body(Map.of("files",
                List.of(Map.of("contentType", "application/fhir+json", "location", location))));
    }

    @GetMapping("/files/{token}")
    @Operation(summary = "SHL file: the JWE (dir/A256GCM) of the shared FHIR Bundle, while the location is valid")
    ResponseEntity<String> file(@PathVariable String token) throws IOException {
        String jwe = links.file(token).orElseThrow(() -> MobileProblem.notFound("Share link file"));
        return ResponseEntity.ok().header("Cache-Control", "no-store")
                .contentType(MediaType.parseMediaType("application/jose")).body(jwe);
    }
}
