package org.patientvault.vault.edge;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.patientvault.mapping.quality.QualityScorecard;
import org.patientvault.vault.caller.FhirDispatch;
import org.patientvault.vault.caller.VaultPrincipal;
import org.patientvault.vault.imaging.DicomZipUpload;
import org.patientvault.vault.intake.CheckupIntake;
import org.patientvault.vault.problem.ApiProblem;
import org.patientvault.vault.quality.QualityScorecards;
import org.patientvault.vault.submission.SubmissionHistory;
import org.patientvault.web.port.HospitalConsole;
import org.patientvault.web.port.HospitalConsole.Refused.Problem;
import org.patientvault.web.port.HospitalConsole.Refused.Reason;
import org.springframework.stereotype.Component;

/**
 * {@link HospitalConsole} on the API's own paths, as the current (signed-in) caller: a bundle through the
 * {@code /fhir} servlet ({@link FhirDispatch#postToBase}), a CSV through the checkup intake, a zip through the DICOM
 * zip intake, the scorecard and history through their features' own access rules.
 */
@Component
class VaultHospitalConsole implements HospitalConsole {

    private final FhirDispatch dispatch;
    private final CheckupIntake checkups;
    private final DicomZipUpload zips;
    private final QualityScorecards scorecards;
    private final SubmissionHistory history;
    private final FhirContext ctx;
    private final ConsoleReceipts receipts;

    VaultHospitalConsole(FhirDispatch dispatch, CheckupIntake checkups, DicomZipUpload zips,
                         QualityScorecards scorecards, SubmissionHistory history, FhirContext ctx) {
        this.dispatch = dispatch;
        this.checkups = checkups;
        this.zips = zips;
        this.scorecards = scorecards;
        this.history = history;
        this.ctx = ctx;
        this.receipts = new ConsoleReceipts(ctx);
    }

    @Override
    public Receipt submitBundle(byte[] json) {
        return receipt(dispatch.postToBase(request(), json));
    }

    @Override
    public Receipt submitCheckupCsv(InputStream csv, long length, String charset) {
        try {
            return receipt(checkups.submit(request(), "text/csv; charset=" + charset, length, csv));
        } catch (ApiProblem p) {
            throw refused(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Receipt submitDicomZip(InputStream zip) {
        DicomZipUpload.Outcome outcome;
        try {
            outcome = zips.upload(request(), zip);
        } catch (ApiProblem p) {
            throw refused(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // One receipt per study written; the console shows their sum and every issue and link.
        int created = 0;
        int updated = 0;
        int matched = 0;
        int unchanged = 0;
        boolean replay = !outcome.receipts().isEmpty();
        List<Link> links = new ArrayList<>();
        List<Issue> issues = new ArrayList<>();
        BigDecimal score = null;
        for (byte[] body : outcome.receipts()) {
            Receipt r = receipts.read(new String(body, StandardCharsets.UTF_8));
            if (r == null) {
                continue;
            }
            created += r.created();
            updated += r.updated();
            matched += r.matched();
            unchanged += r.unchanged();
            replay &= r.replay();
            links.addAll(r.links());
            issues.addAll(r.issues());
            // Several studies: the lowest score is the one to act on.
            score = r.score() == null ? score : score == null || r.score().compareTo(score) < 0 ? r.score() : score;
        }
        return new Receipt(replay, created, updated, matched, unchanged, links, score, issues,
                new Imaging(outcome.stored(), outcome.studies(), outcome.failures()));
    }

    @Override
    public Optional<Scorecard> scorecard() {
        Optional<VaultPrincipal> caller = VaultPrincipal.current();
        return caller.flatMap(p -> scorecards.card(caller, p.orgCode())).map(VaultHospitalConsole::scorecard);
    }

    private static Scorecard scorecard(QualityScorecard.Card c) {
        return new Scorecard(c.from(), c.to(), c.submissions(), c.meanScore(), c.allHospitalsMeanScore(), c.rank(),
                c.hospitalCount(), c.trend().stream().map(d -> new Day(d.day(), d.submissions(), d.meanScore(),
                d.allHospitalsMeanScore())).toList(), c.topIssues().stream().map(i -> new TopIssue(i.checkId(),
                i.submissionsAffected(), i.occurrences(), i.shareOfSubmissions())).toList());
    }

    @Override
    public List<Submission> submissions(int limit) {
        return history.mine(limit).stream().map(e -> new Submission(e.receivedAt(), e.bundleIdentifier(),
                e.responseJson() == null ? null : receipts.read(e.responseJson()))).toList();
    }

    /** The receipt of a 200 transaction response; any other answer is the server's refusal, nothing stored. */
    private Receipt receipt(FhirDispatch.Answer answer) {
        String body = new String(answer.body(), StandardCharsets.UTF_8);
        if (answer.status() == 200) {
            Receipt r = receipts.read(body);
            if (r != null) {
                return r;
            }
        }
        List<Problem> problems = new ArrayList<>();
        String why = "The vault answered " + answer.status();
        try {
            OperationOutcome oo = ctx.newJsonParser().parseResource(OperationOutcome.class, body);
            for (OperationOutcome.OperationOutcomeIssueComponent i : oo.getIssue()) {
                if (i.hasDiagnostics()) {
                    problems.add(new Problem(null, i.hasExpression() ? i.getExpression().get(0).getValue() : null,
                            i.getDiagnostics()));
                }
            }
            why = problems.isEmpty() ? why : problems.get(0).message();
        } catch (DataFormatException | ClassCastException notAnOutcome) {
            // keep the status alone
        }
        Reason reason = switch (answer.status()) {
            case 400, 422 -> Reason.MALFORMED;
            case 413 -> Reason.TOO_LARGE;
            case 415 -> Reason.MEDIA_TYPE;
            default -> Reason.REFUSED;
        };
        throw new Refused(reason, why, problems);
    }

    /** An intake's problem (built from the request and fixed text) as the console's refusal. */
    private static Refused refused(ApiProblem p) {
        List<Problem> problems = new ArrayList<>();
        if (p.properties().get("errors") instanceof List<?> errors) {
            for (Object e : errors) {
                if (e instanceof Map<?, ?> m) {
                    problems.add(new Problem(m.get("row") instanceof Integer row ? row : null,
                            m.get("column") == null ? null : m.get("column").toString(),
                            String.valueOf(m.get("message"))));
                }
            }
        }
        Reason reason = switch (p.status().value()) {
            case 413 -> Reason.TOO_LARGE;
            case 415 -> Reason.MEDIA_TYPE;
            case 400, 422 -> Reason.MALFORMED;
            default -> Reason.REFUSED;
        };
        return new Refused(reason, p.detail(), problems);
    }

    private static jakarta.servlet.http.HttpServletRequest request() {
        return CurrentRequest.of("HospitalConsole");
    }
}
