package org.patientvault.vault.edge;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Type;
import org.patientvault.mapping.quality.QualityScoreExtension;
import org.patientvault.vault.identity.PatientLinking;
import org.patientvault.vault.quality.SubmissionQuality;
import org.patientvault.vault.submission.SubmissionService;
import org.patientvault.web.port.HospitalConsole.Issue;
import org.patientvault.web.port.HospitalConsole.Link;
import org.patientvault.web.port.HospitalConsole.Receipt;

/**
 * Reads the receipts a transaction-response Bundle carries on {@code Bundle.meta} ({@code submission-receipt}: counts
 * and linking outcomes; {@code quality-receipt}: score and every issue with its location) into the console's
 * {@link Receipt}. The same reading serves a fresh submission and a row of the history.
 */
final class ConsoleReceipts {

    private final FhirContext ctx;

    ConsoleReceipts(FhirContext ctx) {
        this.ctx = ctx;
    }

    /** The receipt of a transaction-response Bundle (JSON); null when the text is not one. */
    Receipt read(String responseJson) {
        try {
            return read(ctx.newJsonParser().parseResource(Bundle.class, responseJson));
        } catch (DataFormatException | ClassCastException e) {
            return null;
        }
    }

    Receipt read(Bundle response) {
        Extension submission = response.getMeta().getExtensionByUrl(SubmissionService.RECEIPT_URL);
        List<Link> links = new ArrayList<>();
        if (submission != null) {
            for (Extension l : submission.getExtensionsByUrl(PatientLinking.RECEIPT_PART)) {
                Type patient = value(l, "patient");
                links.add(new Link(number(l, "entry"), text(l, "outcome"), patient instanceof Reference r
                        ? r.getReferenceElement().getIdPart() : null));
            }
        }
        Extension quality = response.getMeta().getExtensionByUrl(SubmissionQuality.RECEIPT_URL);
        BigDecimal score = quality != null && value(quality, "score") instanceof DecimalType d ? d.getValue() : null;
        List<Issue> issues = quality == null ? List.of() : issues(value(quality, "outcome"));
        return new Receipt(submission != null && value(submission, "replay") instanceof BooleanType b
                && b.booleanValue(), number(submission, "created"), number(submission, "updated"),
                number(submission, "matched"), number(submission, "unchanged"), links, score, issues, null);
    }

    /** The quality report's issues (the score's own informational line is not an issue). */
    private List<Issue> issues(Type outcome) {
        if (!(outcome instanceof Attachment a) || !a.hasData()) {
            return List.of();
        }
        OperationOutcome oo;
        try {
            oo = ctx.newJsonParser().parseResource(OperationOutcome.class,
                    new String(a.getData(), StandardCharsets.UTF_8));
        } catch (DataFormatException | ClassCastException e) {
            return List.of();
        }
        List<Issue> out = new ArrayList<>();
        for (OperationOutcome.OperationOutcomeIssueComponent i : oo.getIssue()) {
            Coding check = i.getDetails().getCoding().stream()
                    .filter(c -> QualityScoreExtension.CHECK_CODE_SYSTEM.equals(c.getSystem())).findFirst()
                    .orElse(null);
            if (check == null) {
                continue;
            }
            out.add(new Issue(check.getCode(), i.hasSeverity() ? i.getSeverity().toCode() : null,
                    i.hasExpression() ? i.getExpression().get(0).getValue() : null, i.getDetails().getText()));
        }
        return out;
    }

    private static Type value(Extension parent, String url) {
        Extension e = parent == null ? null : parent.getExtensionByUrl(url);
        return e == null ? null : e.getValue();
    }

    private static int number(Extension parent, String url) {
        return value(parent, url) instanceof IntegerType n && n.getValue() != null ? n.getValue() : 0;
    }

    private static String text(Extension parent, String url) {
        Type v = value(parent, url);
        return v == null ? null : v.primitiveValue();
    }
}
