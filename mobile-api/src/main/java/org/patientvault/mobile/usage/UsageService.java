package org.patientvault.mobile.usage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.mobile.support.Cursor;
import org.patientvault.mobile.support.Hospitals;
import org.patientvault.mobile.support.Records;
import org.patientvault.mobile.support.Texts;
import org.patientvault.mobile.share.ShareAccessLog;
import org.springframework.stereotype.Service;

/**
 * The usage ledger from the audit trail: the AuditEvents in the patient's compartment (searched as the patient, so the
 * access rules and consent decide which they see), without the patient's own requests. A request event names who
 * asked and for what; a consent-decision event names whose records the vault let a recipient see or not, per record.
 * Cost: one FHIR search per 200 events (bounded by {@code vault.mobile.max-records}), then an in-memory page.
 */
@Service
public class UsageService {

    private static final String CONSENT_DECISION = "consent-decision";
    private static final String SUBTYPE = "https://patientvault.org/fhir/CodeSystem/audit-subtype";

    private final Records records;
    private final Hospitals orgs;
    private final Texts texts;
    private final ShareAccessLog shares;

    UsageService(Records records, Hospitals orgs, Texts texts, ShareAccessLog shares) {
        this.records = records;
        this.orgs = orgs;
        this.texts = texts;
        this.shares = shares;
    }

    public UsagePage page(Cursor after, int limit) {
        String self = records.self();
        Records.Found<AuditEvent> found = records.all(AuditEvent.class, Map.of("_sort", List.of("-date")));
        List<Map.Entry<Cursor, UsagePage.Entry>> entries = new ArrayList<>();
        for (AuditEvent ev : found.resources()) {
            UsagePage.Entry e = entry(ev, self);
            if (e != null) {
                long at = ev.hasRecorded() ? ev.getRecorded().getTime() : 0;
                entries.add(Map.entry(new Cursor(at, "AuditEvent/" + ev.getIdElement().getIdPart()), e));
            }
        }
        // Share-link accesses are anonymous (a doctor with the passcode), so the vault's audit trail cannot name the
        // patient in them; the share service's own log does.
        for (ShareAccessLog.Access a : shares.of(self)) {
            entries.add(Map.entry(new Cursor(a.when().toEpochMilli(), "ShareAccess/" + a.id()), shareEntry(a)));
        }
        entries.sort((a, b) -> Cursor.ORDER.compare(a.getKey(), b.getKey()));
        List<Map.Entry<Cursor, UsagePage.Entry>> page = entries.stream().filter(e -> e.getKey().isAfter(after))
                .limit(limit + 1L).toList();
        String next = page.size() > limit ? page.get(limit - 1).getKey().encode() : null;
        return new UsagePage(page.subList(0, Math.min(limit, page.size())).stream().map(Map.Entry::getValue)
                .toList(), entries.size(), next, found.truncated() ? Boolean.TRUE : null);
    }

    /** The ledger entry of an AuditEvent; null for the patient's own requests and events naming no one. */
    private UsagePage.Entry entry(AuditEvent ev, String self) {
        AuditEvent.AuditEventAgentComponent requestor = ev.getAgent().stream()
                .filter(AuditEvent.AuditEventAgentComponent::getRequestor).findFirst().orElse(null);
        if (requestor == null) {
            return null;
        }
        boolean decision = ev.getSubtype().stream().anyMatch(c -> SUBTYPE.equals(c.getSystem())
                && CONSENT_DECISION.equals(c.getCode()));
        UsagePage.Who who = who(requestor, self);
        if (who == null) {
            return null;
        }
        String action = decision ? CONSENT_DECISION : ev.getSubtype().stream().map(Coding::getCode)
                .filter(c -> c != null).findFirst().orElse("unknown");
        Map<String, int[]> counts = new TreeMap<>();
        String request = null;
        for (AuditEvent.AuditEventEntityComponent entity : ev.getEntity()) {
            String type = typeOf(entity);
            if (entity.hasQuery()) {
                request = (entity.hasDescription() ? entity.getDescription() : "") + "?"
                        + new String(entity.getQuery(), StandardCharsets.UTF_8);
                if (type == null && entity.hasDescription()) {
                    type = entity.getDescription().split("/")[0];
                }
            }
            if (isSelf(entity, self)) {
                // A release to an AI firm names what of hers it held as details of her own entity (type, count).
                for (AuditEvent.AuditEventEntityDetailComponent d : entity.getDetail()) {
                    if (d.hasType() && d.getValue() instanceof org.hl7.fhir.r4.model.StringType v) {
                        counts.computeIfAbsent(d.getType(), k -> new int[3])[0] += parseCount(v.getValue());
                    }
                }
                continue;
            }
            if (isJob(entity)) {
                // The cohort request and release: why, not what.
                request = entity.getWhat().getDisplay();
                continue;
            }
            if (type == null) {
                continue;
            }
            int[] c = counts.computeIfAbsent(type, k -> new int[3]);
            c[0]++;
            if (decision && entity.hasDescription()) {
                c[entity.getDescription().startsWith("PERMIT") ? 1 : 2]++;
            }
            if (!decision && request == null && entity.getWhat().hasDisplay()) {
                request = entity.getWhat().getDisplay();
            }
        }
        List<UsagePage.What> what = new ArrayList<>();
        counts.forEach((type, c) -> what.add(new UsagePage.What(type, c[0], decision ? c[1] : null,
                decision ? c[2] : null)));
        boolean denied = decision ? counts.values().stream().allMatch(c -> c[1] == 0) && !counts.isEmpty()
                : ev.getOutcome() != null && ev.getOutcome() != AuditEvent.AuditEventOutcome._0;
        String outcome = denied ? "denied" : "success";
        String purpose = switch (who.kind()) {
            case "hospital" -> "treatment";
            case "ai-firm" -> "ai-training";
            default -> null;
        };
        String actionKey = action.startsWith("search") ? "search" : action.startsWith("history") ? "read" : action;
        return new UsagePage.Entry(ev.getIdElement().getIdPart(), ev.hasRecorded()
                ? ev.getRecorded().toInstant().toString() : null, who, action,
                texts.find("usage.action." + actionKey).orElse(action), what, purpose, request, outcome,
                texts.text("usage.outcome." + outcome));
    }

    private UsagePage.Entry shareEntry(ShareAccessLog.Access a) {
        String label = a.label() == null ? a.linkId().substring(0, 8) : a.label();
        List<UsagePage.What> what = a.resources() == 0 ? List.of()
                : List.of(new UsagePage.What("Bundle", a.resources(), null, null));
        String action = "share-" + a.action();
        return new UsagePage.Entry(a.id(), a.when().toString(), new UsagePage.Who("share-link", null,
                texts.text("usage.who.shareLink", label)), action, texts.text("usage.action." + action), what,
                "treatment", "share-link " + a.linkId() + (a.recipient() == null ? "" : " recipient " + a.recipient()),
                a.outcome(), texts.text("usage.outcome." + a.outcome()));
    }

    /** Who asked; null when it was the patient themself. */
    private UsagePage.Who who(AuditEvent.AuditEventAgentComponent agent, String self) {
        Reference r = agent.getWho();
        if (r.hasReference() && r.getReference().equals("Patient/" + self)) {
            return null;
        }
        String display = r.hasDisplay() ? r.getDisplay() : "";
        if (display.equals("patient Patient/" + self)) {
            return null;
        }
        Identifier id = r.getIdentifier();
        if (IdentitySystems.ORGANIZATION.equals(id.getSystem()) && id.hasValue()) {
            Hospitals.Org org = orgs.byCode(id.getValue());
            return new UsagePage.Who(display.startsWith("ai-firm") ? "ai-firm" : "hospital", org, org.name());
        }
        for (String kind : List.of("hospital", "ai-firm")) {
            if (display.startsWith(kind + " ")) {
                Hospitals.Org org = orgs.byCode(display.substring(kind.length() + 1));
                return new UsagePage.Who(kind, org, org.name());
            }
        }
        if (display.startsWith("admin")) {
            return new UsagePage.Who("admin", null, texts.text("usage.who.admin"));
        }
        if (r.hasReference() && r.getReference().startsWith("Patient/") || display.startsWith("patient ")) {
            // Another patient in an event about this patient (e.g. a claim): named as unknown, never by id.
            return new UsagePage.Who("unknown", null, texts.text("usage.who.unknown"));
        }
        return new UsagePage.Who("unknown", null, texts.text("usage.who.unknown"));
    }

    private static String typeOf(AuditEvent.AuditEventEntityComponent entity) {
        Reference what = entity.getWhat();
        if (what.hasReference() && what.getReference().contains("/")) {
            return what.getReference().split("/")[0];
        }
        if (what.hasDisplay() && what.getDisplay().contains("/")) {
            return what.getDisplay().split("/")[0];
        }
        return null;
    }

    private static boolean isJob(AuditEvent.AuditEventEntityComponent entity) {
        return entity.hasRole() && "20".equals(entity.getRole().getCode()) && entity.getWhat().hasDisplay();
    }

    private static int parseCount(String value) {
        try {
            return Math.max(0, Integer.parseInt(value));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static boolean isSelf(AuditEvent.AuditEventEntityComponent entity, String self) {
        return ("Patient/" + self).equals(entity.getWhat().getReference());
    }
}
