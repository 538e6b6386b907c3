package org.patientvault.vault.intake;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
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
import org.patientvault.vault.caller.FhirDispatch;
import org.patientvault.vault.caller.VaultPrincipal;
import org.patientvault.vault.problem.ApiProblem;
import org.patientvault.vault.submission.SubmissionContext;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * The checkup CSV intake ({@code docs/checkup-csv.md}), for {@code POST /intake/checkup} and the hospital console:
 * the file is parsed and validated as a whole ({@link CheckupCsvParser}), turned into one transaction Bundle with the
 * hospital's terminology ({@link CheckupBundleBuilder}), and submitted through the {@code /fhir} servlet
 * ({@link FhirDispatch}) as the current caller, so it gets exactly what a FHIR submission gets: authorization,
 * validation, submitter tags, Provenance, replay detection, audit and the receipt.
 *
 * <p>Re-posting the same rows is a replay: the Bundle's {@code urn:uuid} full URLs are derived from the rows and the
 * hospital, so the same content hashes the same.
 *
 * <p>Refusals are {@link ApiProblem}s with an {@code errors} list of {@code {row, column, message}}: 415 when the
 * media type or charset is not accepted, 413 over {@code vault.intake.max-csv-size}, 400 for invalid bytes, structure
 * or rows, 422 for contradicting ConceptMaps. Nothing is written on a refusal. Cost: the file is held in memory,
 * bounded by the size limit, and one transaction is submitted.
 */
@Component
public class CheckupIntake {

    private final CheckupCsvParser parser;
    private final long maxBytes;
    private final HospitalTerminology terminology;
    private final FhirDispatch dispatch;
    private final FhirContext ctx;

    CheckupIntake(IntakeProperties props, HospitalTerminology terminology, FhirDispatch dispatch, FhirContext ctx) {
        this.maxBytes = props.maxCsvSize().toBytes();
        this.parser = new CheckupCsvParser(maxBytes);
        this.terminology = terminology;
        this.dispatch = dispatch;
        this.ctx = ctx;
    }

    /**
     * Submits a checkup file as the current caller, a hospital.
     *
     * @param request     the caller's own HTTP request (the dispatch runs on it)
     * @param contentType the file's media type with its charset ({@code text/csv; charset=utf-8} or gb18030)
     * @param length      the declared length in bytes, or -1 when unknown (the parser stops at the limit)
     * @return the FHIR server's answer: the transaction-response Bundle with the receipt, or its refusal
     * @throws ApiProblem when the file is refused before submission; nothing is written then
     */
    public FhirDispatch.Answer submit(HttpServletRequest request, String contentType, long length, InputStream body)
            throws IOException {
        VaultPrincipal caller = VaultPrincipal.current().filter(p -> p.kind() == VaultPrincipal.Kind.HOSPITAL)
                .orElseThrow(() -> new ApiProblem(HttpStatus.FORBIDDEN, "forbidden", "Only hospitals submit "
                        + "checkup files"));
        if (contentType == null || !contentType.trim().toLowerCase(java.util.Locale.ROOT).startsWith("text/csv")) {
            throw problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
                    "Send the file as Content-Type: text/csv; charset=utf-8 (or charset=gb18030), not "
                            + (contentType == null ? "(none)" : contentType), List.of());
        }
        Charset charset;
        try {
            charset = CheckupCsvParser.charsetOf(contentType);
        } catch (CheckupCsvException e) {
            throw problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "csv-charset", "The charset is missing or not accepted",
                    e.errors());
        }
        List<CheckupRow> rows;
        try {
            if (length > maxBytes) {
                throw tooLarge(length);
            }
            try (InputStream in = body) {
                rows = parser.parse(in, charset.name());
            }
        } catch (CheckupCsvException e) {
            throw refusal(e);
        }
        CheckupSource source = terminology.sourceOf(caller.orgCode());
        ObservationNormalizer normalizer;
        try {
            normalizer = terminology.normalizerFor(caller.orgCode());
        } catch (TerminologyMapException e) {
            throw problem(HttpStatus.UNPROCESSABLE_ENTITY, "conceptmap-conflict",
                    "Your ConceptMaps contradict each other: " + e.getMessage(), List.of());
        }
        CheckupBundle built = new CheckupBundleBuilder(normalizer, idsFrom(caller.orgCode(), rows))
                .build(rows, source);
        byte[] json = ctx.newJsonParser().encodeResourceToString(built.bundle()).getBytes(StandardCharsets.UTF_8);
        return dispatch.postToBase(request, json, SubmissionContext.normalisedBefore(built.terminology()));
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

    private ApiProblem refusal(CheckupCsvException e) {
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

    private ApiProblem tooLarge(long length) {
        throw problem(HttpStatus.PAYLOAD_TOO_LARGE, "csv-size", "The file exceeds the limit of " + maxBytes
                + " bytes (vault.intake.max-csv-size)" + (length > 0 ? "; it has " + length + " bytes" : ""),
                List.of(new CheckupCsvError(0, null, "file larger than " + maxBytes + " bytes")));
    }

    static ApiProblem problem(HttpStatus status, String type, String detail, List<CheckupCsvError> errors) {
        ApiProblem problem = new ApiProblem(status, type, detail);
        if (!errors.isEmpty()) {
            problem.with("errors", errors.stream().map(err -> {
                Map<String, Object> m = new java.util.LinkedHashMap<>();
                m.put("row", err.row());
                m.put("column", err.column());
                m.put("message", err.message());
                return m;
            }).toList());
        }
        return problem;
    }
}
