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
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.patientvault.mobile.port.CallerRecords;
import org.patientvault.mobile.port.ShareLinkStore;
import org.patientvault.mobile.support.MobileProblem;
import org.patientvault.mobile.support.Records;
import org.springframework.stereotype.Service;

/**
 * SMART Health Links. A link's content is read <em>as the patient</em> when the link is made (through the ports, so
 * the guarded {@code /fhir} path decides what is in it) and encrypted once as a JWE ({@code dir}/{@code A256GCM},
 * the key only in the {@code shlink:/} payload, never stored). The link, its ciphertext, the passcode hash and attempt
 * counter, the file grants and the access log are kept in the {@link ShareLinkStore} (PostgreSQL in the vault), so
 * links survive restarts and every instance answers alike; the public manifest endpoint hands out short-lived
 * locations of the content after the passcode check.
 */
@Service
public class ShareLinks {

    private static final int PBKDF2_ROUNDS = 20_000;
    private static final int FHIR_PAGE = 200;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Records records;
    private final ShareProperties props;
    private final ShareAccessLog log;
    private final ShareLinkStore store;
    private final ObjectMapper json;

    ShareLinks(Records records, ShareProperties props, ShareAccessLog log, ShareLinkStore store, ObjectMapper json) {
        this.records = records;
        this.props = props;
        this.log = log;
        this.store = store;
        this.json = json;
    }

    /** Makes a link of the caller's records; 422 for bad terms, 404 for a study or report the caller cannot read. */
    public ShareLinkView create(ShareLinkRequest req, String manifestBase) {
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
        if (store.countLive(self, Instant.now()) >= props.maxLinks()) {
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
        String jwe;
        try {
            JWEObject object = new JWEObject(new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM)
                    .contentType("application/fhir+json").build(),
                    new Payload(FhirContext.forR4Cached().newJsonParser().encodeResourceToString(content)));
            object.encrypt(new DirectEncrypter(key));
            jwe = object.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("the share link's content could not be encrypted", e);
        }
        Instant now = Instant.now();
        Instant expires = now.plus(days, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        ShareLinkStore.Link link = new ShareLinkStore.Link(UUID.randomUUID().toString(), random(32), self, salt,
                hash(req.passcode(), salt), now, expires, req.label(), content.getEntry().size(),
                props.maxPasscodeAttempts(), true);
        store.create(link, jwe);
        String uri = shlink(manifestBase + link.manifestId(), key, expires, req.label());
        return new ShareLinkView(link.id(), uri, expires.toString(), what,
                studies.isEmpty() ? null : List.copyOf(studies), reports.isEmpty() ? null : List.copyOf(reports),
                content.getEntry().size(), req.label(),
                "data:image/png;base64," + Base64.getEncoder().encodeToString(QrCode.png(uri, 6)));
    }

    /** One of the caller's links as a list shows it, with who opened it (passcode checks and file fetches). */
    public record Mine(String id, String label, Instant createdAt, Instant expiresAt, boolean live, int resources,
                       List<ShareAccessLog.Access> accesses) {
    }

    /** The caller's links, newest first (at most the live-link limit times four), each with its access log. */
    public List<Mine> mine() {
        String self = records.self();
        Instant now = Instant.now();
        Map<String, List<ShareAccessLog.Access>> byLink = new java.util.HashMap<>();
        log.of(self).forEach(a -> byLink.computeIfAbsent(a.linkId(), k -> new java.util.ArrayList<>()).add(a));
        return store.ofOwner(self, props.maxLinks() * 4).stream()
                .map(l -> new Mine(l.id(), l.label(), l.createdAt(), l.expiresAt(), l.live(now), l.resources(),
                        byLink.getOrDefault(l.id(), List.of())))
                .toList();
    }

    /** Ends the caller's link: the next manifest or file request gets 404. Unknown or foreign: 404. */
    public void revoke(String id) {
        String self = records.self();
        if (id == null || id.length() > 64 || !store.revoke(id, self)) {
            throw MobileProblem.notFound("Share link " + id);
        }
    }

    /** The outcome of a manifest request. */
    record Manifest(boolean ok, int remainingAttempts, String fileToken, String label) {
    }

    /**
     * Checks the passcode and grants a file location; a wrong one is counted by the store in one atomic write, so
     * parallel guesses on any number of instances cannot exceed the lifetime limit. Empty for an unknown, expired,
     * revoked or exhausted link.
     */
    Optional<Manifest> manifest(String manifestId, String passcode, String recipient) {
        Instant now = Instant.now();
        ShareLinkStore.Link link = manifestId == null || manifestId.length() > 64 ? null
                : store.byManifest(manifestId).orElse(null);
        if (link == null || !link.live(now)) {
            return Optional.empty();
        }
        boolean right = passcode != null && passcode.length() <= 64
                && MessageDigest.isEqual(hash(passcode, link.salt()), link.passcodeHash());
        if (!right) {
            Optional<Integer> remaining = store.countWrongPasscode(manifestId, now);
            if (remaining.isEmpty()) {
                return Optional.empty(); // exhausted (or revoked) by another request meanwhile
            }
            log.record(access(link, "manifest", "denied", 0, recipient));
            return Optional.of(new Manifest(false, remaining.get(), null, link.label()));
        }
        String token = random(32);
        Instant until = now.plus(props.fileTtl());
        store.grant(token, link.id(), until.isAfter(link.expiresAt()) ? link.expiresAt() : until);
        log.record(access(link, "manifest", "success", 0, recipient));
        return Optional.of(new Manifest(true, link.remaining(), token, link.label()));
    }

    /** The JWE of a granted location while it and its link are valid. */
    Optional<String> file(String token) {
        Optional<ShareLinkStore.Link> link = token == null || token.length() > 64 ? Optional.empty()
                : store.granted(token, Instant.now());
        Optional<String> jwe = link.flatMap(l -> store.content(l.id()));
        jwe.ifPresent(j -> log.record(access(link.get(), "file", "success", link.get().resources(), null)));
        return jwe;
    }

    private static ShareAccessLog.Access access(ShareLinkStore.Link link, String action, String outcome,
                                                int resources, String recipient) {
        return new ShareAccessLog.Access(UUID.randomUUID().toString(), link.owner(), link.id(), link.label(),
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
