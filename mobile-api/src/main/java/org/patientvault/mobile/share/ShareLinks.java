package org.patientvault.mobile.share;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.DirectEncrypter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.patientvault.mobile.port.CallerRecords;
import org.patientvault.mobile.support.MobileProblem;
import org.patientvault.mobile.support.Records;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * SMART Health Links of the patients of this process. A link's content is read <em>as the patient</em> when the link
 * is made (through the ports, so the guarded {@code /fhir} path decides what is in it), encrypted once as a JWE
 * ({@code dir}/{@code A256GCM}, the key only in the {@code shlink:/} payload) and kept on disk; the public manifest
 * endpoint hands out short-lived locations of that file after the passcode check. Links live in memory: a restart
 * ends them (they fail closed, 404).
 */
@Service
class ShareLinks {

    private static final int PBKDF2_ROUNDS = 20_000;
    private static final int FHIR_PAGE = 200;

    /** One link. {@code remaining} and {@code active} change only under the link's lock. */
    static final class Link {
        final String id = UUID.randomUUID().toString();
        final String manifestId = random(32);
        final byte[] key;
        final String owner;
        final byte[] salt;
        final byte[] passcodeHash;
        final Instant expiresAt;
        final String label;
        final ShareLinkView view;
        final Path file;
        final int resources;
        int remaining;
        volatile boolean active = true;

        Link(String owner, byte[] key, byte[] salt, byte[] passcodeHash, Instant expiresAt, String label,
             Path file, int resources, int attempts, java.util.function.Function<Link, ShareLinkView> view) {
            this.owner = owner;
            this.key = key;
            this.salt = salt;
            this.passcodeHash = passcodeHash;
            this.expiresAt = expiresAt;
            this.label = label;
            this.file = file;
            this.resources = resources;
            this.remaining = attempts;
            this.view = view.apply(this);
        }

        boolean live() {
            return active && Instant.now().isBefore(expiresAt);
        }
    }

    /** A manifest's file location. */
    record FileGrant(Link link, Instant expiresAt) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Link> byId = new ConcurrentHashMap<>();
    private final Map<String, Link> byManifest = new ConcurrentHashMap<>();
    private final Map<String, FileGrant> files = new ConcurrentHashMap<>();
    private final Records records;
    private final ShareProperties props;
    private final ShareAccessLog log;
    private final ObjectMapper json;
    private final Path dir;

    ShareLinks(Records records, ShareProperties props, ShareAccessLog log, ObjectMapper json) throws IOException {
        this.records = records;
        this.props = props;
        this.log = log;
        this.json = json;
        this.dir = Files.createTempDirectory("patient-vault-shl");
        dir.toFile().deleteOnExit();
    }

    /** Makes a link of the caller's records; 422 for bad terms, 404 for a study or report the caller cannot read. */
    ShareLinkView create(ShareLinkRequest req, String manifestBase) {
        String self = records.self();
        Map<String, String> errors = new LinkedHashMap<>();
        String what = req.what() == null ? "everything" : req.what();
        if (!what.equals("everything") && !what.equals("selected")) {
            errors.put("what", "must be everything or selected");
        }
        List<String> studies = req.studies() == null ? List.of() : req.studies();
        List<String> reports = req.reports() == null ? List.of() : req.reports();
        if (what.equals("selected") && studies.isEmpty() && reports.isEmpty()) {
            errors.put("studies", "selected needs at least one study or report");
        }
        if (what.equals("everything") && (!studies.isEmpty() || !reports.isEmpty())) {
            errors.put("what", "studies and reports are only for selected");
        }
        if (studies.size() + reports.size() > 100) {
            errors.put("studies", "at most 100 studies and reports");
        }
        studies.forEach(s -> {
            if (s == null || !s.matches("[0-9]+(\\.[0-9]+)*") || s.length() > 64) {
                errors.put("studies", "a Study Instance UID is digits and dots, at most 64");
            }
        });
        reports.forEach(r -> {
            if (r == null || !r.matches("[A-Za-z0-9\\-.]{1,64}")) {
                errors.put("reports", "a report id is letters, digits, '-' and '.', at most 64");
            }
        });
        int days = req.days() == null ? 7 : req.days();
        if (days < 1 || days > props.maxDays()) {
            errors.put("days", "must be 1 to " + props.maxDays());
        }
        if (req.passcode() == null || req.passcode().length() < 6 || req.passcode().length() > 64) {
            errors.put("passcode", "required, 6 to 64 characters");
        }
        if (req.label() != null && req.label().length() > 80) {
            errors.put("label", "at most 80 characters");
        }
        if (byId.values().stream().filter(l -> l.owner.equals(self) && l.live()).count() >= props.maxLinks()) {
            errors.put("links", "at most " + props.maxLinks() + " live share links; revoke one first");
        }
        if (!errors.isEmpty()) {
            throw MobileProblem.unprocessable("The share link cannot be made as asked").with("errors", errors);
        }
        Bundle content = what.equals("everything") ? everything(self) : selected(self, studies, reports);
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        Path file;
        try {
            JWEObject jwe = new JWEObject(new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM)
                    .contentType("application/fhir+json").build(),
                    new Payload(FhirContext.forR4Cached().newJsonParser().encodeResourceToString(content)));
            jwe.encrypt(new DirectEncrypter(key));
            file = Files.createTempFile(dir, "shl-", ".jwe");
            Files.writeString(file, jwe.serialize(), StandardCharsets.US_ASCII);
        } catch (JOSEException | IOException e) {
            throw new IllegalStateException("the share link's file could not be written", e);
        }
        Instant expires = Instant.now().plus(days, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        Link link = new Link(self, key, salt, hash(req.passcode(), salt), expires, req.label(), file,
                content.getEntry().size(), props.maxPasscodeAttempts(),
                l -> {
                    String uri = shlink(manifestBase + l.manifestId, l.key, expires, req.label());
                    return new ShareLinkView(l.id, uri, expires.toString(), what,
                            studies.isEmpty() ? null : List.copyOf(studies),
                            reports.isEmpty() ? null : List.copyOf(reports), content.getEntry().size(), req.label(),
                            "data:image/png;base64," + Base64.getEncoder().encodeToString(QrCode.png(uri, 6)));
                });
        byId.put(link.id, link);
        byManifest.put(link.manifestId, link);
        return link.view;
    }

    /** Ends the caller's link: the next manifest or file request gets 404. Unknown or foreign: 404. */
    void revoke(String id) {
        String self = records.self();
        Link link = id == null ? null : byId.get(id);
        if (link == null || !link.owner.equals(self)) {
            throw MobileProblem.notFound("Share link " + id);
        }
        synchronized (link) {
            link.active = false;
        }
        files.values().removeIf(g -> g.link() == link);
        try {
            Files.deleteIfExists(link.file);
        } catch (IOException ignored) {
            // the link is dead either way; the file is in a temp directory
        }
    }

    /** The outcome of a manifest request. */
    record Manifest(boolean ok, int remainingAttempts, String fileToken, String label) {
    }

    /**
     * Checks the passcode (one attempt counted under the link's lock, so parallel guesses cannot exceed the lifetime
     * limit) and grants a file location; empty for an unknown, expired, revoked or exhausted link.
     */
    Optional<Manifest> manifest(String manifestId, String passcode, String recipient) {
        Link link = manifestId == null ? null : byManifest.get(manifestId);
        if (link == null) {
            return Optional.empty();
        }
        synchronized (link) {
            if (!link.live()) {
                return Optional.empty();
            }
            boolean right = passcode != null && passcode.length() <= 64
                    && MessageDigest.isEqual(hash(passcode, link.salt), link.passcodeHash);
            if (!right) {
                link.remaining--;
                if (link.remaining <= 0) {
                    link.active = false;
                }
                log.record(access(link, "manifest", "denied", 0, recipient));
                return Optional.of(new Manifest(false, Math.max(link.remaining, 0), null, link.label));
            }
        }
        String token = random(32);
        Instant until = Instant.now().plus(props.fileTtl());
        files.put(token, new FileGrant(link, until.isAfter(link.expiresAt) ? link.expiresAt : until));
        log.record(access(link, "manifest", "success", 0, recipient));
        return Optional.of(new Manifest(true, link.remaining, token, link.label));
    }

    /** The JWE of a granted location while it and its link are valid. */
    Optional<String> file(String token) throws IOException {
        FileGrant grant = token == null ? null : files.get(token);
        if (grant == null || !grant.link().live() || Instant.now().isAfter(grant.expiresAt())) {
            if (grant != null) {
                files.remove(token);
            }
            return Optional.empty();
        }
        String jwe = Files.readString(grant.link().file, StandardCharsets.US_ASCII);
        log.record(access(grant.link(), "file", "success", grant.link().resources, null));
        return Optional.of(jwe);
    }

    private static ShareAccessLog.Access access(Link link, String action, String outcome, int resources,
                                                String recipient) {
        return new ShareAccessLog.Access(UUID.randomUUID().toString(), link.owner, link.id, link.label,
                Instant.now(), action, outcome, resources,
                recipient == null ? null : recipient.substring(0, Math.min(recipient.length(), 80)));
    }

    private Bundle everything(String self) {
        CallerRecords port = records.port();
        Bundle out = new Bundle().setType(Bundle.BundleType.COLLECTION);
        Set<String> seen = new LinkedHashSet<>();
        Bundle page = port.everything(self, FHIR_PAGE);
        while (true) {
            for (Bundle.BundleEntryComponent e : page.getEntry()) {
                add(out, seen, e.getResource());
            }
            Optional<Bundle> next = port.nextPage(page);
            if (next.isEmpty()) {
                return out;
            }
            page = next.get();
        }
    }

    private Bundle selected(String self, List<String> studies, List<String> reports) {
        CallerRecords port = records.port();
        Bundle out = new Bundle().setType(Bundle.BundleType.COLLECTION);
        Set<String> seen = new LinkedHashSet<>();
        port.read("Patient", self).ifPresent(p -> add(out, seen, p));
        for (String uid : studies) {
            Bundle found = port.search("ImagingStudy", Map.of("identifier",
                    List.of("urn:dicom:uid|urn:oid:" + uid)));
            Resource study = found.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                    .filter(ImagingStudy.class::isInstance).findFirst()
                    .orElseThrow(() -> MobileProblem.notFound("Study " + uid));
            add(out, seen, study);
        }
        for (String id : reports) {
            Resource r = port.read("DiagnosticReport", id).orElseThrow(() -> MobileProblem.notFound("Report " + id));
            add(out, seen, r);
            List<Resource> results = new ArrayList<>();
            for (Reference ref : ((DiagnosticReport) r).getResult()) {
                if (ref.getReferenceElement().hasIdPart()) {
                    port.read("Observation", ref.getReferenceElement().getIdPart()).ifPresent(results::add);
                }
            }
            results.forEach(o -> add(out, seen, o));
        }
        return out;
    }

    private static void add(Bundle out, Set<String> seen, Resource r) {
        if (r != null && seen.add(r.fhirType() + "/" + r.getIdElement().getIdPart())) {
            out.addEntry().setFullUrl(r.fhirType() + "/" + r.getIdElement().getIdPart()).setResource(r);
        }
    }

    private String shlink(String url, byte[] key, Instant exp, String label) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("url", url);
        payload.put("key", Base64.getUrlEncoder().withoutPadding().encodeToString(key));
        payload.put("exp", exp.getEpochSecond());
        payload.put("flag", "P");
        if (label != null) {
            payload.put("label", label);
        }
        payload.put("v", 1);
        try {
            return "shlink:/" + Base64.getUrlEncoder().withoutPadding().encodeToString(json.writeValueAsBytes(payload));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hash(String passcode, byte[] salt) {
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(passcode.toCharArray(), salt, PBKDF2_ROUNDS, 256)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
