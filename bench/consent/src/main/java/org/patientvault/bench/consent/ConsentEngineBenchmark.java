package org.patientvault.bench.consent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.Consent.ConsentState;
import org.hl7.fhir.r4.model.Consent.ProvisionComponent;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.patientvault.consent.AccessRequest;
import org.patientvault.consent.ConsentCodes;
import org.patientvault.consent.ConsentEngine;
import org.patientvault.consent.ConsentModel;
import org.patientvault.consent.ConsentPolicy;
import org.patientvault.consent.ConsentScope;
import org.patientvault.consent.DataClass;
import org.patientvault.consent.DataClassifier;
import org.patientvault.consent.Decision;
import org.patientvault.consent.Purpose;
import org.patientvault.consent.Recipient;
import org.patientvault.consent.ResourceFacts;

/**
 * Decisions per second for one patient with 20 consents (a realistic mix: treatment sharing with several hospitals,
 * research consents, nested denies, periods, data periods, modalities, one revoked and one expired), single thread.
 * Baselines in the same run: a decision over zero consents and a HashMap lookup.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class ConsentEngineBenchmark {
    private static final int MASK = 15;

    List<ConsentPolicy> consents20;
    AccessRequest[] requests;
    Observation[] observations;
    Map<String, String> map;
    String[] keys;
    int i;
    int permits;

    @Setup
    public void setUp() {
        List<Consent> resources = new ArrayList<>();
        String[] hospitals = {"hosp-beijing", "hosp-shanghai", "clinic-rural", "hosp-guangzhou", "hosp-chengdu",
                "hosp-wuhan", "hosp-xian", "hosp-hangzhou", "hosp-nanjing", "hosp-tianjin"};
        for (int k = 0; k < hospitals.length; k++) {
            ProvisionComponent root = provision(ConsentProvisionType.PERMIT).org(hospitals[k])
                    .period("2025-01-01", "2026-12-31").p;
            if (k % 2 == 0) {
                root.addProvision(provision(ConsentProvisionType.DENY).classes("imaging").p);
            }
            if (k % 3 == 0) {
                root.addProvision(provision(ConsentProvisionType.DENY).dataPeriod("2010", "2015").p);
            }
            resources.add(consent("share-" + k, ConsentScope.TREATMENT_SHARING, k == 7 ? ConsentState.INACTIVE
                    : ConsentState.ACTIVE, root));
        }
        String[] firms = {"ai-lab", "ai-vision", "ai-genomics", "ai-cardio", "ai-derm"};
        for (int k = 0; k < firms.length; k++) {
            ProvisionComponent root = provision(ConsentProvisionType.PERMIT).org(firms[k]).aiTraining()
                    .classes("imaging", "laboratory").p;
            root.addProvision(provision(ConsentProvisionType.DENY).classes("imaging").modality("MG").p);
            if (k == 1) {
                root.addExtension(ConsentCodes.CROSS_BORDER_EXTENSION, new BooleanType(true));
            }
            resources.add(consent("research-" + k, ConsentScope.RESEARCH, ConsentState.ACTIVE, root));
        }
        ProvisionComponent anyAi = provision(ConsentProvisionType.PERMIT).anyAi().dataPeriod("2018", "2024").p;
        anyAi.addProvision(provision(ConsentProvisionType.DENY).classes("documents").p);
        resources.add(consent("research-any", ConsentScope.RESEARCH, ConsentState.ACTIVE, anyAi));
        resources.add(consent("deny-documents", ConsentScope.TREATMENT_SHARING, ConsentState.ACTIVE,
                provision(ConsentProvisionType.DENY).classes("documents").p));
        resources.add(consent("expired", ConsentScope.TREATMENT_SHARING, ConsentState.ACTIVE,
                provision(ConsentProvisionType.PERMIT).org("hosp-old").period("2020-01-01", "2020-12-31").p));
        ProvisionComponent optIn = provision(ConsentProvisionType.DENY).p;
        optIn.addProvision(provision(ConsentProvisionType.PERMIT).org("hosp-dental").classes("imaging")
                .modality("IO", "PX").p);
        resources.add(consent("optin-dental", ConsentScope.TREATMENT_SHARING, ConsentState.ACTIVE, optIn));
        resources.add(consent("research-deny-derm-imaging", ConsentScope.RESEARCH, ConsentState.ACTIVE,
                provision(ConsentProvisionType.DENY).org("ai-derm").classes("imaging").p));
        consents20 = ConsentModel.parseAll(resources);
        if (consents20.size() != 20) {
            throw new IllegalStateException("expected 20 consents, got " + consents20.size());
        }

        Instant now = Instant.parse("2025-06-01T10:00:00Z");
        requests = new AccessRequest[MASK + 1];
        observations = new Observation[MASK + 1];
        DataClass[] classes = {DataClass.LABORATORY, DataClass.IMAGING, DataClass.VITAL_SIGNS, DataClass.DOCUMENTS};
        String[] mods = {"CT", "MR", "MG", "US"};
        for (int k = 0; k <= MASK; k++) {
            DataClass dc = classes[k % classes.length];
            ResourceFacts f = new ResourceFacts(dc, dc == DataClass.IMAGING ? List.of(mods[(k / 4) % 4]) : List.of(),
                    Instant.parse((2012 + k) + "-03-01T00:00:00Z"));
            Recipient rc = k % 2 == 0 ? Recipient.hospital(hospitals[k % hospitals.length])
                    : Recipient.aiFirm(k % 3 == 0 ? "ai-unknown" : firms[k % firms.length]);
            requests[k] = new AccessRequest(rc, k % 2 == 0 ? Purpose.TREATMENT : Purpose.AI_TRAINING, now, f,
                    k == 5);
            Observation o = new Observation();
            o.addCategory(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/observation-category",
                    k % 2 == 0 ? "laboratory" : "vital-signs", null)));
            o.setEffective(new DateTimeType((2012 + k) + "-03-01T00:00:00Z"));
            observations[k] = o;
        }
        int permitted = 0;
        for (AccessRequest r : requests) {
            permitted += ConsentEngine.decide(consents20, r).permitted() ? 1 : 0;
        }
        // The request mix must exercise both outcomes, or the figure says little.
        if (permitted == 0 || permitted == requests.length) {
            throw new IllegalStateException("request mix is one-sided: " + permitted + " of " + requests.length);
        }
        map = new HashMap<>();
        keys = new String[MASK + 1];
        for (int k = 0; k < 1000; k++) {
            map.put("Patient/p" + k, "Consent/c" + k);
        }
        for (int k = 0; k <= MASK; k++) {
            keys[k] = "Patient/p" + (k * 37);
        }
    }

    @Benchmark
    public Decision decide20Consents() {
        return ConsentEngine.decide(consents20, requests[i++ & MASK]);
    }

    @Benchmark
    public Decision classifyAndDecide20Consents() {
        int k = i++ & MASK;
        AccessRequest r = requests[k];
        ResourceFacts f = DataClassifier.classify(observations[k]);
        return ConsentEngine.decide(consents20, new AccessRequest(r.recipient(), r.purpose(), r.time(), f, false));
    }

    @Benchmark
    public Decision baselineDecideZeroConsents() {
        return ConsentEngine.decide(List.of(), requests[i++ & MASK]);
    }

    @Benchmark
    public String baselineHashMapLookup() {
        return map.get(keys[i++ & MASK]);
    }

    // --- tiny fixture builder (the test fixtures live in the consent module's tests) ---

    private static Consent consent(String id, ConsentScope scope, ConsentState status, ProvisionComponent root) {
        Consent c = new Consent();
        c.setId(id);
        c.setStatus(status);
        c.setScope(new CodeableConcept(new Coding(ConsentCodes.SCOPE_SYSTEM, scope.code(), null)));
        c.setPatient(new Reference("Patient/alice"));
        c.setProvision(root);
        return c;
    }

    private static B provision(ConsentProvisionType type) {
        B b = new B();
        b.p.setType(type);
        return b;
    }

    private static final class B {
        final ProvisionComponent p = new ProvisionComponent();

        B org(String id) {
            p.addActor().setReference(new Reference().setIdentifier(
                    new Identifier().setSystem(ConsentCodes.ORG_SYSTEM).setValue(id)));
            return this;
        }

        B anyAi() {
            p.addActor().setReference(new Reference().setIdentifier(new Identifier()
                    .setSystem(ConsentCodes.RECIPIENT_GROUP_SYSTEM).setValue(ConsentCodes.ANY_AI_FIRM)));
            return this;
        }

        B aiTraining() {
            p.addPurpose(new Coding(ConsentCodes.PURPOSE_SYSTEM, ConsentCodes.PURPOSE_AI_TRAINING, null));
            return this;
        }

        B classes(String... codes) {
            for (String c : codes) {
                p.addClass_(new Coding(ConsentCodes.DATA_CLASS_SYSTEM, c, null));
            }
            return this;
        }

        B modality(String... codes) {
            CodeableConcept cc = new CodeableConcept();
            for (String c : codes) {
                cc.addCoding(new Coding(ConsentCodes.DICOM_SYSTEM, c, null));
            }
            p.addCode(cc);
            return this;
        }

        B period(String s, String e) {
            p.setPeriod(new Period().setStartElement(new DateTimeType(s)).setEndElement(new DateTimeType(e)));
            return this;
        }

        B dataPeriod(String s, String e) {
            p.setDataPeriod(new Period().setStartElement(new DateTimeType(s)).setEndElement(new DateTimeType(e)));
            return this;
        }
    }
}
