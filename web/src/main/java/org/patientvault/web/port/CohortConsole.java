package org.patientvault.web.port;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * Cohort requests ({@code docs/cohorts.md}) as the current (signed-in) caller: an AI firm's staff member files and
 * follows the firm's own requests, the admin decides. Implemented by vault-api on the {@code /fhir} Group routes
 * ({@code POST Group}, {@code $export}, {@code $cohort-status}, {@code $cohort-file}, {@code $withdrawals},
 * {@code $approve}, {@code $reject}), dispatched in-process, so the same authorization, audit and "another firm's id
 * is unknown" rule apply. Each method costs one or two in-process FHIR requests.
 */
public interface CohortConsole {

    /**
     * Files a request as the caller's firm.
     *
     * @return the new request's id
     * @throws Invalid naming every problem the vault found; nothing is stored then
     */
    String file(Draft draft);

    /** The firm's own requests (the admin: all, or those with {@code status}, e.g. submitted), newest first. */
    List<Request> list(String status);

    /** One request the caller may know; empty for unknown and foreign ids alike. */
    Optional<Request> get(String id);

    /** Starts a new release of an approved request (a refresh if there was one); the firm only. */
    void build(String id);

    /** The latest release's manifest and files; empty unless it is ready. */
    Optional<Manifest> manifest(String id);

    /**
     * Streams one file of a ready release (the firm only), holding at most a buffer of it: {@code target} is called
     * once with the file's content type when the vault serves it, before the first byte, and gets the whole file.
     *
     * @return false for an unknown, foreign or expired file ({@code target} is not called then)
     */
    boolean download(String fileId, java.util.function.Function<String, java.io.OutputStream> target);

    /** The pseudonyms withdrawn from the request's releases (patients who revoked), for the firm to delete. */
    List<Withdrawal> withdrawals(String id);

    /** The admin's decision with the committee's reason; refused (409) when already decided. */
    void decide(String id, boolean approve, String reason);

    /**
     * What an AI firm asks for.
     *
     * @param criteria   FHIR searches a member must match ({@code ImagingStudy?modality=CT}), ANDed; may be empty
     * @param classes    data classes to export (imaging, laboratory, checkup, vital-signs, conditions, medications)
     * @param modalities DICOM modality codes; none = any
     * @param minQuality minimum quality score 0–1 of each record; null = 0
     * @param purpose    ai-training
     */
    record Draft(String name, List<String> criteria, List<String> classes, List<String> modalities,
                 BigDecimal minQuality, Integer ageLow, Integer ageHigh, String sex, LocalDate periodStart,
                 LocalDate periodEnd, boolean crossBorder, String purpose, String projectTitle,
                 String projectDescription) {
    }

    /**
     * A request as the caller sees it.
     *
     * @param status  submitted, approved or rejected
     * @param reason  the committee's reason, once decided
     * @param release the latest release, if any was started
     */
    record Request(String id, String firm, Instant filed, String name, String status, String reason, Draft draft,
                   Release release) {
    }

    /**
     * A release: {@code status} building, ready, too-small, failed, expired or cancelled; {@code progress} 0–100.
     * {@code message} is the vault's own text (counts below the minimum never appear).
     */
    record Release(int number, String status, int progress, String message) {
    }

    /** A ready release: where its files are and what it holds (counts below the minimum read "<20"). */
    record Manifest(int release, String patients, Instant expires, List<File> files, int dicomFiles) {
    }

    /** One downloadable file: its FHIR type (or DICOM), the vault's file id, and its count when released. */
    record File(String type, String fileId, Integer count) {
    }

    /** One withdrawn pseudonym: from which release, and in which refresh the withdrawal was found. */
    record Withdrawal(int release, String pseudonym, int detectedIn) {
    }

    /** The vault refused a request as filed: every problem, in the vault's words (quoting only what was sent). */
    class Invalid extends RuntimeException {

        private final transient List<String> problems;

        public Invalid(List<String> problems) {
            super(String.join("; ", problems), null, false, false);
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }
}
