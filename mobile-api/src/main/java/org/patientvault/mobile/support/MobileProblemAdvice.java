package org.patientvault.mobile.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import org.patientvault.mobile.port.CallerRecordsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * Every error of the patient API as RFC 7807 problem JSON, never a stack trace. Ordered before vault-api's general
 * advice (which covers all of {@code org.patientvault}) so the patient API keeps one policy of its own.
 */
@RestControllerAdvice(basePackages = "org.patientvault.mobile")
@Order(Ordered.HIGHEST_PRECEDENCE)
class MobileProblemAdvice {

    private static final Logger LOG = LoggerFactory.getLogger(MobileProblemAdvice.class);

    private final ObjectMapper json;

    MobileProblemAdvice(ObjectMapper json) {
        this.json = json;
    }

    @ExceptionHandler(MobileProblem.class)
    ResponseEntity<byte[]> problem(MobileProblem problem) throws Exception {
        return write(problem);
    }

    /** The vault's refusal keeps its status; its text is request-derived or fixed (the port's contract). */
    @ExceptionHandler(CallerRecordsException.class)
    ResponseEntity<byte[]> refused(CallerRecordsException e) throws Exception {
        if (e.status() == 404 || e.status() == 410) {
            return write(new MobileProblem(HttpStatus.NOT_FOUND, "not-found", "The record is not known"));
        }
        if (e.status() >= 400 && e.status() < 500) {
            HttpStatus status = HttpStatus.resolve(e.status());
            return write(new MobileProblem(status == null ? HttpStatus.BAD_REQUEST : status, "refused",
                    e.getMessage()));
        }
        LOG.warn("The record service failed with status {}", e.status());
        return write(new MobileProblem(HttpStatus.BAD_GATEWAY, "upstream", "The record service failed; nothing was "
                + "changed. Try again later."));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<byte[]> unreadable(HttpMessageNotReadableException e) throws Exception {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BodyLimit.TooLarge) {
                return write(new MobileProblem(HttpStatus.PAYLOAD_TOO_LARGE, "too-large", t.getMessage()));
            }
        }
        return write(MobileProblem.badRequest("The request body is not valid JSON for this route"));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<byte[]> mismatch(MethodArgumentTypeMismatchException e) throws Exception {
        return write(MobileProblem.badRequest("Parameter '" + e.getName() + "' has the wrong form"));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<byte[]> unexpected(Exception e, HttpServletResponse response) throws Exception {
        if (response.isCommitted()) {
            throw e;
        }
        if (e instanceof ErrorResponse error && error.getStatusCode().value() < 500) {
            HttpStatus status = HttpStatus.valueOf(error.getStatusCode().value());
            String detail = error.getBody().getDetail();
            return write(new MobileProblem(status, "request", detail == null ? status.getReasonPhrase() : detail));
        }
        LOG.error("Unexpected failure on a patient API route", e);
        return write(new MobileProblem(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error",
                "The request could not be completed. Try again later."));
    }

    private ResponseEntity<byte[]> write(MobileProblem problem) throws Exception {
        Map<String, Object> body = problem.body();
        return ResponseEntity.status(problem.status()).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(json.writeValueAsBytes(body));
    }
}
