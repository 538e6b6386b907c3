package org.patientvault.web.port;

import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * What the hospital console does, as the current (signed-in) caller, a hospital's staff member acting as the
 * hospital. Implemented by vault-api on the same path as the API: a bundle is a {@code POST /fhir} transaction, a CSV
 * the checkup intake, a zip the DICOM zip intake; each runs the vault's authorization, validation, linking, quality
 * scoring, ledger and audit, and answers with the submission's receipt. Nothing is stored on a {@link Refused}.
 */
public interface HospitalConsole {

    /**
     * Submits a FHIR R4 transaction Bundle (JSON). Cost: one transaction, as {@code POST /fhir}; the body is held in
     * memory (bounded by the console's upload limit).
     */
    Receipt submitBundle(byte[] json);

    /**
     * Submits a checkup file ({@code docs/checkup-csv.md}) in {@code charset} ({@code utf-8} or {@code gb18030}).
     * Cost: the file is parsed whole in memory, then one transaction.
     *
     * @throws Refused with row/column problems for a malformed file
     */
    Receipt submitCheckupCsv(InputStream csv, long length, String charset);

    /**
     * Stores a zipped study folder (DICOM Part-10 files). Cost: streamed, one instance at a time, one ImagingStudy
     * submission per study.
     */
    Receipt submitDicomZip(InputStream zip);

    /** The caller's own quality scorecard; empty without scored submissions in the window. Cost: one range read. */
    Optional<Scorecard> scorecard();

    /** The caller's latest submissions, newest first. Cost: one indexed read of at most {@code limit} rows. */
    List<Submission> submissions(int limit);

    /**
     * A submission's receipt.
     *
     * @param links   the linking outcome of each submitted Patient ({@code linked}, {@code new-patient},
     *                {@code unlinked})
     * @param score   the submission's data-quality score (0–1), null when not scored
     * @param issues  every quality issue found, with its location in the submission
     * @param imaging for a zipped study: what was stored; else null
     */
    record Receipt(boolean replay, int created, int updated, int matched, int unchanged, List<Link> links,
                   BigDecimal score, List<Issue> issues, Imaging imaging) {
    }

    /** One submitted Patient's linking outcome; {@code patient} is the vault Patient's id, when there is one. */
    record Link(int entry, String outcome, String patient) {
    }

    /**
     * A data-quality issue.
     *
     * @param check    the stable check id ({@code plaus.value-range}, docs/data-quality.md)
     * @param severity error, warning or information
     * @param location where, as a FHIRPath into the submission ({@code Bundle.entry[2].resource.value})
     * @param message  the check's own words
     */
    record Issue(String check, String severity, String location, String message) {
    }

    /** A zipped study: instances stored, studies written, and why any instance was not stored. */
    record Imaging(int stored, List<String> studies, List<String> failures) {
    }

    /** The hospital's scorecard over the last days; {@code rank} 1 is the best of {@code hospitals}. */
    record Scorecard(LocalDate from, LocalDate to, int submissions, double meanScore, double allHospitalsMeanScore,
                     int rank, int hospitals, List<Day> trend, List<TopIssue> topIssues) {
    }

    /** One day of the trend, with the mean of all hospitals that day. */
    record Day(LocalDate day, int submissions, double meanScore, double allHospitalsMeanScore) {
    }

    /** A recurring issue: in how many submissions, how often, and the share of submissions it affected. */
    record TopIssue(String check, int submissions, long occurrences, double share) {
    }

    /** One accepted submission of the caller's; {@code receipt} is null when its response was not kept. */
    record Submission(Instant received, String identifier, Receipt receipt) {
    }

    /**
     * The vault refused an upload; nothing was stored. The message is the vault's own text (built from the request
     * and fixed text, never stored content).
     */
    class Refused extends RuntimeException {

        /** Why, as far as the page needs to know: which message to show beside the field. */
        public enum Reason { MEDIA_TYPE, TOO_LARGE, MALFORMED, REFUSED }

        /** A problem at a place in the file ({@code row} 0 = the file as a whole). */
        public record Problem(Integer row, String column, String message) {
        }

        private final Reason reason;
        private final transient List<Problem> problems;

        public Refused(Reason reason, String message, List<Problem> problems) {
            super(message, null, false, false);
            this.reason = reason;
            this.problems = List.copyOf(problems);
        }

        public Reason reason() {
            return reason;
        }

        public List<Problem> problems() {
            return problems;
        }
    }
}
