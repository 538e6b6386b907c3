package org.patientvault.vault.quality;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.UnsignedIntType;
import org.patientvault.mapping.quality.QualityContext;
import org.patientvault.mapping.quality.QualityReport;
import org.patientvault.mapping.quality.QualityResourceResult;
import org.patientvault.mapping.quality.QualityScoreExtension;
import org.patientvault.mapping.quality.QualityScorer;
import org.patientvault.mapping.quality.QualityValidationMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Data-quality scoring in the submission path ({@code docs/data-quality.md}, "Wiring"). The submission service calls
 * {@link #score} before its transaction (each resource then carries its {@code quality-score} extension when HAPI
 * stores it, so it is persisted and searchable) and {@link #complete} after commit (the receipt on the response, the
 * fingerprints and the scorecard row).
 *
 * <p>Quality never rejects: neither method throws. A scoring failure is logged (exception class only, never data) and
 * the submission proceeds without a score. With {@code vault.quality.enabled=false} both are no-ops.
 *
 * <p>Cost per submission: one pass of the scorer (about 11 µs per resource of CPU), one indexed fingerprint lookup,
 * one primary-key read per distinct reference that leaves the submission (memoised per submission), and after commit
 * one statement that stores fingerprints and the scorecard row. A second scoring pass runs only when an earlier submission already holds one of the fingerprints.
 */
@Component
public class SubmissionQuality {

    /** The receipt extension on {@code Bundle.meta} of a transaction response (see {@code docs/data-quality.md}). */
    public static final String RECEIPT_URL = "https://patientvault.org/fhir/StructureDefinition/quality-receipt";

    private static final Logger LOG = LoggerFactory.getLogger(SubmissionQuality.class);

    private final QualityScorer scorer;
    private final QualityTables tables;
    private final DaoRegistry daos;
    private final FhirContext fhir;
    private final boolean enabled;

    SubmissionQuality(QualityScorer scorer, QualityTables tables, DaoRegistry daos, FhirContext fhir,
                      QualityProperties props) {
        this.scorer = scorer;
        this.tables = tables;
        this.daos = daos;
        this.fhir = fhir;
        this.enabled = props.enabled();
    }

    /** A scored submission, handed from {@link #score} to {@link #complete}. */
    public static final class Scored {
        private final QualityReport report;

        private Scored(QualityReport report) {
            this.report = report;
        }

        /** The submission score, 0–1. */
        public double score() {
            return report.score();
        }
    }

    /** Whether scoring is switched on ({@code vault.quality.enabled}). */
    public boolean enabled() {
        return enabled;
    }

    /**
     * Scores the entries of a transaction Bundle and stamps each scored resource with its score. Call before the
     * transaction and before anything is added to the Bundle that the hospital did not send.
     *
     * @return the scored submission, or empty when scoring is off or failed (the submission proceeds unscored)
     */
    public Optional<Scored> score(Bundle bundle, Instant now) {
        return score(bundle, now, List.of());
    }

    /**
     * As {@link #score(Bundle, Instant)}, with the base-R4 validator's findings on the request (warnings and errors;
     * locations {@code Bundle.entry[n]...} attribute them to entries) for {@code conf.base-validation}.
     */
    public Optional<Scored> score(Bundle bundle, Instant now, List<QualityValidationMessage> validation) {
        return score(bundle, now, validation, Map.of());
    }

    /**
     * As above, with the DICOM acquisition attributes of the submission's series ({@link DicomQualityInputs}) for
     * {@code compl.dicom-acquisition}.
     */
    public Optional<Scored> score(Bundle bundle, Instant now, List<QualityValidationMessage> validation,
                                  Map<String, Map<String, String>> dicomBySeries) {
        if (!enabled || bundle == null) {
            return Optional.empty();
        }
        try {
            Predicate<String> resolver = memoised(this::existsInVault);
            QualityReport report = scorer.score(bundle, context(bundle, now, resolver, Set.of(), validation, dicomBySeries));
            Set<String> seen = tables.seen(fingerprints(report));
            if (!seen.isEmpty()) {
                // Rare: a record was sent before. The second pass marks those copies as cross-submission duplicates.
                report = scorer.score(bundle, context(bundle, now, resolver, seen, validation, dicomBySeries));
            }
            for (QualityResourceResult r : report.resources()) {
                if (bundle.getEntry().get(r.index()).getResource()
                        instanceof org.hl7.fhir.r4.model.DomainResource dr) {
                    QualityScoreExtension.stamp(dr, r.score());
                }
            }
            return Optional.of(new Scored(report));
        } catch (RuntimeException e) {
            LOG.warn("data-quality scoring failed; the submission proceeds without a score: {}",
                    e.getClass().getName());
            return Optional.empty();
        }
    }

    /**
     * After commit: puts the submission score on {@code response.meta}, each entry's issues into
     * {@code entry.response.outcome} (appended to HAPI's own outcome), the whole report as the {@link #RECEIPT_URL}
     * meta extension, and stores the fingerprints and the hospital's scorecard row. The response's entries must be
     * those of the scored Bundle, in the same order. Never throws.
     *
     * @param hospitalOrgCode the submitting organization's code ({@code https://patientvault.org/fhir/sid/org}), or
     *                        null when the submission is not attributed to one (no scorecard row then)
     */
    public void complete(Scored scored, Bundle response, String hospitalOrgCode, Instant receivedAt) {
        if (scored == null) {
            return;
        }
        QualityReport report = scored.report;
        try {
            stampResponse(report, response);
        } catch (RuntimeException e) {
            LOG.warn("data-quality receipt could not be added to the response: {}", e.getClass().getName());
        }
        try {
            tables.record(fingerprints(report), receivedAt, hospitalOrgCode == null || hospitalOrgCode.isBlank()
                    ? null : report.toSubmissionResult(hospitalOrgCode, receivedAt));
        } catch (RuntimeException e) {
            LOG.warn("data-quality fingerprints or scorecard row not stored: {}", e.getClass().getName());
        }
    }

    private void stampResponse(QualityReport report, Bundle response) {
        QualityScoreExtension.stamp(response, report.score());
        List<Bundle.BundleEntryComponent> entries = response.getEntry();
        for (QualityResourceResult r : report.resources()) {
            if (r.index() >= entries.size()) {
                continue;
            }
            OperationOutcome ours = report.toOperationOutcome(r.index());
            Bundle.BundleEntryResponseComponent er = entries.get(r.index()).getResponse();
            if (er.getOutcome() instanceof OperationOutcome hapi) {
                ours.getIssue().forEach(hapi::addIssue);
                QualityScoreExtension.stamp(hapi, r.score());
            } else {
                er.setOutcome(ours);
            }
        }
        OperationOutcome whole = report.toOperationOutcome();
        Extension receipt = response.getMeta().addExtension().setUrl(RECEIPT_URL);
        receipt.addExtension("score", new DecimalType(QualityScoreExtension.toDecimal(report.score())));
        receipt.addExtension("resources", new UnsignedIntType(report.resources().size()));
        receipt.addExtension("issues", new UnsignedIntType(report.issues().size()));
        report.issueCountsByCheck().keySet().forEach(id -> receipt.addExtension("check",
                new Coding(QualityScoreExtension.CHECK_CODE_SYSTEM, id, null)));
        receipt.addExtension("outcome", new Attachment().setContentType("application/fhir+json")
                .setData(fhir.newJsonParser().setPrettyPrint(false).encodeResourceToString(whole)
                        .getBytes(StandardCharsets.UTF_8)));
    }

    private static QualityContext context(Bundle bundle, Instant now, Predicate<String> resolver, Set<String> seen,
                                          List<QualityValidationMessage> validation,
                                          Map<String, Map<String, String>> dicomBySeries) {
        QualityContext.Builder b = QualityContext.builder(now).referenceResolver(resolver).seenFingerprints(seen)
                .validationMessages(validation);
        dicomBySeries.forEach((series, attributes) -> {
            if (series != null && !series.isBlank()) {
                b.dicomAttributes(series, attributes);
            }
        });
        List<Patient> patients = new ArrayList<>();
        bundle.getEntry().forEach(e -> {
            if (e.getResource() instanceof Patient p) {
                patients.add(p);
            }
        });
        if (patients.size() == 1) {
            Patient p = patients.get(0);
            if (p.hasBirthDate()) {
                b.birthDate(p.getBirthDateElement().getValueAsCalendar().toZonedDateTime().toLocalDate());
            }
            if (p.hasGender()) {
                b.gender(p.getGender());
            }
        }
        return b.build();
    }

    private static Set<String> fingerprints(QualityReport report) {
        Set<String> out = new LinkedHashSet<>();
        report.resources().forEach(r -> r.fingerprintIfAny().ifPresent(out::add));
        return out;
    }

    /**
     * A reference that leaves the submission resolves when the vault holds the resource. Conditional references
     * ({@code Patient?identifier=…}) count as resolving: HAPI resolves them in the transaction or refuses it.
     * Absolute URLs of other servers and contained references do not resolve here.
     */
    private boolean existsInVault(String reference) {
        if (reference == null || reference.isBlank() || reference.startsWith("#") || reference.startsWith("urn:")) {
            return false;
        }
        if (reference.contains("?")) {
            return true;
        }
        IdType id = new IdType(reference);
        if (id.isAbsolute() || !id.hasResourceType() || !id.hasIdPart()) {
            return false;
        }
        try {
            daos.getResourceDao(id.getResourceType()).read(id.toUnqualifiedVersionless(), new SystemRequestDetails());
            return true;
        } catch (RuntimeException notThere) {
            // unknown type, unknown id or deleted: not in the vault
            return false;
        }
    }

    private static Predicate<String> memoised(Predicate<String> p) {
        Map<String, Boolean> cache = new HashMap<>();
        return ref -> cache.computeIfAbsent(ref == null ? "" : ref, p::test);
    }
}
