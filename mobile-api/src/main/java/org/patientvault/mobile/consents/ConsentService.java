package org.patientvault.mobile.consents;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Consent;
import org.patientvault.consent.ConsentValidator;
import org.patientvault.mobile.MobileProperties;
import org.patientvault.mobile.support.Hospitals;
import org.patientvault.mobile.support.MobileProblem;
import org.patientvault.mobile.support.Records;
import org.patientvault.mobile.support.Texts;
import org.springframework.stereotype.Service;

/**
 * The patient's consents in app terms. Creating one builds the FHIR Consent ({@link ConsentTerms}), checks it with the
 * consent module's own validator (the server checks again) and creates it through the port as the patient; revoking
 * sets it {@code inactive} through the port, only if nobody changed it meanwhile. Access is then decided by the
 * consent module alone, on each request. Cost: one search (list) or one read plus one write.
 */
@Service
public class ConsentService {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    private final Records records;
    private final Hospitals orgs;
    private final Texts texts;
    private final ZoneId zone;

    ConsentService(Records records, Hospitals orgs, Texts texts, MobileProperties props) {
        this.records = records;
        this.orgs = orgs;
        this.texts = texts;
        this.zone = props.zone();
    }

    public ConsentList list() {
        records.self();
        Records.Found<Consent> found = records.all(Consent.class, Map.of("_sort", List.of("-_lastUpdated")));
        List<ConsentView> out = new ArrayList<>();
        for (Consent c : found.resources()) {
            if (c.getStatus() != Consent.ConsentState.ENTEREDINERROR) {
                out.add(view(c));
            }
        }
        return new ConsentList(out, out.size());
    }

    public ConsentView get(String id) {
        records.self();
        return view(read(id));
    }

    public ConsentView create(ConsentRequest request) {
        String self = records.self();
        if (request == null) {
            throw MobileProblem.badRequest("A consent is required in the request body");
        }
        Map<String, String> problems = new LinkedHashMap<>();
        ConsentTerms.Checked checked = ConsentTerms.check(request, problems);
        if (checked != null && checked.recipient() != null && problems.isEmpty()
                && texts.find("org." + checked.recipient()).isEmpty() && !orgs.exists(checked.recipient())) {
            problems.put(checked.kind().equals("share") ? "hospital" : "aiFirm", "is not an organization the vault "
                    + "knows");
        }
        if (!problems.isEmpty()) {
            throw MobileProblem.unprocessable("The consent cannot be granted as asked; nothing was stored")
                    .with("errors", problems);
        }
        Consent consent = ConsentTerms.toFhir(checked, self, LocalDate.now(zone));
        List<ConsentValidator.Issue> issues = ConsentValidator.validate(consent, self, zone);
        if (!issues.isEmpty()) {
            // Our own mapping produced an invalid Consent: a bug, not the patient's error; say so without storing.
            throw new IllegalStateException("app consent failed validation: " + issues);
        }
        String id = records.port().create(consent);
        return view(read(id));
    }

    public ConsentView revoke(String id) {
        records.self();
        Consent c = read(id);
        if (c.getStatus() == Consent.ConsentState.INACTIVE) {
            return view(c);
        }
        Consent revoked = c.copy();
        revoked.setStatus(Consent.ConsentState.INACTIVE);
        records.port().update(revoked, c.getIdElement().getVersionIdPart());
        return view(read(id));
    }

    private Consent read(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw MobileProblem.notFound("Consent " + (id == null ? "" : id.length() > 64 ? id.substring(0, 64) : id));
        }
        return records.port().read("Consent", id).filter(Consent.class::isInstance).map(Consent.class::cast)
                .orElseThrow(() -> MobileProblem.notFound("Consent " + id));
    }

    private ConsentView view(Consent c) {
        ConsentTerms.Terms t = ConsentTerms.read(c);
        String today = LocalDate.now(zone).toString();
        String status = switch (c.getStatus()) {
            case ACTIVE -> t.until() != null && t.until().compareTo(today) < 0 ? "expired"
                    : t.from() != null && t.from().compareTo(today) > 0 ? "pending" : "active";
            case INACTIVE -> "revoked";
            case DRAFT, PROPOSED -> "draft";
            default -> "revoked";
        };
        Hospitals.Org recipient = t.recipient() == null ? null : orgs.byCode(t.recipient());
        return new ConsentView(c.getIdElement().getIdPart(), t.kind(), status, texts.text("consent.status." + status),
                recipient, t.anyAiFirm() ? Boolean.TRUE : null, t.classes(), t.purposes(), t.crossBorder(), t.from(),
                t.until(), explain(t, recipient));
    }

    private String explain(ConsentTerms.Terms t, Hospitals.Org recipient) {
        if (t.kind().equals("other")) {
            return texts.text("consent.other");
        }
        String classes = String.join(texts.locale().getLanguage().equals("zh") ? "、" : ", ",
                t.classes().stream().map(c -> texts.text("class." + c)).toList());
        String sentence;
        if (t.kind().equals("share")) {
            sentence = texts.text("consent.share", recipient == null ? "?" : recipient.name(), classes, t.from(),
                    t.until());
        } else {
            String who = recipient != null ? recipient.name() : texts.text("consent.any-ai-firm");
            String purposes = String.join(texts.locale().getLanguage().equals("zh") ? "、" : ", ",
                    t.purposes().stream().map(p -> texts.text("consent.purpose." + p)).toList());
            sentence = t.until() == null ? texts.text("consent.ai-training.open", who, classes, purposes, t.from())
                    : texts.text("consent.ai-training", who, classes, purposes, t.from(), t.until());
        }
        String border = texts.text(Boolean.TRUE.equals(t.crossBorder()) ? "consent.cross-border.yes"
                : "consent.cross-border.no");
        return sentence + (texts.locale().getLanguage().equals("zh") ? "" : " ") + border;
    }
}
