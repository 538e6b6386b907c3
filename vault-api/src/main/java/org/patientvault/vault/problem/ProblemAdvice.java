package org.patientvault.vault.problem;

import jakarta.servlet.http.HttpServletResponse;
import org.patientvault.storage.StorageUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The one error policy of the vault's Spring MVC routes (everything but {@code /fhir}, whose errors HAPI and
 * {@code SafeErrorInterceptor} write as OperationOutcomes): every error is RFC 7807 problem JSON, never a stack trace.
 * A controller-local {@code @ExceptionHandler} still wins where a route needs a narrower answer.
 */
@RestControllerAdvice(basePackages = "org.patientvault")
class ProblemAdvice {

    private static final Logger LOG = LoggerFactory.getLogger(ProblemAdvice.class);

    @ExceptionHandler(ApiProblem.class)
    ResponseEntity<byte[]> problem(ApiProblem problem) {
        return problem.toResponse();
    }

    @ExceptionHandler(StorageUnavailableException.class)
    ResponseEntity<byte[]> storageDown(StorageUnavailableException e, HttpServletResponse response)
            throws StorageUnavailableException {
        if (response.isCommitted()) {
            throw e;
        }
        return new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "The object store is unavailable; "
                + "nothing was stored. Try again later.").toResponse();
    }

    /**
     * Spring MVC's own refusals (method not allowed, media type, missing parameter, ...) keep their status and text;
     * anything else is logged with its cause and answered without it. A started answer can only be cut short.
     */
    @ExceptionHandler(Exception.class)
    ResponseEntity<byte[]> unexpected(Exception e, HttpServletResponse response) throws Exception {
        if (response.isCommitted()) {
            throw e;
        }
        if (e instanceof ErrorResponse error && error.getStatusCode().value() < 500) {
            HttpStatus status = HttpStatus.valueOf(error.getStatusCode().value());
            String detail = error.getBody().getDetail();
            return new ApiProblem(status, "request", detail == null ? status.getReasonPhrase() : detail).toResponse();
        }
        LOG.error("Unexpected failure on a non-FHIR route", e);
        return new ApiProblem(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "The request could not be "
                + "completed. Try again later.").toResponse();
    }
}
