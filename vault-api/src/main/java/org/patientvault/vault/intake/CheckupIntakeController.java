package org.patientvault.vault.intake;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.patientvault.vault.caller.FhirDispatch;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /intake/checkup}: a clinic without FHIR uploads checkup results as CSV ({@code docs/checkup-csv.md}).
 *
 * <p>Only hospitals may call it (others: 403, by the route rules of {@code ApiSecurityConfig}). The body goes to
 * {@link CheckupIntake}, which submits it through the {@code /fhir} servlet. The answer is the transaction-response
 * Bundle with the submission receipt and the {@code terminology-summary} extension on {@code Bundle.meta}.
 *
 * <p>Refusals are RFC 7807 problem JSON with an {@code errors} list of {@code {row, column, message}}: 415 when the
 * media type or charset is not accepted, 413 over {@code vault.intake.max-csv-size}, 400 for invalid bytes, structure
 * or rows. Nothing is written on a refusal. Cost: the upload is held in memory, bounded by the size limit.
 */
@RestController
class CheckupIntakeController {

    private final CheckupIntake intake;

    CheckupIntakeController(CheckupIntake intake) {
        this.intake = intake;
    }

    @PostMapping("/intake/checkup")
    ResponseEntity<?> checkup(HttpServletRequest request) throws IOException {
        FhirDispatch.Answer answer = intake.submit(request, request.getContentType(), request.getContentLengthLong(),
                request.getInputStream());
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.CONTENT_TYPE, answer.contentType() == null ? "application/fhir+json;charset=utf-8"
                : answer.contentType());
        return ResponseEntity.status(answer.status()).headers(headers).body(answer.body());
    }
}
