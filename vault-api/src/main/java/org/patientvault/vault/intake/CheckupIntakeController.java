package org.patientvault.vault.intake;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.RestfulServer;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.patientvault.mapping.checkup.CheckupBundle;
import org.patientvault.mapping.checkup.CheckupBundleBuilder;
import org.patientvault.mapping.checkup.CheckupCsvError;
import org.patientvault.mapping.checkup.CheckupCsvException;
import org.patientvault.mapping.checkup.CheckupCsvParser;
import org.patientvault.mapping.checkup.CheckupRow;
import org.patientvault.mapping.checkup.CheckupSource;
import org.patientvault.mapping.terminology.ObservationNormalizer;
import org.patientvault.mapping.terminology.TerminologyMapException;
import org.patientvault.vault.security.VaultPrincipal;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /intake/checkup}: a clinic without FHIR uploads checkup results as CSV ({@code docs/checkup-csv.md}).
 *
 * <p>Only hospitals may call it (others: 403). The file is parsed and validated as a whole ({@link CheckupCsvParser}),
 * turned into one transaction Bundle with the hospital's terminology ({@link CheckupBundleBuilder}), and submitted
 * through the {@code /fhir} servlet ({@link FhirDispatch}), so it gets exactly what a FHIR submission gets:
 * authorization, validation, submitter tags, Provenance, replay detection, audit and the receipt. The answer is the
 * transaction-response Bundle with the submission receipt and the {@code terminology-summary} extension on
 * {@code Bundle.meta}.
 *
 * <p>Re-posting the same rows is a replay: the Bundle's {@code urn:uuid} full URLs are derived from the rows and the
 * hospital, so the same content hashes the same.
 *
 * <p>Refusals are RFC 7807 problem JSON with an {@code errors} list of {@code {row, column, message}}: 415 when the
 * media type or charset is not accepted, 413 over {@code vault.intake.max-csv-size}, 400 for invalid bytes, structure
 * or rows. Nothing is written on a refusal. Cost: the upload is held in memory, bounded by the size limit.
 */
@RestController
class CheckupIntakeController {

    static final String PROBLEM_BASE = "https://patientvault.org/problems/";

    private final CheckupCsvParser parser;
    private final long maxBytes;
    private final HospitalTerminology terminology;
    private final ObjectProvider<RestfulServer> server;
    private final FhirContext ctx;

    CheckupIntakeController(IntakeProperties props, HospitalTerminology terminology,
                            ObjectProvider<RestfulServer> server, FhirContext ctx) {
        this.maxBytes = props.maxCsvSize().toBytes();
        this.parser = new CheckupCsvParser(maxBytes);
        this.terminology = terminology;
        this.server = server;
        this.ctx = ctx;
    }

    @PostMapping("/intake/checkup")
    ResponseEntity<?> checkup(HttpServletRequest request) throws IOException {
        VaultPrincipal caller = VaultPrincipal.current().orElse(null);
        if (caller == null || caller.kind() != VaultPrincipal.Kind.HOSPITAL) {
            return problem(HttpStatus.FORBIDDEN, "forbidden", "Only hospitals may upload checkup results", List.of());
        }
        String contentType = request.getContentType();
        if (contentType == null || !contentType.trim().toLowerCase(java.util.Locale.ROOT).startsWith("text/csv")) {
            return problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
                    "Send the file as Content-Type: text/csv; charset=utf-8 (or charset=gb18030), not "
                            + (contentType == null ? "(none)" : contentType), List.of());
        }
        Charset charset;
        try {
            charset = CheckupCsvParser.charsetOf(contentType);
        } catch (CheckupCsvException e) {
            return problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "csv-charset", "The charset is missing or not accepted",
                    e.errors());
        }
        List<CheckupRow> rows;
        try {
            if (request.getContentLengthLong() > maxBytes) {
                return tooLarge(request.getContentLengthLong());
            }
            try (InputStream in = request.getInputStream()) {
                rows = parser.parse(in, charset.name());
            }
        } catch (CheckupCsvException e) {
            return refusal(e);
        }
        CheckupSource source = terminology.sourceOf(caller.orgCode());
        ObservationNormalizer normalizer;
        try {
            normalizer = terminology.normalizerFor(caller.orgCode());
        } catch (TerminologyMapException e) {
            return problem(HttpStatus.UNPROCESSABLE_ENTITY, "conceptmap-conflict",
                    "Your ConceptMaps contradict each other: " + e.getMessage(), List.of());
        }
        CheckupBundle built = new CheckupBundleBuilder(normalizer, idsFrom(caller.orgCode(), rows))
                .build(rows, source);
        byte[] json = ctx.newJsonParser().encodeResourceToString(built.bundle()).getBytes(StandardCharsets.UTF_8);
        FhirDispatch.Answer answer = new FhirDispatch(server.getObject()).postToBase(request, json,
                Map.of(TerminologyHook.PRECOMPUTED, built.terminology()));
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.CONTENT_TYPE, answer.contentType() == null ? "application/fhir+json;charset=utf-8"
                : answer.contentType());
        return ResponseEntity.status(answer.status()).headers(headers).body(answer.body());
    }

    /**
     * Deterministic full URLs: the n-th UUID is named by the hospital, the rows (in the file's order) and n, so
     * re-posting the same rows gives the same Bundle, hence the same content hash (a replay).
     */
    static Supplier<UUID> idsFrom(String orgCode, List<CheckupRow> rows) {
        byte[] seed;
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(orgCode.getBytes(StandardCharsets.UTF_8));
            for (CheckupRow r : rows) {
                sha.update((byte) 0);
                // ResidentId.toString() is masked; the seed needs the full value.
                String key = (r.residentId() == null ? "" : r.residentId().value()) + "\u0001" + r;
                sha.update(key.getBytes(StandardCharsets.UTF_8));
            }
            seed = sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the JDK", e);
        }
        String prefix = java.util.HexFormat.of().formatHex(seed);
        AtomicLong n = new AtomicLong();
        return () -> UUID.nameUUIDFromBytes((prefix + ":" + n.getAndIncrement()).getBytes(StandardCharsets.UTF_8));
    }

    private ResponseEntity<ProblemDetail> refusal(CheckupCsvException e) {
        return switch (e.kind()) {
            case SIZE -> tooLarge(-1);
            case ENCODING -> problem(HttpStatus.BAD_REQUEST, "csv-encoding",
                    "The file is not valid in its declared charset", e.errors());
            case STRUCTURE -> problem(HttpStatus.BAD_REQUEST, "csv-structure", "The CSV cannot be read as a checkup "
                    + "file", e.errors());
            case ROWS -> problem(HttpStatus.BAD_REQUEST, "csv-rows", "Some rows are invalid; nothing was stored",
                    e.errors());
        };
    }

    private ResponseEntity<ProblemDetail> tooLarge(long length) {
        return problem(HttpStatus.PAYLOAD_TOO_LARGE, "csv-size", "The file exceeds the limit of " + maxBytes
                + " bytes (vault.intake.max-csv-size)" + (length > 0 ? "; it has " + length + " bytes" : ""),
                List.of(new CheckupCsvError(0, null, "file larger than " + maxBytes + " bytes")));
    }

    static ResponseEntity<ProblemDetail> problem(HttpStatus status, String type, String detail,
                                                 List<CheckupCsvError> errors) {
        ProblemDetail pd = ProblemDetail.forStatusAndDetail(status, detail);
        pd.setType(URI.create(PROBLEM_BASE + type));
        pd.setTitle(status.getReasonPhrase());
        if (!errors.isEmpty()) {
            pd.setProperty("errors", errors.stream().map(err -> {
                Map<String, Object> m = new java.util.LinkedHashMap<>();
                m.put("row", err.row());
                m.put("column", err.column());
                m.put("message", err.message());
                return m;
            }).toList());
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(pd);
    }
}
