package org.patientvault.vault.cohort;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.patientvault.consent.CohortEligibility;
import org.patientvault.consent.ConsentModel;
import org.patientvault.consent.ConsentParseException;
import org.patientvault.consent.ConsentPolicy;
import org.patientvault.consent.ConsentStore;
import org.patientvault.consent.DataClass;
import org.patientvault.consent.DataClassifier;
import org.patientvault.consent.Decision;
import org.patientvault.consent.Recipient;
import org.patientvault.consent.RecipientKind;
import org.patientvault.consent.ResourceFacts;
import org.patientvault.mapping.deid.DeidProfile;
import org.patientvault.mapping.deid.DeidRelease;
import org.patientvault.mapping.deid.DicomDeidResult;
import org.patientvault.mapping.deid.DicomDeidentifier;
import org.patientvault.mapping.deid.FhirDeidentifier;
import org.patientvault.mapping.deid.KAnonymity;
import org.patientvault.mapping.deid.KAnonymityConfig;
import org.patientvault.mapping.deid.KAnonymityResult;
import org.patientvault.mapping.deid.QuasiIdentifiers;
import org.patientvault.mapping.quality.QualityScoreExtension;
import org.patientvault.storage.EncryptedObjectStore;
import org.patientvault.storage.StoredObject;
import org.patientvault.vault.VaultProperties;
import org.patientvault.vault.imaging.StoredInstances;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Builds one release of an approved cohort, in the background (one build at a time per vault):
 * <ol>
 *   <li><b>Consent first.</b> The candidates are the patients with an active research Consent; each one's consents
 *   are decided by {@link CohortEligibility} (the consent engine) before anything else of theirs is read. A patient
 *   who never consented is not touched beyond that search.</li>
 *   <li>Criteria (every {@code member-filter}), sex, and per record: class, modality, data period, age at the
 *   record's date, quality score ≥ the minimum, and the engine's decision on that record.</li>
 *   <li>The k-anonymity guard over (birth year, sex, province); suppressed patients leave the release. Fewer than the
 *   minimum cohort size ends the build as "too small", saying only "fewer than N".</li>
 *   <li>De-identification with a key unique to the release (never stored): NDJSON per type and each DICOM instance
 *   (burned-in text excluded and reported) go to the object store under a key of the release's own, so expiry
 *   crypto-shreds them.</li>
 *   <li>Withdrawals: whoever was in an earlier release and is not in this one; the manifest's {@code deleted} names
 *   their pseudonyms. Then the ledger (an AuditEvent per patient included or withdrawn) and the firm's callback.</li>
 * </ol>
 * Cost: per consenting patient one Consent search, one search per criterion and one per record type asked for;
 * streaming throughout (a record at a time, DICOM through temporary files), so heap stays flat.
 */
@Component
class CohortBuilder implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(CohortBuilder.class);
    private static final String BIRTH_BAND = CohortCodes.SD + "birth-band";

    /** Record types read per data class; each record is classified again by the consent module. */
    private static final Map<DataClass, List<String>> TYPES = Map.of(
            DataClass.IMAGING, List.of("ImagingStudy", "DiagnosticReport", "Observation"),
            DataClass.LABORATORY, List.of("Observation", "DiagnosticReport"),
            DataClass.CHECKUP, List.of("Observation"),
            DataClass.VITAL_SIGNS, List.of("Observation"),
            DataClass.CONDITIONS, List.of("Condition", "AllergyIntolerance"),
            DataClass.MEDICATIONS, List.of("MedicationRequest", "MedicationStatement", "MedicationAdministration",
                    "MedicationDispense", "Immunization"));

    private final FhirContext fhir;
    private final DaoRegistry daos;
    private final ConsentStore consents;
    private final CohortStore store;
    private final CohortRequests requests;
    private final CohortProperties props;
    private final CohortLedger ledger;
    private final CohortCallbacks callbacks;
    private final StoredInstances instances;
    private final EncryptedObjectStore objects;
    private final ZoneId zone;
    private final Clock clock = Clock.systemUTC();
    private final ObjectMapper json = new ObjectMapper();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cohort-build");
        t.setDaemon(true);
        return t;
    });
    /**
     * Expired files and keys go within the hour; from the moment of expiry a poll already answers "expired" and the
     * files are refused.
     */
    private final java.util.concurrent.ScheduledExecutorService sweeper =
            Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "cohort-expiry");
                t.setDaemon(true);
                return t;
            });

    CohortBuilder(FhirContext fhir, DaoRegistry daos, ConsentStore consents, CohortStore store,
                  CohortRequests requests, CohortProperties props, CohortLedger ledger, CohortCallbacks callbacks,
                  StoredInstances instances, EncryptedObjectStore objects, VaultProperties vault) {
        this.fhir = fhir;
        this.daos = daos;
        this.consents = consents;
        this.store = store;
        this.requests = requests;
        this.props = props;
        this.ledger = ledger;
        this.callbacks = callbacks;
        this.instances = instances;
        this.objects = objects;
        this.zone = vault.zone();
        sweeper.scheduleWithFixedDelay(this::expireQuietly, 1, 60, java.util.concurrent.TimeUnit.MINUTES);
    }

    private void expireQuietly() {
        try {
            expire();
        } catch (RuntimeException e) {
            LOG.warn("Sweeping expired cohort files failed: {}", e.toString());
        }
    }

    /** What a build needs besides the stored rows: the parsed request and where its files will be served. */
    record Job(CohortStore.Request request, CohortRequest cohort, CohortStore.Release release, String fhirBase) {
    }

    void submit(Job job) {
        worker.submit(() -> run(job));
    }

    @Override
    public void destroy() {
        sweeper.shutdownNow();
        worker.shutdownNow();
    }

    /** Thrown inside a build when its cancellation was asked for. */
    private static final class Cancelled extends RuntimeException {
        Cancelled() {
            super(null, null, false, false);
        }
    }

    private void run(Job job) {
        String releaseId = job.release().id();
        List<CohortStore.File> written = new ArrayList<>();
        try {
            build(job, written);
        } catch (Cancelled c) {
            dropObjects(releaseId, written);
            store.markStatus(releaseId, CohortStore.ReleaseStatus.CANCELLED, "cancelled by the firm");
        } catch (RuntimeException | IOException e) {
            LOG.error("Cohort release {} failed: {}", releaseId, e.toString(), e);
            dropObjects(releaseId, written);
            store.finish(releaseId, CohortStore.ReleaseStatus.FAILED, "the build failed; the vault's operators have"
                    + " the details (release " + releaseId + ")", null, null, clock.instant(), null);
        }
    }

    /** One patient as the release takes them. */
    /**
     * One selected patient, as the selection keeps them: ids only, so the selection of a large cohort holds no
     * records (they are read again, a chunk of patients at a time, when they are written).
     */
    private record Included(String patientId, QuasiIdentifiers quasi, Map<String, List<String>> idsByType,
                            Set<String> consentVersions) {
    }

    /** Patients per chunk when records are read again for writing: bounds the heap of a build. */
    private static final int WRITE_CHUNK = 50;

    private void build(Job job, List<CohortStore.File> written) throws IOException {
        CohortRequest cohort = job.cohort();
        CohortStore.Release release = job.release();
        Instant now = clock.instant();
        Recipient firm = new Recipient(RecipientKind.AI_FIRM, job.request().firm(),
                job.request().firmOrganization() == null ? null : "Organization/" + job.request().firmOrganization());
        CohortEligibility eligibility = new CohortEligibility(firm, cohort.crossBorder(), cohort.classes(),
                cohort.modalities(), cohort.dataStart(), cohort.dataEnd());

        List<String> candidates = consentingPatients();
        List<Included> included = new ArrayList<>();
        Map<String, Integer> outcomes = new TreeMap<>();
        int done = 0;
        for (String patientId : candidates) {
            checkCancel(release.id());
            Included in = consider(patientId, cohort, eligibility, now, outcomes);
            if (in != null) {
                included.add(in);
            }
            done++;
            if (done % 10 == 0) {
                // Percent only: a count here would tell the firm how many patients consented.
                store.progress(release.id(), 5 + (45 * done / Math.max(1, candidates.size())),
                        "selecting the eligible patients");
            }
        }

        // Counts only: which step let how many consenting patients go (for operators; never shown to the firm).
        LOG.info("Cohort release {}: {} patients with a research consent; {}", release.id(), candidates.size(),
                outcomes);

        // The k-anonymity guard, before anything is released.
        KAnonymityConfig kConfig = new KAnonymityConfig(props.k(), true, true, true, LocalDate.now(zone).getYear());
        List<QuasiIdentifiers> qis = included.stream().map(Included::quasi).toList();
        KAnonymityResult k = KAnonymity.guard(qis, kConfig);
        List<Included> released = new ArrayList<>();
        List<KAnonymity.Released> classes = new ArrayList<>();
        for (int i = 0; i < included.size(); i++) {
            if (k.isReleased(i)) {
                released.add(included.get(i));
                classes.add(k.released().get(i));
            }
        }
        LOG.info("Cohort release {}: k-anonymity at {} kept {} and suppressed {}", release.id(), k.level(),
                released.size(), k.suppressed());
        if (released.size() < props.minCohortSize()) {
            store.finish(release.id(), CohortStore.ReleaseStatus.TOO_SMALL, "too small: fewer than "
                    + props.minCohortSize() + " eligible patients", null, null, clock.instant(), null);
            callbacks.announce(job, CohortStore.ReleaseStatus.TOO_SMALL, List.of());
            return;
        }

        DeidRelease deid = DeidRelease.newRelease(DeidRelease.DEFAULT_MAX_SHIFT_DAYS, LocalDate.now(zone));
        FhirDeidentifier fhirDeid = new FhirDeidentifier(fhir, DeidProfile.research(), deid);
        DicomDeidentifier dicomDeid = new DicomDeidentifier(deid);
        String owner = "cohort-" + release.id();
        Map<String, Ndjson> ndjson = new TreeMap<>();
        Ndjson errors = new Ndjson("OperationOutcome");
        List<CohortStore.Member> members = new ArrayList<>();
        Map<String, Map<String, Integer>> countsByPatient = new LinkedHashMap<>();
        List<ObjectNode> dicomEntries = new ArrayList<>();
        IParser parser = fhir.newJsonParser().setPrettyPrint(false);
        try {
            for (int from = 0; from < released.size(); from += WRITE_CHUNK) {
                checkCancel(release.id());
                int to = Math.min(released.size(), from + WRITE_CHUNK);
                List<Included> chunk = released.subList(from, to);
                Map<String, Resource> read = readChunk(chunk);
                for (int i = from; i < to; i++) {
                    Included in = released.get(i);
                    Map<String, Integer> counts = new TreeMap<>();
                    Resource source = read.get("Patient/" + in.patientId());
                    if (source == null) {
                        continue;
                    }
                    Patient p = (Patient) fhirDeid.deidentify(source, in.patientId()).orElseThrow();
                    generalise(p, classes.get(i));
                    String pseudonym = p.getIdElement().getIdPart() != null ? p.getIdElement().getIdPart()
                            : deid.patientPseudonym(in.patientId());
                    ndjson.computeIfAbsent("Patient", Ndjson::new).write(parser.encodeResourceToString(p));
                    List<String> studies = new ArrayList<>();
                    for (Map.Entry<String, List<String>> byType : in.idsByType().entrySet()) {
                        for (String id : byType.getValue()) {
                            Resource r = read.get(byType.getKey() + "/" + id);
                            var out = r == null ? java.util.Optional.<Resource>empty()
                                    : fhirDeid.deidentify(r, in.patientId());
                            if (out.isEmpty()) {
                                continue;
                            }
                            ndjson.computeIfAbsent(r.fhirType(), Ndjson::new)
                                    .write(parser.encodeResourceToString(out.get()));
                            counts.merge(r.fhirType(), 1, Integer::sum);
                            if (r instanceof ImagingStudy) {
                                studies.add(id);
                            }
                        }
                    }
                    for (StoredInstances.Instance instance : instances.of(studies)) {
                        if (!instance.patient().equals(in.patientId())) {
                            continue;
                        }
                        checkCancel(release.id());
                        dicom(instance, in.patientId(), dicomDeid, deid, owner, release.id(), written,
                                dicomEntries, errors, job.fhirBase());
                        counts.merge("DICOM instance", 1, Integer::sum);
                    }
                    members.add(new CohortStore.Member(in.patientId(), pseudonym, String.join(",",
                            in.consentVersions())));
                    countsByPatient.put(in.patientId(), counts);
                }
                store.progress(release.id(), 50 + (45 * to / released.size()), "de-identifying and writing files");
            }

            // Who was released before and is no longer eligible: the firm must delete them.
            Set<String> nowIn = new HashSet<>();
            released.forEach(in -> nowIn.add(in.patientId()));
            List<CohortStore.Withdrawal> withdrawn = store.earlierMembers(release.requestId(), release.number())
                    .stream().filter(w -> !nowIn.contains(w.patientId())).toList();
            Ndjson deleted = new Ndjson("Bundle");
            for (CohortStore.Withdrawal w : withdrawn) {
                Bundle b = new Bundle().setType(Bundle.BundleType.TRANSACTION);
                b.addEntry().getRequest().setMethod(Bundle.HTTPVerb.DELETE).setUrl("Patient/" + w.pseudonym());
                deleted.write(parser.encodeResourceToString(b));
            }

            checkCancel(release.id());
            ArrayNode output = json.createArrayNode();
            for (Ndjson file : ndjson.values()) {
                output.add(upload(file, "ndjson", owner, release.id(), written, job.fhirBase()));
            }
            ArrayNode error = json.createArrayNode();
            if (errors.count > 0) {
                error.add(upload(errors, "error", owner, release.id(), written, job.fhirBase()));
            }
            ArrayNode deletedOut = json.createArrayNode();
            if (deleted.count > 0) {
                deletedOut.add(upload(deleted, "deleted", owner, release.id(), written, job.fhirBase()));
            }

            Instant finished = clock.instant();
            ObjectNode manifest = json.createObjectNode();
            manifest.put("transactionTime", finished.toString());
            manifest.put("request", job.fhirBase() + "/Group/" + job.request().id() + "/$export");
            manifest.put("requiresAccessToken", true);
            manifest.set("output", output);
            manifest.set("deleted", deletedOut);
            manifest.set("error", error);
            ObjectNode ext = manifest.putObject("extension");
            ObjectNode about = ext.putObject(CohortCodes.RELEASE);
            about.put("group", "Group/" + job.request().id());
            about.put("release", release.number());
            about.put("patients", props.shown(released.size()));
            about.put("deidentificationProfile", fhirDeid.profile().id() + "|" + fhirDeid.profile().version());
            about.put("expires", finished.plus(props.fileLifetime()).toString());
            ObjectNode kReport = about.putObject("kAnonymity");
            kReport.put("k", props.k());
            kReport.put("level", k.level().name());
            kReport.put("suppressed", k.suppressed() == 0 ? "0" : props.shown(k.suppressed()));
            kReport.put("smallestClass", k.smallestClass());
            about.put("withdrawn", withdrawn.isEmpty() ? "0" : props.shown(withdrawn.size()));
            ArrayNode dicom = about.putArray("dicom");
            dicomEntries.forEach(dicom::add);
            String manifestJson = json.writeValueAsString(manifest);

            store.addMembers(release.id(), members);
            store.addWithdrawals(release.requestId(), withdrawn);
            // Every use is in the patient's ledger before the firm can download anything.
            ledger.released(job, countsByPatient);
            ledger.withdrawn(job, withdrawn);
            store.finish(release.id(), CohortStore.ReleaseStatus.READY, "ready", manifestJson, sha256(manifestJson),
                    finished, finished.plus(props.fileLifetime()));
            callbacks.announce(job, CohortStore.ReleaseStatus.READY, withdrawn);
        } finally {
            ndjson.values().forEach(Ndjson::discard);
            errors.discard();
        }
    }

    /** The patient's place in the release, or null when they are not in it. */
    private Included consider(String patientId, CohortRequest cohort, CohortEligibility eligibility, Instant now,
                              Map<String, Integer> outcomes) {
        Included in = consider(patientId, cohort, eligibility, now, reason -> outcomes.merge(reason, 1,
                Integer::sum));
        if (in != null) {
            outcomes.merge("included", 1, Integer::sum);
        }
        return in;
    }

    private Included consider(String patientId, CohortRequest cohort, CohortEligibility eligibility, Instant now,
                              java.util.function.Consumer<String> excluded) {
        List<ConsentPolicy> policies;
        try {
            policies = ConsentModel.parseAll(consents.currentConsents(patientId), zone);
        } catch (ConsentParseException unreadable) {
            // A Consent the engine cannot read permits nothing (as on every /fhir read).
            excluded.accept("consent unreadable");
            return null;
        }
        CohortEligibility.PatientOutcome outcome = eligibility.patient(policies, now);
        if (!outcome.eligible()) {
            excluded.accept("consent " + outcome.code());
            return null;
        }
        SystemRequestDetails system = new SystemRequestDetails();
        for (String criterion : cohort.criteria()) {
            SearchParameterMap map = requests.parse(criterion);
            String type = criterion.contains("?") ? criterion.substring(0, criterion.indexOf('?')) : criterion;
            if ("Patient".equals(type)) {
                map.add("_id", new TokenParam(patientId));
            } else {
                map.add("patient", new ReferenceParam("Patient/" + patientId));
            }
            map.setLoadSynchronousUpTo(1);
            if (daos.getResourceDao(type).search(map, system).getAllResources().isEmpty()) {
                excluded.accept("criteria");
                return null;
            }
        }
        Patient patient;
        try {
            patient = (Patient) daos.getResourceDao(Patient.class).read(new org.hl7.fhir.r4.model.IdType("Patient",
                    patientId), system);
        } catch (RuntimeException gone) {
            excluded.accept("patient gone");
            return null;
        }
        if (cohort.sex() != null && (!patient.hasGender() || !cohort.sex().equals(patient.getGender().toCode()))) {
            excluded.accept("sex");
            return null;
        }
        Set<String> types = new LinkedHashSet<>();
        cohort.classes().forEach(c -> types.addAll(TYPES.getOrDefault(c, List.of())));
        Map<String, List<String>> ids = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        Set<String> relied = new LinkedHashSet<>();
        for (String type : types) {
            SearchParameterMap map = SearchParameterMap.newSynchronous("patient",
                    new ReferenceParam("Patient/" + patientId));
            for (IBaseResource r : daos.getResourceDao(type).search(map, system).getAllResources()) {
                ResourceFacts facts = DataClassifier.classify(r, zone);
                if (!eligibility.asksFor(facts)) {
                    continue;
                }
                if (!qualityAtLeast((Resource) r, cohort.minQuality())) {
                    excluded.accept("record: " + type + " below the minimum quality");
                    continue;
                }
                if (!ageFits(patient, facts.recordDate(), cohort)) {
                    excluded.accept("record: " + type + " age out of range or unknown");
                    continue;
                }
                Decision d = eligibility.permits(policies, facts, now);
                if (d.permitted()) {
                    if (seen.add(type + "/" + r.getIdElement().getIdPart())) {
                        ids.computeIfAbsent(type, t -> new ArrayList<>()).add(r.getIdElement().getIdPart());
                    }
                    relied.add(version(d, policies));
                } else {
                    excluded.accept("record: " + type + " consent " + d.code());
                }
            }
        }
        if (ids.isEmpty()) {
            excluded.accept("no record asked for, of the minimum quality, at an age in range, permitted");
            return null;
        }
        return new Included(patientId, quasi(patient), ids, relied);
    }

    /** The Patients and selected records of a chunk of patients, by "Type/id": one {@code _id} search per type. */
    private Map<String, Resource> readChunk(List<Included> chunk) {
        Map<String, List<String>> byType = new LinkedHashMap<>();
        chunk.forEach(in -> {
            byType.computeIfAbsent("Patient", t -> new ArrayList<>()).add(in.patientId());
            in.idsByType().forEach((type, list) -> byType.computeIfAbsent(type, t -> new ArrayList<>()).addAll(list));
        });
        Map<String, Resource> out = new java.util.HashMap<>();
        SystemRequestDetails system = new SystemRequestDetails();
        byType.forEach((type, list) -> {
            for (int from = 0; from < list.size(); from += 500) {
                ca.uhn.fhir.rest.param.TokenOrListParam any = new ca.uhn.fhir.rest.param.TokenOrListParam();
                list.subList(from, Math.min(list.size(), from + 500)).forEach(any::add);
                SearchParameterMap map = SearchParameterMap.newSynchronous();
                map.add("_id", any);
                for (IBaseResource r : daos.getResourceDao(type).search(map, system).getAllResources()) {
                    out.put(type + "/" + r.getIdElement().getIdPart(), (Resource) r);
                }
            }
        });
        return out;
    }

    /** The patients with an active research Consent: the only ones a build looks at further. */
    private List<String> consentingPatients() {
        SearchParameterMap map = SearchParameterMap.newSynchronous();
        map.add("scope", new TokenParam("http://terminology.hl7.org/CodeSystem/consentscope", "research"));
        map.add("status", new TokenParam("active"));
        map.setLoadSynchronousUpTo(props.maxPatients() * 4);
        Set<String> out = new LinkedHashSet<>();
        for (IBaseResource r : daos.getResourceDao(Consent.class).search(map, new SystemRequestDetails())
                .getAllResources()) {
            Consent c = (Consent) r;
            if (c.hasPatient() && c.getPatient().getReferenceElement().hasIdPart()) {
                out.add(c.getPatient().getReferenceElement().getIdPart());
            }
            if (out.size() >= props.maxPatients()) {
                break;
            }
        }
        return new ArrayList<>(out);
    }

    private static String version(Decision d, List<ConsentPolicy> policies) {
        for (ConsentPolicy p : policies) {
            if (p.id().equals(d.consentId())) {
                return p.versionId() == null ? p.id() : p.id() + "/_history/" + p.versionId();
            }
        }
        return d.consentId();
    }

    private static boolean qualityAtLeast(Resource r, double min) {
        if (min <= 0) {
            return true;
        }
        OptionalDouble q = QualityScoreExtension.read(r);
        return q.isPresent() && q.getAsDouble() + 1e-9 >= min;
    }

    private boolean ageFits(Patient patient, Instant recordDate, CohortRequest cohort) {
        if (cohort.minAge() == null && cohort.maxAge() == null) {
            return true;
        }
        if (!patient.hasBirthDate() || recordDate == null) {
            return false;
        }
        LocalDate born = patient.getBirthDateElement().getValue().toInstant().atZone(zone).toLocalDate();
        int age = Period.between(born, recordDate.atZone(zone).toLocalDate()).getYears();
        return (cohort.minAge() == null || age >= cohort.minAge()) && (cohort.maxAge() == null || age <= cohort.maxAge());
    }

    private QuasiIdentifiers quasi(Patient p) {
        Integer year = p.hasBirthDate() ? p.getBirthDateElement().getYear() : null;
        String sex = p.hasGender() ? p.getGender().toCode() : null;
        String province = p.getAddress().stream().filter(Address::hasState).map(Address::getState).findFirst()
                .orElse(null);
        return new QuasiIdentifiers(year, sex, province);
    }

    /** The released Patient shows the guard's classes, not the exact birth year or province. */
    private static void generalise(Patient p, KAnonymity.Released c) {
        p.setBirthDateElement(null);
        p.getAddress().clear();
        if (c.birthBand() != null) {
            p.addExtension(BIRTH_BAND, new StringType(c.birthBand()));
        }
        if (c.place() != null) {
            p.addAddress().setState(c.place());
        }
        if (c.sex() == null) {
            p.setGender(null);
        }
    }

    private void dicom(StoredInstances.Instance instance, String patientId, DicomDeidentifier dicomDeid,
                       DeidRelease deid, String owner, String releaseId, List<CohortStore.File> written,
                       List<ObjectNode> entries, Ndjson errors, String fhirBase) throws IOException {
        Path tmp = Files.createTempFile("cohort-", ".dcm");
        try {
            DicomDeidResult result;
            try (InputStream in = instances.open(instance); OutputStream out = Files.newOutputStream(tmp)) {
                result = dicomDeid.deidentify(patientId, in, out);
            }
            if (result instanceof DicomDeidResult.Excluded ex) {
                OperationOutcome oo = new OperationOutcome();
                oo.addIssue().setSeverity(OperationOutcome.IssueSeverity.WARNING)
                        .setCode(OperationOutcome.IssueType.SECURITY)
                        .setDiagnostics("DICOM instance " + deid.dicomUid(instance.sopUid()) + " of study "
                                + deid.dicomUid(instance.studyUid()) + " not exported: " + switch (ex.reason()) {
                                    case BURNED_IN_ANNOTATION -> "burned-in annotation (text in the pixels)";
                                    case POSSIBLY_BURNED_IN -> "modality usually burns text into the pixels and the"
                                            + " instance does not say it has none";
                                    case UNSUPPORTED_TRANSFER_SYNTAX -> "transfer syntax cannot be streamed unchanged";
                                });
                errors.write(fhir.newJsonParser().encodeResourceToString(oo));
                return;
            }
            DicomDeidResult.Written w = (DicomDeidResult.Written) result;
            String fileId = UUID.randomUUID().toString();
            String key = "cohort/" + releaseId + "/" + fileId + ".dcm";
            long size = Files.size(tmp);
            try (InputStream in = Files.newInputStream(tmp)) {
                objects.put(owner, key, in, size, "application/dicom");
            }
            CohortStore.File f = new CohortStore.File(fileId, releaseId, "dicom", "DICOM", key, 1, size,
                    "application/dicom");
            store.addFile(f);
            written.add(f);
            ObjectNode e = json.createObjectNode();
            e.put("url", fileUrl(fhirBase, fileId));
            e.put("studyInstanceUid", w.studyInstanceUid());
            e.put("seriesInstanceUid", w.seriesInstanceUid());
            e.put("sopInstanceUid", w.sopInstanceUid());
            e.put("bytes", size);
            entries.add(e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private ObjectNode upload(Ndjson file, String kind, String owner, String releaseId,
                              List<CohortStore.File> written, String fhirBase) throws IOException {
        file.close();
        String fileId = UUID.randomUUID().toString();
        String key = "cohort/" + releaseId + "/" + fileId + ".ndjson";
        long size = Files.size(file.path);
        try (InputStream in = Files.newInputStream(file.path)) {
            StoredObject ignored = objects.put(owner, key, in, size, "application/fhir+ndjson");
        }
        CohortStore.File f = new CohortStore.File(fileId, releaseId, kind, file.type, key, file.count, size,
                "application/fhir+ndjson");
        store.addFile(f);
        written.add(f);
        ObjectNode entry = json.createObjectNode();
        entry.put("type", file.type);
        entry.put("url", fileUrl(fhirBase, fileId));
        if (file.count >= props.minCohortSize()) {
            entry.put("count", file.count);
        }
        return entry;
    }

    static String fileUrl(String fhirBase, String fileId) {
        return fhirBase + "/$cohort-file?file=" + fileId;
    }

    private void dropObjects(String releaseId, List<CohortStore.File> written) {
        for (CohortStore.File f : written) {
            try {
                objects.delete(f.objectKey());
            } catch (RuntimeException e) {
                LOG.warn("Could not delete cohort file {}: {}", f.objectKey(), e.toString());
            }
        }
        try {
            objects.destroyOwnerKey("cohort-" + releaseId);
        } catch (RuntimeException e) {
            LOG.warn("Could not destroy the key of cohort release {}: {}", releaseId, e.toString());
        }
        store.dropFiles(releaseId);
    }

    /** Drops the files of releases past their lifetime (and of cancelled ones): objects, key, rows. */
    void expire() {
        for (CohortStore.Release r : store.releasesWithFilesToDrop(clock.instant())) {
            dropObjects(r.id(), store.files(r.id()));
            if (r.status() == CohortStore.ReleaseStatus.READY) {
                store.markStatus(r.id(), CohortStore.ReleaseStatus.EXPIRED, "expired: the files were deleted");
            }
        }
    }

    private void checkCancel(String releaseId) {
        if (store.cancelRequested(releaseId)) {
            throw new Cancelled();
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One NDJSON output being written to a temporary file. */
    private static final class Ndjson {
        final String type;
        final Path path;
        final BufferedWriter writer;
        long count;
        boolean closed;

        Ndjson(String type) {
            this.type = type;
            try {
                this.path = Files.createTempFile("cohort-", ".ndjson");
                this.writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void write(String line) throws IOException {
            writer.write(line);
            writer.write('\n');
            count++;
        }

        void close() throws IOException {
            if (!closed) {
                closed = true;
                writer.close();
            }
        }

        void discard() {
            try {
                close();
                Files.deleteIfExists(path);
            } catch (IOException e) {
                LOG.warn("Could not delete a temporary cohort file: {}", e.toString());
            }
        }
    }
}
