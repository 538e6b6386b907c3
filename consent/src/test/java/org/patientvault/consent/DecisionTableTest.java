package org.patientvault.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.patientvault.consent.Fx.deny;
import static org.patientvault.consent.Fx.permit;
import static org.patientvault.consent.Fx.research;
import static org.patientvault.consent.Fx.sharing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The decision table: named consent fixtures (below) and one row per case. Blank request columns take defaults:
 * time 2025-06-01T10:00:00Z, class laboratory, no modality, unknown record date, domestic.
 * Columns: case | consents (space separated, '-' for none) | recipient | kind H/A | purpose T/AI | time | class
 * ('none' = unclassified) | modalities ('+' separated) | record date | cross-border y/n | effect | code |
 * deciding consent | deciding provision path.
 */
class DecisionTableTest {

    static final Map<String, Consent> FIXTURES = new LinkedHashMap<>();

    static {
        FIXTURES.put("share-sh", sharing("share-sh", permit().org("hosp-shanghai").period("2025-05-15", "2025-06-14").build()));
        FIXTURES.put("share-sh-no-imaging", sharing("share-sh-no-imaging",
                permit().org("hosp-shanghai").child(deny().classes("imaging")).build()));
        FIXTURES.put("share-sh-labs-2020", sharing("share-sh-labs-2020",
                permit().org("hosp-shanghai").classes("laboratory").dataPeriod("2020-01-01", "2020-12-31").build()));
        Consent revoked = sharing("revoked-sh", permit().org("hosp-shanghai").build());
        revoked.setStatus(ConsentState.INACTIVE);
        FIXTURES.put("revoked-sh", revoked);
        Consent draft = sharing("draft-sh", permit().org("hosp-shanghai").build());
        draft.setStatus(ConsentState.DRAFT);
        FIXTURES.put("draft-sh", draft);
        FIXTURES.put("expired-sh", sharing("expired-sh", permit().org("hosp-shanghai").period("2024-01-01", "2024-12-31").build()));
        FIXTURES.put("future-sh", sharing("future-sh", permit().org("hosp-shanghai").period("2026-01-01", null).build()));
        FIXTURES.put("deny-sh", sharing("deny-sh", deny().org("hosp-shanghai").build()));
        FIXTURES.put("deny-imaging", sharing("deny-imaging", deny().classes("imaging").build()));
        FIXTURES.put("deny-sh-2019", sharing("deny-sh-2019", deny().org("hosp-shanghai").dataPeriod("2019-01-01", "2019-12-31").build()));
        FIXTURES.put("optin-bj-labs", sharing("optin-bj-labs",
                deny().child(permit().org("hosp-beijing").classes("laboratory")).build()));
        FIXTURES.put("nested3", sharing("nested3", permit().org("hosp-shanghai")
                .child(deny().classes("imaging").child(permit().modality("US"))).build()));
        FIXTURES.put("pause-week", sharing("pause-week", permit().org("hosp-shanghai")
                .child(deny().period("2025-06-01", "2025-06-07")).build()));
        FIXTURES.put("share-sh-cb", sharing("share-sh-cb", permit().org("hosp-shanghai").crossBorder(true)
                .child(deny().classes("documents")).build()));
        FIXTURES.put("any-ai", research("any-ai", permit().anyAi().aiTraining().build()));
        FIXTURES.put("ai-lab-ct", research("ai-lab-ct", permit().org("ai-lab").classes("imaging").modality("CT").build()));
        FIXTURES.put("any-ai-not-lab", research("any-ai-not-lab", permit().anyAi().child(deny().org("ai-lab")).build()));
        FIXTURES.put("ai-lab-cb", research("ai-lab-cb", permit().org("ai-lab").crossBorder(true).build()));
        FIXTURES.put("ai-lab-hresch", research("ai-lab-hresch",
                permit().org("ai-lab").purpose(ConsentCodes.V3_ACT_REASON, ConsentCodes.HRESCH).build()));
        FIXTURES.put("ai-lab-2023", research("ai-lab-2023", permit().org("ai-lab").dataPeriod("2023", "2023").build()));
        FIXTURES.put("deny-any-ai-imaging", research("deny-any-ai-imaging", deny().anyAi().classes("imaging").build()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "", textBlock = """
            no consents                    | -                       | hosp-shanghai | H | T  |                      | laboratory |       |            | n | DENY   | NO_CONSENTS               |                    |
            sharing permits named hospital | share-sh                | hosp-shanghai | H | T  |                      | laboratory |       | 2024-01-01 | n | PERMIT | PERMITTED                 | share-sh           | provision
            wrong recipient                | share-sh                | hosp-beijing  | H | T  |                      | laboratory |       |            | n | DENY   | NOT_PERMITTED             |                    |
            after consent period           | share-sh                | hosp-shanghai | H | T  | 2025-06-20T00:00:00Z | laboratory |       |            | n | DENY   | NO_APPLICABLE_CONSENT     |                    |
            before consent period          | share-sh                | hosp-shanghai | H | T  | 2025-05-10T00:00:00Z | laboratory |       |            | n | DENY   | NO_APPLICABLE_CONSENT     |                    |
            last day of period included    | share-sh                | hosp-shanghai | H | T  | 2025-06-14T23:59:00Z | laboratory |       |            | n | PERMIT | PERMITTED                 | share-sh           | provision
            day after end excluded         | share-sh                | hosp-shanghai | H | T  | 2025-06-15T00:00:00Z | laboratory |       |            | n | DENY   | NO_APPLICABLE_CONSENT     |                    |
            revoked consent                | revoked-sh              | hosp-shanghai | H | T  |                      | laboratory |       |            | n | DENY   | NO_APPLICABLE_CONSENT     |                    |
            draft consent                  | draft-sh                | hosp-shanghai | H | T  |                      | laboratory |       |            | n | DENY   | NO_APPLICABLE_CONSENT     |                    |
            expired consent                | expired-sh              | hosp-shanghai | H | T  |                      | laboratory |       |            | n | DENY   | NO_APPLICABLE_CONSENT     |                    |
            not yet in effect              | future-sh               | hosp-shanghai | H | T  |                      | laboratory |       |            | n | DENY   | NO_APPLICABLE_CONSENT     |                    |
            revoked beside active          | revoked-sh share-sh     | hosp-shanghai | H | T  |                      | laboratory |       |            | n | PERMIT | PERMITTED                 | share-sh           | provision
            sharing never authorises AI    | share-sh                | hosp-shanghai | H | AI |                      | laboratory |       |            | n | DENY   | NO_APPLICABLE_CONSENT     |                    |
            research never authorises care | any-ai                  | hosp-shanghai | H | T  |                      | laboratory |       |            | n | DENY   | NO_APPLICABLE_CONSENT     |                    |
            AI firm cannot use sharing     | share-sh any-ai         | ai-lab        | A | T  |                      | laboratory |       |            | n | DENY   | NOT_PERMITTED             |                    |
            any AI firm permits ai-lab     | any-ai                  | ai-lab        | A | AI |                      | laboratory |       |            | n | PERMIT | PERMITTED                 | any-ai             | provision
            any AI firm permits another    | any-ai                  | ai-other      | A | AI |                      | imaging    | MR    |            | n | PERMIT | PERMITTED                 | any-ai             | provision
            any AI firm is not a hospital  | any-ai                  | hosp-shanghai | H | AI |                      | laboratory |       |            | n | DENY   | NOT_PERMITTED             |                    |
            specific firm CT permitted     | ai-lab-ct               | ai-lab        | A | AI |                      | imaging    | CT    |            | n | PERMIT | PERMITTED                 | ai-lab-ct          | provision
            specific firm MR not covered   | ai-lab-ct               | ai-lab        | A | AI |                      | imaging    | MR    |            | n | DENY   | NOT_PERMITTED             |                    |
            unknown modality not permitted | ai-lab-ct               | ai-lab        | A | AI |                      | imaging    |       |            | n | DENY   | NOT_PERMITTED             |                    |
            partly covered study denied    | ai-lab-ct               | ai-lab        | A | AI |                      | imaging    | CT+SR |            | n | DENY   | NOT_PERMITTED             |                    |
            CT consent does not cover labs | ai-lab-ct               | ai-lab        | A | AI |                      | laboratory |       |            | n | DENY   | NOT_PERMITTED             |                    |
            specific firm not another firm | ai-lab-ct               | ai-other      | A | AI |                      | imaging    | CT    |            | n | DENY   | NOT_PERMITTED             |                    |
            any AI firm except ai-lab      | any-ai-not-lab          | ai-lab        | A | AI |                      | laboratory |       |            | n | DENY   | DENIED                    | any-ai-not-lab     | provision.provision[0]
            any AI firm except ai-lab 2    | any-ai-not-lab          | ai-other      | A | AI |                      | laboratory |       |            | n | PERMIT | PERMITTED                 | any-ai-not-lab     | provision
            deny any AI imaging vs lab     | ai-lab-ct deny-any-ai-imaging | ai-lab  | A | AI |                      | imaging    | CT    |            | n | DENY   | DENIED                    | deny-any-ai-imaging | provision
            nested deny leaves labs        | share-sh-no-imaging     | hosp-shanghai | H | T  |                      | laboratory |       |            | n | PERMIT | PERMITTED                 | share-sh-no-imaging | provision
            nested deny inside permit      | share-sh-no-imaging     | hosp-shanghai | H | T  |                      | imaging    | CT    |            | n | DENY   | DENIED                    | share-sh-no-imaging | provision.provision[0]
            exception of exception         | nested3                 | hosp-shanghai | H | T  |                      | imaging    | US    |            | n | PERMIT | PERMITTED                 | nested3            | provision.provision[0].provision[0]
            exception of exception CT      | nested3                 | hosp-shanghai | H | T  |                      | imaging    | CT    |            | n | DENY   | DENIED                    | nested3            | provision.provision[0]
            unknown modality takes deny    | nested3                 | hosp-shanghai | H | T  |                      | imaging    |       |            | n | DENY   | DENIED                    | nested3            | provision.provision[0]
            deny beats permit              | share-sh deny-sh        | hosp-shanghai | H | T  |                      | laboratory |       |            | n | DENY   | DENIED                    | deny-sh            | provision
            deny beats permit any order    | deny-sh share-sh        | hosp-shanghai | H | T  |                      | laboratory |       |            | n | DENY   | DENIED                    | deny-sh            | provision
            standalone class deny: labs ok | share-sh deny-imaging   | hosp-shanghai | H | T  |                      | laboratory |       |            | n | PERMIT | PERMITTED                 | share-sh           | provision
            standalone class deny vetoes   | share-sh deny-imaging   | hosp-shanghai | H | T  |                      | imaging    | CT    |            | n | DENY   | DENIED                    | deny-imaging       | provision
            opt-in backdrop does not veto  | optin-bj-labs share-sh  | hosp-shanghai | H | T  |                      | imaging    | CT    |            | n | PERMIT | PERMITTED                 | share-sh           | provision
            opt-in nested permit           | optin-bj-labs           | hosp-beijing  | H | T  |                      | laboratory |       |            | n | PERMIT | PERMITTED                 | optin-bj-labs      | provision.provision[0]
            opt-in other class denied      | optin-bj-labs           | hosp-beijing  | H | T  |                      | imaging    | CT    |            | n | DENY   | NOT_PERMITTED             |                    |
            dataPeriod inside              | share-sh-labs-2020      | hosp-shanghai | H | T  |                      | laboratory |       | 2020-06-01 | n | PERMIT | PERMITTED                 | share-sh-labs-2020 | provision
            dataPeriod last day included   | share-sh-labs-2020      | hosp-shanghai | H | T  |                      | laboratory |       | 2020-12-31T23:00:00Z | n | PERMIT | PERMITTED   | share-sh-labs-2020 | provision
            dataPeriod after               | share-sh-labs-2020      | hosp-shanghai | H | T  |                      | laboratory |       | 2021-01-01 | n | DENY   | NOT_PERMITTED             |                    |
            dataPeriod before              | share-sh-labs-2020      | hosp-shanghai | H | T  |                      | laboratory |       | 2019-12-31 | n | DENY   | NOT_PERMITTED             |                    |
            dataPeriod unknown date        | share-sh-labs-2020      | hosp-shanghai | H | T  |                      | laboratory |       |            | n | DENY   | NOT_PERMITTED             |                    |
            dataPeriod wrong class         | share-sh-labs-2020      | hosp-shanghai | H | T  |                      | vital-signs |      | 2020-06-01 | n | DENY   | NOT_PERMITTED             |                    |
            year-precision dataPeriod      | ai-lab-2023             | ai-lab        | A | AI |                      | imaging    | CT    | 2023-12-31T23:59:59Z | n | PERMIT | PERMITTED   | ai-lab-2023        | provision
            year-precision dataPeriod out  | ai-lab-2023             | ai-lab        | A | AI |                      | imaging    | CT    | 2024-01-01 | n | DENY   | NOT_PERMITTED             |                    |
            deny dataPeriod unknown date   | share-sh-no-imaging deny-sh-2019 | hosp-shanghai | H | T |             | laboratory |       |            | n | DENY   | DENIED                    | deny-sh-2019       | provision
            deny dataPeriod other year     | share-sh-no-imaging deny-sh-2019 | hosp-shanghai | H | T |             | laboratory |       | 2024-03-01 | n | PERMIT | PERMITTED                 | share-sh-no-imaging | provision
            paused week denies             | pause-week              | hosp-shanghai | H | T  | 2025-06-03T00:00:00Z | laboratory |       |            | n | DENY   | DENIED                    | pause-week         | provision.provision[0]
            after pause permits            | pause-week              | hosp-shanghai | H | T  | 2025-06-10T00:00:00Z | laboratory |       |            | n | PERMIT | PERMITTED                 | pause-week         | provision
            cross-border needs own permit  | any-ai                  | ai-lab        | A | AI |                      | laboratory |       |            | y | DENY   | CROSS_BORDER_NOT_PERMITTED |                   |
            explicit cross-border permit   | ai-lab-cb               | ai-lab        | A | AI |                      | laboratory |       |            | y | PERMIT | PERMITTED                 | ai-lab-cb          | provision
            cross-border-only is not local | ai-lab-cb               | ai-lab        | A | AI |                      | laboratory |       |            | n | DENY   | NOT_PERMITTED             |                    |
            both kinds: domestic           | any-ai ai-lab-cb        | ai-lab        | A | AI |                      | laboratory |       |            | n | PERMIT | PERMITTED                 | any-ai             | provision
            both kinds: cross-border       | any-ai ai-lab-cb        | ai-lab        | A | AI |                      | laboratory |       |            | y | PERMIT | PERMITTED                 | ai-lab-cb          | provision
            nested deny inherits cb flag   | share-sh-cb             | hosp-shanghai | H | T  |                      | documents  |       |            | y | DENY   | DENIED                    | share-sh-cb        | provision.provision[0]
            cross-border sharing permit    | share-sh-cb             | hosp-shanghai | H | T  |                      | laboratory |       |            | y | PERMIT | PERMITTED                 | share-sh-cb        | provision
            HRESCH accepted as AI training | ai-lab-hresch           | ai-lab        | A | AI |                      | laboratory |       |            | n | PERMIT | PERMITTED                 | ai-lab-hresch      | provision
            unclassified under no class    | share-sh-no-imaging     | hosp-shanghai | H | T  |                      | none       |       |            | n | PERMIT | PERMITTED                 | share-sh-no-imaging | provision
            unclassified not under a class | share-sh-labs-2020      | hosp-shanghai | H | T  |                      | none       |       | 2020-06-01 | n | DENY   | NOT_PERMITTED             |                    |
            """)
    void decides(String name, String consents, String org, String kind, String purpose, String time, String dataClass,
                 String modalities, String recordDate, String crossBorder, Effect effect, Decision.Code code,
                 String consentId, String path) {
        List<Consent> resources = new ArrayList<>();
        if (!"-".equals(consents)) {
            for (String n : consents.trim().split("\\s+")) {
                assertThat(FIXTURES).as("fixture " + n).containsKey(n);
                resources.add(FIXTURES.get(n));
            }
        }
        List<ConsentPolicy> policies = ConsentModel.parseAll(resources);
        AccessRequest request = request(org, kind, purpose, time, dataClass, modalities, recordDate, crossBorder);

        Decision d = ConsentEngine.decide(policies, request);

        assertThat(d.effect()).as(name + ": " + d.reason()).isEqualTo(effect);
        assertThat(d.code()).as(name + ": " + d.reason()).isEqualTo(code);
        assertThat(d.consentId()).isEqualTo(consentId == null ? null : "Consent/" + consentId);
        assertThat(d.provisionPath()).isEqualTo(path);
        assertThat(d.reason()).isNotBlank();
        assertThat(ConsentExplainer.explain(policies, request).decision()).isEqualTo(d);
    }

    static AccessRequest request(String org, String kind, String purpose, String time, String dataClass,
                                 String modalities, String recordDate, String crossBorder) {
        Recipient recipient = "A".equals(kind) ? Recipient.aiFirm(org) : Recipient.hospital(org);
        Purpose p = "AI".equals(purpose) ? Purpose.AI_TRAINING : Purpose.TREATMENT;
        Instant t = Instant.parse(time == null ? "2025-06-01T10:00:00Z" : time);
        DataClass dc = dataClass == null ? DataClass.LABORATORY
                : "none".equals(dataClass) ? null : DataClass.fromCode(dataClass).orElseThrow();
        List<String> mods = modalities == null ? List.of() : Arrays.asList(modalities.split("\\+"));
        Instant rd = recordDate == null ? null
                : Instant.parse(recordDate.length() == 10 ? recordDate + "T00:00:00Z" : recordDate);
        return new AccessRequest(recipient, p, t, new ResourceFacts(dc, mods, rd), "y".equals(crossBorder));
    }
}
