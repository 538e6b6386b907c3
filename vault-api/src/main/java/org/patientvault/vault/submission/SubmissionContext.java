package org.patientvault.vault.submission;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.patientvault.mapping.quality.QualitySeverity;
import org.patientvault.mapping.quality.QualityValidationMessage;
import org.patientvault.mapping.terminology.TerminologySummary;
import org.patientvault.vault.caller.FhirDispatch;

/**
 * Everything one FHIR request carries toward its submission besides the Bundle: the one typed hand-off between the
 * features on a submission's path, so that who writes and who reads what is visible in method signatures.
 *
 * <ul>
 *   <li><b>Inputs from an intake</b> that builds the Bundle and dispatches it through {@code /fhir}
 *       ({@link FhirDispatch#postToBase(jakarta.servlet.http.HttpServletRequest, byte[], Object...)}): the terminology
 *       normalisation already done by the CSV intake, the DICOM acquisition attributes read by the imaging intake.</li>
 *   <li><b>Findings along the request</b>: base-R4 validation warnings (written by the request validator, read by
 *       quality scoring), the terminology summary (written by the terminology hook before the submission is handled,
 *       read by it again for the receipt).</li>
 *   <li><b>The pending ledger row</b> of a transaction being stored (package-private: written by
 *       {@link SubmissionService}, read by {@link SubmissionLedgerHook} inside the database transaction).</li>
 * </ul>
 * One instance per request, kept in HAPI's per-request user data; not thread-safe (a request runs on one thread).
 */
public final class SubmissionContext {

    private static final String KEY = SubmissionContext.class.getName();

    private final TerminologySummary normalisedBeforeDispatch;
    private final Map<String, Map<String, String>> dicomAcquisition;
    private List<QualityValidationMessage> validationFindings = List.of();
    private TerminologySummary terminology;
    private SubmissionLedgerHook.Pending pending;

    private SubmissionContext(TerminologySummary normalisedBeforeDispatch,
                              Map<String, Map<String, String>> dicomAcquisition) {
        this.normalisedBeforeDispatch = normalisedBeforeDispatch;
        this.dicomAcquisition = dicomAcquisition == null ? Map.of() : dicomAcquisition;
        this.terminology = normalisedBeforeDispatch;
    }

    /** Inputs of a Bundle whose Observations the intake already normalised (LOINC/UCUM) as {@code summary} says. */
    public static SubmissionContext normalisedBefore(TerminologySummary summary) {
        return new SubmissionContext(summary, null);
    }

    /**
     * Inputs of an ImagingStudy submission: the acquisition attributes per Series Instance UID (keyword → value),
     * for the {@code compl.dicom-acquisition} quality check.
     */
    public static SubmissionContext withDicomAcquisition(Map<String, Map<String, String>> bySeries) {
        return new SubmissionContext(null, Map.copyOf(bySeries));
    }

    /**
     * The context of this request, made on first use: from the inputs an in-process dispatch handed over (copied,
     * so a hand-over is never shared between requests), else empty. Cost: one map lookup.
     */
    public static SubmissionContext of(RequestDetails request) {
        if (request == null) {
            return new SubmissionContext(null, null);
        }
        if (request.getUserData().get(KEY) instanceof SubmissionContext existing) {
            return existing;
        }
        SubmissionContext created = FhirDispatch.handedOver(request, SubmissionContext.class)
                .map(given -> new SubmissionContext(given.normalisedBeforeDispatch, given.dicomAcquisition))
                .orElseGet(() -> new SubmissionContext(null, null));
        request.getUserData().put(KEY, created);
        return created;
    }

    /** The terminology normalisation the intake did before dispatch; empty when the Bundle arrived as sent. */
    public Optional<TerminologySummary> normalisedBeforeDispatch() {
        return Optional.ofNullable(normalisedBeforeDispatch);
    }

    /** What terminology normalisation did to this request's Bundle, for the receipt; empty if it did not run. */
    public Optional<TerminologySummary> terminology() {
        return Optional.ofNullable(terminology);
    }

    /** Records what the terminology hook did to this request's Bundle. */
    public void terminology(TerminologySummary summary) {
        this.terminology = summary;
    }

    /** The acquisition attributes per series handed over by the imaging intake; empty for other submissions. */
    public Map<String, Map<String, String>> dicomAcquisition() {
        return dicomAcquisition;
    }

    /** The base-R4 validator's warnings and errors on this (accepted) request, for {@code conf.base-validation}. */
    public List<QualityValidationMessage> validationFindings() {
        return validationFindings;
    }

    /**
     * Keeps the validator's findings on this request for quality scoring: a submission with validation errors is
     * refused, but its warnings still say something about its quality. Information messages are dropped.
     */
    public void validated(ValidationResult result) {
        List<QualityValidationMessage> kept = new ArrayList<>();
        for (SingleValidationMessage m : result.getMessages()) {
            if (m.getSeverity() == null || m.getSeverity().ordinal() < ResultSeverityEnum.WARNING.ordinal()) {
                continue;
            }
            kept.add(new QualityValidationMessage(QualitySeverity.fromCode(m.getSeverity().getCode()),
                    m.getLocationString() == null ? "" : m.getLocationString(), m.getMessage()));
        }
        this.validationFindings = List.copyOf(kept);
    }

    SubmissionLedgerHook.Pending pending() {
        return pending;
    }

    void pending(SubmissionLedgerHook.Pending pending) {
        this.pending = pending;
    }
}
