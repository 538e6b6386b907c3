package org.patientvault.vault.cohort;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.jpa.searchparam.extractor.ISearchParamExtractor;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
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
import java.util.Collection;
import java.util.HashMap;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.IdType;
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
 *   minimum cohort size ends the build as "too small", saying only "fewer than N". The members are the patients who
 *   contributed a record when it was written: if records went between selection and writing, the size rule and the
 *   guard are checked again for them, and the build ends "too small" or fails, with every file it wrote deleted.</li>
 *   <li>De-identification with a key unique to the release (never stored): NDJSON per type and each DICOM instance
 *   (burned-in text excluded and reported) go to the object store under a key of the release's own, so expiry
 *   crypto-shreds them.</li>
 *   <li>Withdrawals: whoever was in an earlier release and is not in this one; the manifest's {@code deleted} names
 *   their pseudonyms. Then the ledger (an AuditEvent per patient included or withdrawn) and the firm's callback.</li>
 * </ol>
 * Cost: two passes over chunks of patients, run on {@code vault.cohort.build-threads} threads with the output
 * appended in chunk order. Selection: per chunk one Consent search and one Patient search, then per consenting
 * patient one search per criterion and a short search per record type until the first record that qualifies.
 * Writing: per chunk one Patient search, one search per record type and one DICOM index query; every record is read,
 * decided, de-identified and encoded once. At most {@code build-threads + 1} chunks are held at a time, DICOM goes
 * through temporary files, so heap stays flat.
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
    private final ISearchParamExtractor searchParams;
    private final ZoneId zone;
    private final Clock clock = Clock.systemUTC();
    private final ObjectMapper json = new ObjectMapper();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cohort-build");
        t.setDaemon(true);
        return t;
    });
    /**
     * The build's helpers ({@code vault.cohort.build-threads}): selection batches, written chunks and ledger inserts
     * of the one running build. Bounded, so a build never takes more of the database pool than this.
     */
    private final ExecutorService pool;
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
                  StoredInstances instances, EncryptedObjectStore objects, VaultProperties vault,
                  ISearchParamExtractor searchParams) {
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
        this.searchParams = searchParams;
        this.zone = vault.zone();
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(props.buildThreads(), r -> {
            Thread t = new Thread(r, "cohort-work-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
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
        pool.shutdownNow();
    }

    /** Thrown inside a build when its cancellation was asked for. */
    private static final class Cancelled extends RuntimeException {
        Cancelled() {
            super(null, null, false, false);
        }
    }

    private void run(Job job) {
        String releaseId = job.release().id();
        // Written to by the pool's tasks; read only after every task has ended.
        List<CohortStore.File> written = java.util.Collections.synchronizedList(new ArrayList<>());
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

    /**
     * A patient the selection admitted, as the write pass needs them: no records (the write pass reads each record
     * once, a chunk of patients at a time), the quasi-identifiers for the k-anonymity guard, the birth date for the
     * per-record age check, and the consents the selection decided on (the write pass decides each record against
     * these same consents, so both passes agree unless the records themselves change in between).
     */
    private record Selected(String patientId, QuasiIdentifiers quasi, LocalDate born, List<ConsentPolicy> policies) {
    }

    /** A selected patient and the equivalence class the k-anonymity guard released them in. */
    private record ToWrite(Selected patient, KAnonymity.Released kClass) {
    }

    /** What writing one chunk of patients produced, appended to the release in chunk order by the coordinator. */
    private static final class ChunkOut {
        final Map<String, List<String>> lines = new LinkedHashMap<>();
        final List<String> errors = new ArrayList<>();
        final List<ObjectNode> dicom = new ArrayList<>();
        final List<CohortStore.Member> members = new ArrayList<>();
        final Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
        final List<KAnonymity.Released> classes = new ArrayList<>();
    }

    /** The per-build state the pool's tasks share (all of it thread-safe or read-only). */
    private record Ctx(String releaseId, CohortRequest cohort, CohortEligibility eligibility, Instant now,
                       List<String> types, FhirDeidentifier fhirDeid, DicomDeidentifier dicomDeid, DeidRelease deid,
                       String owner, String fhirBase, List<CohortStore.File> written, Map<String, Integer> outcomes,
                       AtomicBoolean abort) {
        void excluded(String reason) {
            outcomes.merge(reason, 1, Integer::sum);
        }

        void checkAbort() {
            if (abort.get()) {
                throw new Aborted();
            }
        }
    }

    /** Thrown inside a pool task when its build has already failed or been cancelled elsewhere. */
    private static final class Aborted extends RuntimeException {
        Aborted() {
            super(null, null, false, false);
        }
    }

    /** Patients per chunk at most (selection batches and written chunks): bounds the heap of a build. */
    private static final int WRITE_CHUNK = 50;
    /** Patients per chunk at least: below this, per-chunk queries cost more than the threads gain. */
    private static final int MIN_CHUNK = 5;
    /** Records the selection reads of a type before it reads the patient's whole list of that type. */
    private static final int PROBE = 20;
    /** A chunk's search of one type returning this many records is redone per patient (never a truncated list). */
    private static final int CHUNK_LOAD_LIMIT = 5_000;

    private void build(Job job, List<CohortStore.File> written) throws IOException {
        CohortRequest cohort = job.cohort();
        CohortStore.Release release = job.release();
        Instant now = clock.instant();
        Recipient firm = new Recipient(RecipientKind.AI_FIRM, job.request().firm(),
                job.request().firmOrganization() == null ? null : "Organization/" + job.request().firmOrganization());
        CohortEligibility eligibility = new CohortEligibility(firm, cohort.crossBorder(), cohort.classes(),
                cohort.modalities(), cohort.dataStart(), cohort.dataEnd());
        // The release key exists from the start (it is never stored); the selection needs the profile's excluded
        // types so that it admits only patients with a record the release will really contain.
        DeidRelease deid = DeidRelease.newRelease(DeidRelease.DEFAULT_MAX_SHIFT_DAYS, LocalDate.now(zone));
        FhirDeidentifier fhirDeid = new FhirDeidentifier(fhir, DeidProfile.research(), deid);
        DicomDeidentifier dicomDeid = new DicomDeidentifier(deid);
        Set<String> typeSet = new LinkedHashSet<>();
        cohort.classes().forEach(c -> typeSet.addAll(TYPES.getOrDefault(c, List.of())));
        typeSet.removeAll(fhirDeid.profile().excludedResourceTypes());
        Map<String, Integer> outcomes = new ConcurrentHashMap<>();
        Ctx ctx = new Ctx(release.id(), cohort, eligibility, now, List.copyOf(typeSet), fhirDeid, dicomDeid, deid,
                "cohort-" + release.id(), job.fhirBase(), written, outcomes, new AtomicBoolean());

        // Pass 1, selection: a chunk of candidates per task, each patient decided from their first qualifying record.
        List<String> candidates = consentingPatients();
        List<Selected> included = new ArrayList<>();
        ordered(ctx, chunks(candidates), batch -> select(batch, ctx), (batch, done, of) -> {
            included.addAll(batch);
            // Percent only: a count here would tell the firm how many patients consented.
            store.progress(release.id(), 5 + (45 * done / of), "selecting the eligible patients");
        });
        outcomes.merge("selected", included.size(), Integer::sum);

        // The k-anonymity guard, before anything is released.
        KAnonymityConfig kConfig = new KAnonymityConfig(props.k(), true, true, true, LocalDate.now(zone).getYear());
        KAnonymityResult k = KAnonymity.guard(included.stream().map(Selected::quasi).toList(), kConfig);
        List<ToWrite> released = new ArrayList<>();
        for (int i = 0; i < included.size(); i++) {
            if (k.isReleased(i)) {
                released.add(new ToWrite(included.get(i), k.released().get(i)));
            }
        }
        LOG.info("Cohort release {}: k-anonymity at {} kept {} and suppressed {}", release.id(), k.level(),
                released.size(), k.suppressed());
        if (released.size() < props.minCohortSize()) {
            LOG.info("Cohort release {}: {} patients with a research consent; {}", release.id(), candidates.size(),
                    new TreeMap<>(outcomes));
            tooSmall(job);
            return;
        }

        Map<String, Ndjson> ndjson = new TreeMap<>();
        Ndjson errors = new Ndjson("OperationOutcome");
        List<CohortStore.Member> members = new ArrayList<>();
        Map<String, Map<String, Integer>> countsByPatient = new LinkedHashMap<>();
        List<ObjectNode> dicomEntries = new ArrayList<>();
        List<KAnonymity.Released> contributedClasses = new ArrayList<>();
        IParser parser = fhir.newJsonParser().setPrettyPrint(false);
        try {
            // Pass 2, writing: every record read, decided, de-identified and encoded once, chunks on the pool, their
            // output appended in chunk order (the files do not depend on which thread finished first).
            ordered(ctx, chunks(released), chunk -> write(chunk, ctx), (out, done, of) -> {
                for (Map.Entry<String, List<String>> e : out.lines.entrySet()) {
                    Ndjson file = ndjson.computeIfAbsent(e.getKey(), Ndjson::new);
                    for (String line : e.getValue()) {
                        file.write(line);
                    }
                }
                for (String line : out.errors) {
                    errors.write(line);
                }
                dicomEntries.addAll(out.dicom);
                members.addAll(out.members);
                countsByPatient.putAll(out.counts);
                contributedClasses.addAll(out.classes);
                store.progress(release.id(), 50 + (45 * done / of), "de-identifying and writing files");
            });
            LOG.info("Cohort release {}: {} patients with a research consent; {}", release.id(), candidates.size(),
                    new TreeMap<>(outcomes));

            // A selected patient whose records all went between the passes (deleted, changed) contributes nothing
            // and is not in the release: the size rule and the guard hold for who is really in it.
            if (members.size() < props.minCohortSize()) {
                ndjson.values().forEach(Ndjson::discard);
                dropObjects(release.id(), written);
                written.clear();
                tooSmall(job);
                return;
            }
            Map<KAnonymity.Released, Integer> classSizes = new HashMap<>();
            contributedClasses.forEach(c -> classSizes.merge(c, 1, Integer::sum));
            int smallestClass = classSizes.values().stream().min(Integer::compare).orElse(0);
            if (smallestClass < props.k()) {
                throw new IllegalStateException("the records of " + (released.size() - members.size())
                        + " selected patients changed during the build, leaving an equivalence class below k; "
                        + "nothing is released (build it again)");
            }

            // Who was released before and is no longer in: the firm must delete them.
            Set<String> nowIn = new HashSet<>();
            members.forEach(m -> nowIn.add(m.patientId()));
            List<CohortStore.Withdrawal> withdrawn = store.earlierMembers(release.requestId(), release.number())
                    .stream().filter(w -> !nowIn.contains(w.patientId())).toList();
            Ndjson deleted = new Ndjson("Bundle");
            for (CohortStore.Withdrawal w : withdrawn) {
                Bundle b = new Bundle().setType(Bundle.BundleType.TRANSACTION);
                b.addEntry().getRequest().setMethod(Bundle.HTTPVerb.DELETE).setUrl("Patient/" + w.pseudonym());
                deleted.write(parser.encodeResourceToString(b));
            }

            checkCancel(release.id());
            // The files are encrypted and stored on the pool, one task each, listed in type order.
            ArrayNode output = json.createArrayNode();
            List<Future<ObjectNode>> uploads = new ArrayList<>();
            for (Ndjson file : ndjson.values()) {
                uploads.add(pool.submit(() -> upload(file, "ndjson", ctx.owner(), release.id(), written,
                        job.fhirBase())));
            }
            IOException failed = null;
            RuntimeException failedRt = null;
            for (Future<ObjectNode> f : uploads) {
                // Every upload is waited for, so a failure leaves no task still writing an object.
                try {
                    output.add(await(f));
                } catch (IOException e) {
                    failed = failed == null ? e : failed;
                } catch (RuntimeException e) {
                    failedRt = failedRt == null ? e : failedRt;
                }
            }
            if (failed != null) {
                throw failed;
            }
            if (failedRt != null) {
                throw failedRt;
            }
            ArrayNode error = json.createArrayNode();
            if (errors.count > 0) {
                error.add(upload(errors, "error", ctx.owner(), release.id(), written, job.fhirBase()));
            }
            ArrayNode deletedOut = json.createArrayNode();
            if (deleted.count > 0) {
                deletedOut.add(upload(deleted, "deleted", ctx.owner(), release.id(), written, job.fhirBase()));
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
            about.put("patients", props.shown(members.size()));
            about.put("deidentificationProfile", fhirDeid.profile().id() + "|" + fhirDeid.profile().version());
            about.put("expires", finished.plus(props.fileLifetime()).toString());
            ObjectNode kReport = about.putObject("kAnonymity");
            kReport.put("k", props.k());
            kReport.put("level", k.level().name());
            int suppressed = k.suppressed();
            kReport.put("suppressed", suppressed == 0 ? "0" : props.shown(suppressed));
            kReport.put("smallestClass", smallestClass);
            about.put("withdrawn", withdrawn.isEmpty() ? "0" : props.shown(withdrawn.size()));
            ArrayNode dicom = about.putArray("dicom");
            dicomEntries.forEach(dicom::add);
            String manifestJson = json.writeValueAsString(manifest);

            store.addMembers(release.id(), members);
            store.addWithdrawals(release.requestId(), withdrawn);
            // Every use is in the patient's ledger before the firm can download anything.
            ledgerReleased(job, countsByPatient);
            ledger.withdrawn(job, withdrawn);
            store.finish(release.id(), CohortStore.ReleaseStatus.READY, "ready", manifestJson, sha256(manifestJson),
                    finished, finished.plus(props.fileLifetime()));
            callbacks.announce(job, CohortStore.ReleaseStatus.READY, withdrawn);
        } finally {
            ndjson.values().forEach(Ndjson::discard);
            errors.discard();
        }
    }

    private void tooSmall(Job job) {
        store.finish(job.release().id(), CohortStore.ReleaseStatus.TOO_SMALL, "too small: fewer than "
                + props.minCohortSize() + " eligible patients", null, null, clock.instant(), null);
        callbacks.announce(job, CohortStore.ReleaseStatus.TOO_SMALL, List.of());
    }

    /**
     * The ledger's AuditEvents, {@link CohortLedger#BATCH} per transaction, the transactions on the pool; all are
     * stored before this returns (the firm can download nothing before every use is in its patient's ledger).
     */
    private void ledgerReleased(Job job, Map<String, Map<String, Integer>> countsByPatient) {
        List<Map.Entry<String, Map<String, Integer>>> all = new ArrayList<>(countsByPatient.entrySet());
        List<Future<?>> futures = new ArrayList<>();
        for (int from = 0; from < all.size(); from += CohortLedger.BATCH) {
            Map<String, Map<String, Integer>> part = new LinkedHashMap<>();
            all.subList(from, Math.min(all.size(), from + CohortLedger.BATCH))
                    .forEach(e -> part.put(e.getKey(), e.getValue()));
            futures.add(pool.submit(() -> ledger.released(job, part)));
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while writing the ledger", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("writing the ledger failed", e.getCause());
            }
        }
    }

    /** Splits a build's patients into chunks: enough for every thread to have two, within the chunk bounds. */
    private <T> List<List<T>> chunks(List<T> all) {
        int size = Math.max(MIN_CHUNK, Math.min(WRITE_CHUNK,
                (all.size() + 2 * props.buildThreads() - 1) / (2 * props.buildThreads())));
        List<List<T>> out = new ArrayList<>();
        for (int from = 0; from < all.size(); from += size) {
            out.add(List.copyOf(all.subList(from, Math.min(all.size(), from + size))));
        }
        return out;
    }

    @FunctionalInterface
    private interface Work<T, R> {
        R apply(T t) throws IOException;
    }

    @FunctionalInterface
    private interface Sink<R> {
        void accept(R r, int done, int of) throws IOException;
    }

    /**
     * Runs {@code work} over {@code items} on the pool, at most {@code build-threads + 1} at a time (so at most that
     * many chunks' output is held), and hands each result to {@code sink} on this thread in the items' order. On a
     * failure or cancellation it stops the other tasks and waits for them (their files are then all in
     * {@code ctx.written()}, to be dropped) before rethrowing.
     */
    private <T, R> void ordered(Ctx ctx, List<T> items, Work<T, R> work, Sink<R> sink) throws IOException {
        java.util.ArrayDeque<Future<R>> inFlight = new java.util.ArrayDeque<>();
        int next = 0;
        int done = 0;
        try {
            while (done < items.size()) {
                while (next < items.size() && inFlight.size() < props.buildThreads() + 1) {
                    T item = items.get(next++);
                    inFlight.add(pool.submit(() -> {
                        ctx.checkAbort();
                        return work.apply(item);
                    }));
                }
                R r = await(inFlight.peek());
                inFlight.poll();
                done++;
                checkCancel(ctx.releaseId());
                sink.accept(r, done, items.size());
            }
        } catch (RuntimeException | IOException | Error e) {
            ctx.abort().set(true);
            for (Future<R> f : inFlight) {
                try {
                    await(f);
                } catch (RuntimeException | IOException | Error ignored) {
                    // the first failure is the one reported
                }
            }
            throw e;
        }
    }

    private static <R> R await(Future<R> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building a cohort", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        }
    }

    /**
     * Pass 1 for a chunk of candidates: their consents in one search, the consent engine's decision on each, then
     * (for the eligible only) their Patients in one search, and per patient the criteria and the first record that
     * qualifies. A patient who is not eligible by consent is touched no further.
     */
    private List<Selected> select(List<String> batch, Ctx ctx) {
        ctx.checkAbort();
        Map<String, List<Consent>> byPatient = consents.currentConsents(batch);
        Map<String, List<ConsentPolicy>> eligible = new LinkedHashMap<>();
        for (String patientId : batch) {
            List<ConsentPolicy> policies;
            try {
                policies = ConsentModel.parseAll(byPatient.getOrDefault(patientId, List.of()), zone);
            } catch (ConsentParseException unreadable) {
                // A Consent the engine cannot read permits nothing (as on every /fhir read).
                ctx.excluded("consent unreadable");
                continue;
            }
            CohortEligibility.PatientOutcome outcome = ctx.eligibility().patient(policies, ctx.now());
            if (!outcome.eligible()) {
                ctx.excluded("consent " + outcome.code());
                continue;
            }
            eligible.put(patientId, policies);
        }
        if (eligible.isEmpty()) {
            return List.of();
        }
        Map<String, Patient> patients = patients(eligible.keySet());
        SystemRequestDetails system = new SystemRequestDetails();
        List<Selected> out = new ArrayList<>();
        for (Map.Entry<String, List<ConsentPolicy>> e : eligible.entrySet()) {
            ctx.checkAbort();
            String patientId = e.getKey();
            if (!criteriaMet(patientId, ctx.cohort(), system)) {
                ctx.excluded("criteria");
                continue;
            }
            Patient patient = patients.get(patientId);
            if (patient == null) {
                ctx.excluded("patient gone");
                continue;
            }
            if (ctx.cohort().sex() != null && (!patient.hasGender()
                    || !ctx.cohort().sex().equals(patient.getGender().toCode()))) {
                ctx.excluded("sex");
                continue;
            }
            Selected candidate = new Selected(patientId, quasi(patient), born(patient), e.getValue());
            if (!hasQualifyingRecord(candidate, ctx, system)) {
                ctx.excluded("no record asked for, of the minimum quality, at an age in range, permitted");
                continue;
            }
            out.add(candidate);
        }
        return out;
    }

    private boolean criteriaMet(String patientId, CohortRequest cohort, SystemRequestDetails system) {
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
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the patient has at least one record the write pass would release: the same checks, stopping at the
     * first record that passes them (the first {@value #PROBE} of a type, then the rest of that type).
     */
    private boolean hasQualifyingRecord(Selected p, Ctx ctx, SystemRequestDetails system) {
        for (String type : ctx.types()) {
            SearchParameterMap probe = SearchParameterMap.newSynchronous("patient",
                    new ReferenceParam("Patient/" + p.patientId()));
            probe.setLoadSynchronousUpTo(PROBE);
            List<IBaseResource> first = daos.getResourceDao(type).search(probe, system).getAllResources();
            for (IBaseResource r : first) {
                if (decide((Resource) r, p, ctx, false) != null) {
                    return true;
                }
            }
            if (first.size() >= PROBE) {
                SearchParameterMap all = SearchParameterMap.newSynchronous("patient",
                        new ReferenceParam("Patient/" + p.patientId()));
                for (IBaseResource r : daos.getResourceDao(type).search(all, system).getAllResources()) {
                    if (decide((Resource) r, p, ctx, false) != null) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * The engine's permit for one record of a selected patient, or null when the record does not go: not a class,
     * modality or period asked for, below the minimum quality, outside the age range, or not permitted.
     */
    private Decision decide(Resource r, Selected p, Ctx ctx, boolean count) {
        ResourceFacts facts = DataClassifier.classify(r, zone);
        if (!ctx.eligibility().asksFor(facts)) {
            return null;
        }
        String type = r.fhirType();
        if (!qualityAtLeast(r, ctx.cohort().minQuality())) {
            if (count) {
                ctx.excluded("record: " + type + " below the minimum quality");
            }
            return null;
        }
        if (!ageFits(p.born(), facts.recordDate(), ctx.cohort())) {
            if (count) {
                ctx.excluded("record: " + type + " age out of range or unknown");
            }
            return null;
        }
        Decision d = ctx.eligibility().permits(p.policies(), facts, ctx.now());
        if (!d.permitted()) {
            if (count) {
                ctx.excluded("record: " + type + " consent " + d.code());
            }
            return null;
        }
        return d;
    }

    /**
     * Pass 2 for a chunk of released patients: their Patients and their records of each type asked for in one
     * search per type, each record decided again exactly as the selection did, de-identified and encoded; then
     * their DICOM instances. A patient is a member of the release only if at least one record of theirs is written.
     */
    private ChunkOut write(List<ToWrite> chunk, Ctx ctx) throws IOException {
        ctx.checkAbort();
        Set<String> ids = new LinkedHashSet<>();
        chunk.forEach(w -> ids.add(w.patient().patientId()));
        Map<String, Patient> patients = patients(ids);
        Map<String, Map<String, List<Resource>>> records = records(ids, ctx.types());
        IParser parser = fhir.newJsonParser().setPrettyPrint(false);
        ChunkOut out = new ChunkOut();
        Map<String, List<String>> studiesByPatient = new LinkedHashMap<>();
        List<ToWrite> contributors = new ArrayList<>();
        for (ToWrite w : chunk) {
            ctx.checkAbort();
            Selected p = w.patient();
            Patient source = patients.get(p.patientId());
            if (source == null) {
                ctx.excluded("patient gone before writing");
                continue;
            }
            Map<String, Integer> counts = new TreeMap<>();
            Map<String, List<String>> lines = new LinkedHashMap<>();
            List<String> studies = new ArrayList<>();
            Set<String> relied = new LinkedHashSet<>();
            Map<String, List<Resource>> mine = records.getOrDefault(p.patientId(), Map.of());
            for (String type : ctx.types()) {
                for (Resource r : mine.getOrDefault(type, List.of())) {
                    Decision d = decide(r, p, ctx, true);
                    if (d == null) {
                        continue;
                    }
                    var deidentified = ctx.fhirDeid().deidentify(r, p.patientId());
                    if (deidentified.isEmpty()) {
                        continue;
                    }
                    lines.computeIfAbsent(type, t -> new ArrayList<>())
                            .add(parser.encodeResourceToString(deidentified.get()));
                    counts.merge(type, 1, Integer::sum);
                    relied.add(version(d, p.policies()));
                    if (r instanceof ImagingStudy) {
                        studies.add(r.getIdElement().getIdPart());
                    }
                }
            }
            if (lines.isEmpty()) {
                ctx.excluded("selected, but no record left when written");
                continue;
            }
            Patient deidPatient = (Patient) ctx.fhirDeid().deidentify(source, p.patientId()).orElseThrow();
            generalise(deidPatient, w.kClass());
            String pseudonym = deidPatient.getIdElement().getIdPart() != null
                    ? deidPatient.getIdElement().getIdPart() : ctx.deid().patientPseudonym(p.patientId());
            out.lines.computeIfAbsent("Patient", t -> new ArrayList<>())
                    .add(parser.encodeResourceToString(deidPatient));
            lines.forEach((type, l) -> out.lines.computeIfAbsent(type, t -> new ArrayList<>()).addAll(l));
            out.members.add(new CohortStore.Member(p.patientId(), pseudonym, String.join(",", relied)));
            out.counts.put(p.patientId(), counts);
            out.classes.add(w.kClass());
            studiesByPatient.put(p.patientId(), studies);
            contributors.add(w);
        }
        // The chunk's DICOM instances in one index query, written patient by patient in the chunk's order.
        List<String> allStudies = new ArrayList<>();
        studiesByPatient.values().forEach(allStudies::addAll);
        Map<String, List<StoredInstances.Instance>> byStudy = new LinkedHashMap<>();
        if (!allStudies.isEmpty()) {
            for (StoredInstances.Instance i : instances.of(allStudies)) {
                byStudy.computeIfAbsent(i.studyResource(), s -> new ArrayList<>()).add(i);
            }
        }
        for (ToWrite w : contributors) {
            String patientId = w.patient().patientId();
            for (String study : studiesByPatient.get(patientId)) {
                for (StoredInstances.Instance instance : byStudy.getOrDefault(study, List.of())) {
                    if (!instance.patient().equals(patientId)) {
                        continue;
                    }
                    ctx.checkAbort();
                    // A large study takes a while: a cancellation is honoured between instances, as before.
                    checkCancel(ctx.releaseId());
                    dicom(instance, patientId, ctx, out);
                    out.counts.get(patientId).merge("DICOM instance", 1, Integer::sum);
                }
            }
        }
        return out;
    }

    /** Patients by id, in one {@code _id} search. */
    private Map<String, Patient> patients(Collection<String> ids) {
        TokenOrListParam any = new TokenOrListParam();
        ids.forEach(any::add);
        SearchParameterMap map = SearchParameterMap.newSynchronous();
        map.add("_id", any);
        Map<String, Patient> out = new HashMap<>();
        for (IBaseResource r : daos.getResourceDao(Patient.class).search(map, new SystemRequestDetails())
                .getAllResources()) {
            out.put(r.getIdElement().getIdPart(), (Patient) r);
        }
        return out;
    }

    /**
     * The records of each type of these patients, by patient then type: one {@code patient=} search per type for
     * the chunk, each record given to the patient(s) its {@code patient} search parameter names (HAPI's own
     * extraction, the values that search matched). A type whose search reaches {@value #CHUNK_LOAD_LIMIT} records
     * is read per patient instead.
     */
    private Map<String, Map<String, List<Resource>>> records(Set<String> ids, List<String> types) {
        Map<String, Map<String, List<Resource>>> out = new HashMap<>();
        SystemRequestDetails system = new SystemRequestDetails();
        for (String type : types) {
            ReferenceOrListParam any = new ReferenceOrListParam();
            ids.forEach(id -> any.addOr(new ReferenceParam("Patient/" + id)));
            SearchParameterMap map = SearchParameterMap.newSynchronous();
            map.add("patient", any);
            map.setLoadSynchronousUpTo(CHUNK_LOAD_LIMIT);
            List<IBaseResource> found = daos.getResourceDao(type).search(map, system).getAllResources();
            if (found.size() < CHUNK_LOAD_LIMIT) {
                RuntimeSearchParam sp = fhir.getResourceDefinition(type).getSearchParam("patient");
                for (IBaseResource r : found) {
                    for (String owner : owners(sp, r, ids)) {
                        out.computeIfAbsent(owner, o -> new HashMap<>())
                                .computeIfAbsent(type, t -> new ArrayList<>()).add((Resource) r);
                    }
                }
            } else {
                for (String id : ids) {
                    SearchParameterMap one = SearchParameterMap.newSynchronous("patient",
                            new ReferenceParam("Patient/" + id));
                    List<Resource> mine = out.computeIfAbsent(id, o -> new HashMap<>())
                            .computeIfAbsent(type, t -> new ArrayList<>());
                    daos.getResourceDao(type).search(one, system).getAllResources()
                            .forEach(r -> mine.add((Resource) r));
                }
            }
        }
        return out;
    }

    /** Which of {@code ids} the record's {@code patient} search parameter names (a record may name none of them). */
    private Set<String> owners(RuntimeSearchParam sp, IBaseResource r, Set<String> ids) {
        Set<String> out = new LinkedHashSet<>(2);
        for (String value : searchParams.extractParamValuesAsStrings(sp, r)) {
            IdType ref = new IdType(value);
            if ((ref.getResourceType() == null || "Patient".equals(ref.getResourceType()))
                    && ids.contains(ref.getIdPart())) {
                out.add(ref.getIdPart());
            }
        }
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

    private LocalDate born(Patient patient) {
        return patient.hasBirthDate() ? patient.getBirthDateElement().getValue().toInstant().atZone(zone).toLocalDate()
                : null;
    }

    private boolean ageFits(LocalDate born, Instant recordDate, CohortRequest cohort) {
        if (cohort.minAge() == null && cohort.maxAge() == null) {
            return true;
        }
        if (born == null || recordDate == null) {
            return false;
        }
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

    private void dicom(StoredInstances.Instance instance, String patientId, Ctx ctx, ChunkOut out)
            throws IOException {
        DeidRelease deid = ctx.deid();
        Path tmp = Files.createTempFile("cohort-", ".dcm");
        try {
            DicomDeidResult result;
            try (InputStream in = instances.open(instance); OutputStream tmpOut = Files.newOutputStream(tmp)) {
                result = ctx.dicomDeid().deidentify(patientId, in, tmpOut);
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
                out.errors.add(fhir.newJsonParser().encodeResourceToString(oo));
                return;
            }
            DicomDeidResult.Written w = (DicomDeidResult.Written) result;
            String fileId = UUID.randomUUID().toString();
            String key = "cohort/" + ctx.releaseId() + "/" + fileId + ".dcm";
            long size = Files.size(tmp);
            CohortStore.File f = new CohortStore.File(fileId, ctx.releaseId(), "dicom", "DICOM", key, 1, size,
                    "application/dicom");
            // Listed before the put: a failure after a partial put still drops the object.
            ctx.written().add(f);
            try (InputStream in = Files.newInputStream(tmp)) {
                objects.put(ctx.owner(), key, in, size, "application/dicom");
            }
            store.addFile(f);
            ObjectNode e = json.createObjectNode();
            e.put("url", fileUrl(ctx.fhirBase(), fileId));
            e.put("studyInstanceUid", w.studyInstanceUid());
            e.put("seriesInstanceUid", w.seriesInstanceUid());
            e.put("sopInstanceUid", w.sopInstanceUid());
            e.put("bytes", size);
            out.dicom.add(e);
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
        CohortStore.File f = new CohortStore.File(fileId, releaseId, kind, file.type, key, file.count, size,
                "application/fhir+ndjson");
        // Listed before the put: a failure after a partial put still drops the object.
        written.add(f);
        try (InputStream in = Files.newInputStream(file.path)) {
            StoredObject ignored = objects.put(owner, key, in, size, "application/fhir+ndjson");
        }
        store.addFile(f);
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
