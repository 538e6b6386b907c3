package org.patientvault.vault.imaging;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletRequest;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Endpoint;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.patientvault.mapping.dicom.DicomDataset;
import org.patientvault.mapping.dicom.DicomFile;
import org.patientvault.mapping.dicom.DicomMappingException;
import org.patientvault.mapping.dicom.DicomParseException;
import org.patientvault.mapping.dicom.DicomReadOptions;
import org.patientvault.mapping.dicom.DicomReader;
import org.patientvault.mapping.dicom.DicomStudyMapper;
import org.patientvault.mapping.dicom.DicomTags;
import org.patientvault.storage.EncryptedObjectStore;
import org.patientvault.storage.ObjectStore;
import org.patientvault.storage.StorageException;
import org.patientvault.storage.StoredObject;
import org.patientvault.vault.VaultProperties;
import org.patientvault.vault.caller.FhirDispatch;
import org.patientvault.vault.caller.VaultPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * STOW-RS ingest: one instance at a time, streamed. For each instance the header (everything before Pixel Data, at
 * most {@code vault.imaging.max-header-size}) is read from a marked buffer to find the patient; the Patient is
 * submitted as the hospital ({@link DicomPatients}); then the instance is parsed while it is copied, unchanged, into
 * the encrypted object store under {@code dicom/<patient id>/<SOP Instance UID>} with the patient as key owner. When
 * all parts are in, each study's ImagingStudy is found as the caller, merged ({@link DicomStudyMapper#merge}) and
 * submitted, under a per-study lock. If that write fails, the objects this request stored for the study are deleted
 * (a crash in between leaves them to the orphan sweep, {@link DicomObjectReferences}).
 *
 * <p>An instance already stored with the same bytes (SHA-256) is not stored again and changes nothing; one stored
 * under the same SOP Instance UID with different bytes is refused (0x0111), the first copy stays.
 *
 * <p>Cost: memory per request is the header buffer (up to the header size), about 1 MiB of pipe, and the metadata of
 * the instances received; one extra thread per request while an instance uploads.
 */
final class StowService {

    private static final Logger LOG = LoggerFactory.getLogger(StowService.class);
    static final String OBJECT_PREFIX = "dicom/";
    static final String UID = "[0-9]+(\\.[0-9]+)*";

    /** Failure reasons (PS3.4 Annex GG / PS3.18 §10.5). */
    static final int PROCESSING_FAILURE = 0x0110;
    static final int DUPLICATE_SOP_INSTANCE = 0x0111;
    static final int OUT_OF_RESOURCES = 0xA700;
    static final int DATASET_DOES_NOT_MATCH = 0xA900;
    static final int CANNOT_UNDERSTAND = 0xC000;

    /** An instance that is in the store and in (or about to be in) its study. */
    record Accepted(String sopClass, String sopUid, String studyUid, String seriesUid, String owner, String key,
                    boolean newlyStored, DicomDataset header) {
    }

    /** An instance that was not stored. */
    record Failed(String sopClass, String sopUid, int reason, String comment) {
    }

    /** The outcome of a request: what was stored and what failed. */
    static final class Result {
        final List<Accepted> accepted = new ArrayList<>();
        final List<Failed> failed = new ArrayList<>();
        final List<String> studies = new ArrayList<>();
        /** The transaction-response Bundle (JSON) of each ImagingStudy written: its submission and quality receipt. */
        final List<byte[]> receipts = new ArrayList<>();
    }

    /** One request in progress. */
    final class Ingest {
        private final HttpServletRequest request;
        private final VaultPrincipal caller;
        private final String routeStudy;
        private final FhirDispatch dispatch;
        private final Map<String, String> ownerByPatient = new LinkedHashMap<>();
        private final Map<String, String> ownerByStudy = new LinkedHashMap<>();
        private final Result result = new Result();

        Ingest(HttpServletRequest request, VaultPrincipal caller, String routeStudy, FhirDispatch dispatch) {
            this.request = request;
            this.caller = caller;
            this.routeStudy = routeStudy;
            this.dispatch = dispatch;
        }

        /** Stores one instance from {@code in} (read to its end unless the stream is broken). */
        void instance(InputStream in) throws IOException {
            BufferedInputStream buffered = new BufferedInputStream(in, 64 * 1024);
            buffered.mark(maxHeader);
            DicomDataset header;
            try {
                // Not handed over as a BufferedInputStream: the parser would then use (and move) our mark itself.
                header = headerReader.read(new java.io.FilterInputStream(buffered) { }).dataset();
                buffered.reset();
            } catch (DicomParseException e) {
                fail(null, null, CANNOT_UNDERSTAND, "not a readable DICOM Part-10 instance: " + e.getMessage());
                drain(buffered);
                return;
            } catch (IOException e) {
                if (e.getMessage() != null && e.getMessage().toLowerCase().contains("mark")) {
                    fail(null, null, OUT_OF_RESOURCES, "the header before Pixel Data exceeds "
                            + maxHeader + " bytes (vault.imaging.max-header-size)");
                    drain(buffered);
                    return;
                }
                throw e;
            }
            String sopClass = header.getString(DicomTags.SOPClassUID);
            String sopUid = header.getString(DicomTags.SOPInstanceUID);
            String studyUid = header.getString(DicomTags.StudyInstanceUID);
            String seriesUid = header.getString(DicomTags.SeriesInstanceUID);
            if (!isUid(sopClass) || !isUid(sopUid) || !isUid(studyUid) || !isUid(seriesUid)) {
                fail(sopClass, sopUid, CANNOT_UNDERSTAND,
                        "SOP Class, SOP Instance, Study and Series Instance UIDs must all be present and valid");
                drain(buffered);
                return;
            }
            if (routeStudy != null && !routeStudy.equals(studyUid)) {
                fail(sopClass, sopUid, DATASET_DOES_NOT_MATCH, "the instance belongs to study " + studyUid
                        + ", not to the study in the request URL");
                drain(buffered);
                return;
            }
            String owner;
            try {
                owner = owner(header);
            } catch (DicomPatients.UnresolvedPatientException e) {
                fail(sopClass, sopUid, PROCESSING_FAILURE, e.getMessage());
                drain(buffered);
                return;
            }
            String studyOwner = ownerByStudy.putIfAbsent(studyUid, owner);
            if (studyOwner != null && !studyOwner.equals(owner)) {
                fail(sopClass, sopUid, DATASET_DOES_NOT_MATCH,
                        "the instance names another patient than the rest of its study");
                drain(buffered);
                return;
            }
            String key = OBJECT_PREFIX + owner + "/" + sopUid;
            try {
                if (store.exists(key)) {
                    same(buffered, key, sopClass, sopUid, studyUid, seriesUid, owner);
                } else {
                    put(buffered, key, sopClass, sopUid, studyUid, seriesUid, owner);
                }
            } catch (StorageException e) {
                LOG.warn("Storing a DICOM instance failed: {}", e.getClass().getSimpleName());
                fail(sopClass, sopUid, OUT_OF_RESOURCES, "the object store failed: " + e.getMessage());
                drain(buffered);
            }
        }

        private void same(InputStream in, String key, String sopClass, String sopUid, String studyUid,
                          String seriesUid, String owner) throws IOException {
            MessageDigest sha = sha256();
            DicomFile file;
            try (OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), sha)) {
                file = copyReader.readAndCopy(in, sink);
            } catch (DicomParseException e) {
                fail(sopClass, sopUid, CANNOT_UNDERSTAND, "not a readable DICOM instance: " + e.getMessage());
                drain(in);
                return;
            }
            StoredObject stored = store.describe(key);
            if (!stored.sha256Hex().equals(HexFormat.of().formatHex(sha.digest()))) {
                fail(sopClass, sopUid, DUPLICATE_SOP_INSTANCE,
                        "an instance with this SOP Instance UID and different content is already stored");
                return;
            }
            result.accepted.add(new Accepted(sopClass, sopUid, studyUid, seriesUid, owner, key, false,
                    file.dataset()));
        }

        private void put(InputStream in, String key, String sopClass, String sopUid, String studyUid,
                         String seriesUid, String owner) throws IOException {
            ChunkPipe pipe = new ChunkPipe();
            Future<StoredObject> upload = uploads.submit(() -> {
                try (InputStream source = pipe.source()) {
                    return store.put(owner, key, source, ObjectStore.UNKNOWN_LENGTH, "application/dicom");
                } finally {
                    pipe.readerGone();
                }
            });
            DicomFile file = null;
            Exception parseFailure = null;
            try {
                file = copyReader.readAndCopy(in, pipe.sink());
                pipe.sink().close();
            } catch (IOException | RuntimeException e) {
                parseFailure = e;
                pipe.fail(e);
            }
            RuntimeException storeFailure = null;
            try {
                upload.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while storing an instance", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                storeFailure = cause instanceof RuntimeException re ? re
                        : new IllegalStateException("storing the instance failed", cause);
            }
            if (parseFailure instanceof DicomParseException) {
                // Nothing is stored when the upload's source fails; make sure of it.
                deleteQuietly(key);
                fail(sopClass, sopUid, CANNOT_UNDERSTAND, "not a readable DICOM instance: "
                        + parseFailure.getMessage());
                drain(in);
                return;
            }
            if (storeFailure instanceof StorageException se) {
                // The store gave up first (the parser then saw its writes refused): skip the rest of the part.
                drain(in);
                throw se;
            }
            if (parseFailure != null || storeFailure != null) {
                deleteQuietly(key);
                if (parseFailure instanceof IOException io) {
                    throw io;
                }
                throw parseFailure != null ? (RuntimeException) parseFailure : storeFailure;
            }
            result.accepted.add(new Accepted(sopClass, sopUid, studyUid, seriesUid, owner, key, true,
                    file.dataset()));
        }

        private String owner(DicomDataset header) throws DicomPatients.UnresolvedPatientException {
            Patient patient = DicomPatients.fromHeader(header, caller.orgCode());
            String canonical = ctx.newJsonParser().setPrettyPrint(false).encodeResourceToString(patient);
            String known = ownerByPatient.get(canonical);
            if (known != null) {
                return known;
            }
            String id = patients.resolve(request, dispatch, patient, caller.orgCode());
            ownerByPatient.put(canonical, id);
            return id;
        }

        private void fail(String sopClass, String sopUid, int reason, String comment) {
            result.failed.add(new Failed(sopClass, sopUid, reason, comment));
        }

        /** Deletes every object this request stored (a zip that turned out unacceptable). */
        void discard() {
            for (Accepted a : result.accepted) {
                if (a.newlyStored()) {
                    deleteQuietly(a.key());
                }
            }
            result.accepted.clear();
        }

        /** Writes each study's ImagingStudy; instances of a study whose write fails move to the failures. */
        Result finish() {
            Map<String, List<Accepted>> byStudy = new LinkedHashMap<>();
            for (Accepted a : result.accepted) {
                byStudy.computeIfAbsent(a.studyUid(), k -> new ArrayList<>()).add(a);
            }
            for (Map.Entry<String, List<Accepted>> e : byStudy.entrySet()) {
                Optional<String> problem = writeStudy(e.getKey(), e.getValue());
                if (problem.isPresent()) {
                    for (Accepted a : e.getValue()) {
                        if (a.newlyStored()) {
                            deleteQuietly(a.key());
                        }
                        result.accepted.remove(a);
                        fail(a.sopClass(), a.sopUid(), PROCESSING_FAILURE, problem.get());
                    }
                } else {
                    result.studies.add(e.getKey());
                }
            }
            return result;
        }

        private Optional<String> writeStudy(String studyUid, List<Accepted> instances) {
            String owner = instances.get(0).owner();
            try (StudyLocks.Held held = locks.lock(studyUid)) {
                for (int attempt = 0; attempt < 3; attempt++) {
                    Optional<CallerStudies.Found> found = studies.find(request, dispatch, studyUid);
                    if (found.isPresent() && !owner.equals(found.get().owner())) {
                        return Optional.of("this study is already stored for another patient");
                    }
                    ImagingStudy study = found.map(f -> f.study().copy()).orElseGet(() -> newStudy(owner));
                    boolean changed = found.isEmpty();
                    for (Accepted a : instances) {
                        changed |= mapper.merge(study, a.header());
                    }
                    if (!changed) {
                        return Optional.empty();
                    }
                    FhirDispatch.Answer answer = studies.write(request, dispatch, study, found.orElse(null),
                            acquisition(instances), stowWrite(studyUid, instances));
                    if (answer.status() / 100 == 2) {
                        // A write answered 2xx must be there: a silent loss fails the instances (the objects go).
                        Optional<CallerStudies.Found> now = studies.find(request, dispatch, studyUid);
                        if (now.isEmpty() || !StudyWriteGuard.keys(now.get().study())
                                .containsAll(StudyWriteGuard.keys(study))) {
                            LOG.error("The ImagingStudy write was answered {} but not stored", answer.status());
                            return Optional.of("the ImagingStudy was not stored as sent; send again");
                        }
                        result.receipts.add(answer.body());
                        return Optional.empty();
                    }
                    String why = patients.diagnostics(new String(answer.body(), StandardCharsets.UTF_8));
                    LOG.warn("The ImagingStudy submission was refused ({}): {}", answer.status(), why);
                    if (answer.status() != 409 && answer.status() != 412) {
                        return Optional.of("the ImagingStudy was refused (" + answer.status() + "): " + why);
                    }
                }
                return Optional.of("the ImagingStudy changed concurrently too often; send again");
            } catch (DicomMappingException e) {
                return Optional.of("the instances cannot be mapped to an ImagingStudy: " + e.getMessage());
            }
        }

        /** What this request stored for the study, for the instance index ({@link StudyWriteGuard}). */
        private StowWrite stowWrite(String studyUid, List<Accepted> instances) {
            List<StowWrite.Instance> list = new ArrayList<>();
            for (Accepted a : instances) {
                String number = a.header().getString(DicomTags.InstanceNumber);
                Integer n = null;
                try {
                    n = number == null ? null : Integer.valueOf(number.trim());
                } catch (NumberFormatException e) {
                    // not a number: kept unnumbered
                }
                list.add(new StowWrite.Instance(a.seriesUid(), a.sopUid(), a.sopClass(), n, a.key(), a.owner(),
                        QidoModel.attributesOf(a.header())));
            }
            return new StowWrite(studyUid, caller.orgCode(), list);
        }

        /** The acquisition attributes per series, from the headers (the first instance of a series wins). */
        private Map<String, Map<String, String>> acquisition(List<Accepted> instances) {
            Map<String, Map<String, String>> bySeries = new LinkedHashMap<>();
            for (Accepted a : instances) {
                if (a.seriesUid() != null) {
                    org.patientvault.vault.quality.DicomQualityInputs.collect(a.header(),
                            bySeries.computeIfAbsent(a.seriesUid(), k -> new LinkedHashMap<>()));
                }
            }
            return bySeries;
        }

        private ImagingStudy newStudy(String owner) {
            ImagingStudy study = new ImagingStudy();
            study.setSubject(new Reference("Patient/" + owner));
            Endpoint endpoint = new Endpoint();
            endpoint.setId("dicomweb");
            endpoint.setStatus(Endpoint.EndpointStatus.ACTIVE);
            endpoint.setConnectionType(new Coding("http://terminology.hl7.org/CodeSystem/endpoint-connection-type",
                    "dicom-wado-rs", "DICOM WADO-RS"));
            endpoint.addPayloadType().addCoding(new Coding(
                    "http://terminology.hl7.org/CodeSystem/endpoint-payload-type", "any", "Any"));
            endpoint.addPayloadMimeType("application/dicom");
            endpoint.setAddress(urls.base(request));
            study.addContained(endpoint);
            study.addEndpoint(new Reference("#dicomweb"));
            return study;
        }

        Result result() {
            return result;
        }
    }

    private final FhirContext ctx;
    private final EncryptedObjectStore store;
    private final DicomPatients patients;
    private final CallerStudies studies;
    private final StudyLocks locks;
    private final DicomWebUrls urls;
    private final DicomStudyMapper mapper;
    private final int maxHeader;
    private final DicomReader headerReader = new DicomReader(DicomReadOptions.metadataOnly()
            .withPixelData(DicomReadOptions.PixelDataMode.STOP));
    private final DicomReader copyReader = new DicomReader(DicomReadOptions.metadataOnly());
    private final ExecutorService uploads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "dicom-upload");
        t.setDaemon(true);
        return t;
    });

    StowService(FhirContext ctx, EncryptedObjectStore store, StudyLocks locks, DicomWebUrls urls,
                ImagingProperties props, VaultProperties vault) {
        this.ctx = ctx;
        this.store = store;
        this.patients = new DicomPatients(ctx);
        this.studies = new CallerStudies(ctx);
        this.locks = locks;
        this.urls = urls;
        this.mapper = new DicomStudyMapper(vault.zone());
        this.maxHeader = (int) props.maxHeaderSize().toBytes();
    }

    Ingest begin(HttpServletRequest request, VaultPrincipal caller, String routeStudy, FhirDispatch dispatch) {
        return new Ingest(request, caller, routeStudy, dispatch);
    }

    void shutdown() {
        uploads.shutdownNow();
    }

    static boolean isUid(String s) {
        return s != null && s.length() <= 64 && s.matches(UID);
    }

    private void deleteQuietly(String key) {
        try {
            store.delete(key);
        } catch (StorageException e) {
            // The orphan sweep removes it once past the grace period.
            LOG.warn("Could not delete an unreferenced DICOM object now ({}); the orphan sweep will",
                    e.getClass().getSimpleName());
        }
    }

    private static void drain(InputStream in) throws IOException {
        in.transferTo(OutputStream.nullOutputStream());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the JDK", e);
        }
    }
}
