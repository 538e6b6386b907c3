package org.patientvault.mapping.quality;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Resource;

/**
 * Everything a {@link QualityCheck} may look at besides the resource itself: the whole submission, "now", what is
 * known about the patient, fingerprints of records seen in earlier submissions, and optional inputs produced
 * elsewhere in the app (base-R4 validation messages, DICOM acquisition attributes, plug-in specific values).
 *
 * <p>The app builds one with {@link #builder(Instant)}; {@link QualityScorer} binds it to the submission it scores
 * (see {@link #submission()}). A context is immutable apart from the {@link #shared} cache, which is per bound
 * submission and thread-safe.
 */
public final class QualityContext {

    /** Typed key for plug-in inputs, e.g. {@code new Key<>("terminology.unmapped", Set.class)}. */
    public record Key<T>(String name, Class<T> type) {
        public Key {
            if (name == null || name.isBlank() || type == null) {
                throw new QualityInputException("context key needs a name and a type");
            }
        }
    }

    private static final Pattern BUNDLE_ENTRY = Pattern.compile("^Bundle\\.entry\\[(\\d+)]");

    private final Instant now;
    private final LocalDate birthDate;
    private final AdministrativeGender gender;
    private final String patientKey;
    private final Set<String> seenFingerprints;
    private final List<QualityValidationMessage> unattributedMessages;
    private final Map<Integer, List<QualityValidationMessage>> messagesByIndex;
    private final Map<String, Map<String, String>> dicomBySeries;
    private final Predicate<String> referenceResolver;
    private final Map<Key<?>, Object> inputs;
    // bound part
    private final List<Resource> submission;
    private final List<String> fullUrls;
    private final Map<Resource, Integer> indexByIdentity;
    private final Map<Object, Object> shared;

    private QualityContext(Builder b, List<Resource> submission, List<String> fullUrls) {
        this.now = b.now;
        this.birthDate = b.birthDate;
        this.gender = b.gender;
        this.patientKey = b.patientKey;
        this.seenFingerprints = Set.copyOf(b.seenFingerprints);
        this.unattributedMessages = List.copyOf(b.unattributed);
        Map<Integer, List<QualityValidationMessage>> byIndex = new HashMap<>();
        b.byIndex.forEach((k, v) -> byIndex.put(k, List.copyOf(v)));
        this.messagesByIndex = Collections.unmodifiableMap(byIndex);
        Map<String, Map<String, String>> dicom = new HashMap<>();
        b.dicom.forEach((k, v) -> dicom.put(k, Map.copyOf(v)));
        this.dicomBySeries = Collections.unmodifiableMap(dicom);
        this.referenceResolver = b.referenceResolver;
        this.inputs = Map.copyOf(b.inputs);
        this.submission = submission;
        this.fullUrls = fullUrls;
        this.indexByIdentity = new IdentityHashMap<>();
        this.shared = new ConcurrentHashMap<>();
    }

    private QualityContext(QualityContext base, List<Resource> submission, List<String> fullUrls) {
        this.now = base.now;
        this.birthDate = base.birthDate;
        this.gender = base.gender;
        this.patientKey = base.patientKey;
        this.seenFingerprints = base.seenFingerprints;
        this.unattributedMessages = base.unattributedMessages;
        this.messagesByIndex = base.messagesByIndex;
        this.dicomBySeries = base.dicomBySeries;
        this.referenceResolver = base.referenceResolver;
        this.inputs = base.inputs;
        this.submission = submission;
        this.fullUrls = fullUrls;
        this.indexByIdentity = new IdentityHashMap<>();
        for (int i = 0; i < submission.size(); i++) {
            if (submission.get(i) != null) {
                indexByIdentity.put(submission.get(i), i);
            }
        }
        this.shared = new ConcurrentHashMap<>();
    }

    /** Starts a context; {@code now} is the reference time for "not in the future" checks. */
    public static Builder builder(Instant now) {
        return new Builder(now);
    }

    /** A context with nothing but "now". */
    public static QualityContext of(Instant now) {
        return builder(now).build();
    }

    /**
     * Returns a copy bound to a submission. Called by {@link QualityScorer}; entries may be null (Bundle entries
     * without a resource) and are skipped by the scorer.
     *
     * @param fullUrls the Bundle entry fullUrls in the same order, or an empty list
     */
    public QualityContext bind(List<? extends Resource> resources, List<String> fullUrls) {
        Objects.requireNonNull(resources, "resources");
        List<String> urls = fullUrls == null ? List.of() : fullUrls;
        if (!urls.isEmpty() && urls.size() != resources.size()) {
            throw new QualityInputException("fullUrls has " + urls.size() + " entries but the submission has "
                    + resources.size());
        }
        return new QualityContext(this, Collections.unmodifiableList(new ArrayList<>(resources)),
                Collections.unmodifiableList(new ArrayList<>(urls)));
    }

    public Instant now() {
        return now;
    }

    /** Birth date supplied by the app (the vault's Patient); wins over a Patient in the submission. */
    public Optional<LocalDate> birthDate() {
        return Optional.ofNullable(birthDate);
    }

    /** Administrative gender supplied by the app; wins over a Patient in the submission. */
    public Optional<AdministrativeGender> gender() {
        return Optional.ofNullable(gender);
    }

    /** Stable vault key of the patient (e.g. the vault Patient id) used in fingerprints, if the app knows it. */
    public Optional<String> patientKey() {
        return Optional.ofNullable(patientKey);
    }

    /** Fingerprints of records accepted in earlier submissions (see {@link QualityFingerprint}). */
    public boolean seenBefore(String fingerprint) {
        return fingerprint != null && seenFingerprints.contains(fingerprint);
    }

    /**
     * Validator messages for the resource at {@code index}: those registered for that index, those located under
     * {@code Bundle.entry[index]}, and, when the submission holds a single resource, those without an entry prefix.
     */
    public List<QualityValidationMessage> validationMessages(int index) {
        List<QualityValidationMessage> own = messagesByIndex.getOrDefault(index, List.of());
        if (submission.size() == 1 && index == 0 && !unattributedMessages.isEmpty()) {
            List<QualityValidationMessage> all = new ArrayList<>(own);
            all.addAll(unattributedMessages);
            return all;
        }
        return own;
    }

    /** DICOM acquisition attributes (keyword → value) for a series UID, if the app supplied them. */
    public Optional<Map<String, String>> dicomAttributes(String seriesInstanceUid) {
        return seriesInstanceUid == null ? Optional.empty() : Optional.ofNullable(dicomBySeries.get(seriesInstanceUid));
    }

    /** True if a reference that does not resolve inside the submission exists in the vault (app-supplied). */
    public boolean existsOutsideSubmission(String reference) {
        return referenceResolver.test(reference);
    }

    /** A plug-in input, if supplied. */
    public <T> Optional<T> input(Key<T> key) {
        return Optional.ofNullable(inputs.get(key)).map(key.type()::cast);
    }

    /** The bound submission (empty if not bound); entries may be null. */
    public List<Resource> submission() {
        return submission;
    }

    /** The Bundle fullUrl of entry {@code index}, if the submission came from a Bundle and the entry had one. */
    public Optional<String> fullUrl(int index) {
        if (index < 0 || index >= fullUrls.size()) {
            return Optional.empty();
        }
        String u = fullUrls.get(index);
        return u == null || u.isBlank() ? Optional.empty() : Optional.of(u);
    }

    /** Index of a resource (by identity) in the bound submission, or -1. */
    public int indexOf(Resource resource) {
        Integer i = indexByIdentity.get(resource);
        return i == null ? -1 : i;
    }

    /**
     * A value computed once per bound submission and shared by all checks (indexes of ids, fingerprints). Cost:
     * the factory runs once per submission; later calls are a hash lookup.
     */
    @SuppressWarnings("unchecked")
    public <T> T shared(Object key, Function<QualityContext, T> factory) {
        Object v = shared.get(key);
        if (v == null) {
            // not computeIfAbsent: a factory may itself call shared() for another key
            v = factory.apply(this);
            Object prev = shared.putIfAbsent(key, v);
            if (prev != null) {
                v = prev;
            }
        }
        return (T) v;
    }

    /** Builder; all inputs are optional except "now". */
    public static final class Builder {
        private final Instant now;
        private LocalDate birthDate;
        private AdministrativeGender gender;
        private String patientKey;
        private final Set<String> seenFingerprints = new HashSet<>();
        private final List<QualityValidationMessage> unattributed = new ArrayList<>();
        private final Map<Integer, List<QualityValidationMessage>> byIndex = new HashMap<>();
        private final Map<String, Map<String, String>> dicom = new HashMap<>();
        private Predicate<String> referenceResolver = ref -> false;
        private final Map<Key<?>, Object> inputs = new HashMap<>();

        private Builder(Instant now) {
            if (now == null) {
                throw new QualityInputException("quality context needs 'now'");
            }
            this.now = now;
        }

        public Builder birthDate(LocalDate value) {
            this.birthDate = value;
            return this;
        }

        public Builder gender(AdministrativeGender value) {
            this.gender = value;
            return this;
        }

        public Builder patientKey(String value) {
            this.patientKey = value;
            return this;
        }

        public Builder seenFingerprints(Set<String> values) {
            if (values != null) {
                values.stream().filter(Objects::nonNull).forEach(seenFingerprints::add);
            }
            return this;
        }

        /**
         * Validator messages for a whole Bundle: each is attributed to the entry named by its
         * {@code Bundle.entry[n]} location prefix. Messages without that prefix count only when the submission is
         * a single resource.
         */
        public Builder validationMessages(List<QualityValidationMessage> messages) {
            if (messages == null) {
                return this;
            }
            for (QualityValidationMessage m : messages) {
                if (m == null) {
                    throw new QualityInputException("validation message list contains null");
                }
                Matcher matcher = BUNDLE_ENTRY.matcher(m.location());
                if (matcher.find()) {
                    byIndex.computeIfAbsent(Integer.parseInt(matcher.group(1)), k -> new ArrayList<>()).add(m);
                } else {
                    unattributed.add(m);
                }
            }
            return this;
        }

        /** Validator messages from validating the resource at {@code index} on its own. */
        public Builder validationMessages(int index, List<QualityValidationMessage> messages) {
            if (index < 0) {
                throw new QualityInputException("validation message index must be >= 0, got " + index);
            }
            if (messages != null) {
                for (QualityValidationMessage m : messages) {
                    if (m == null) {
                        throw new QualityInputException("validation messages for index " + index + " contain null");
                    }
                    byIndex.computeIfAbsent(index, k -> new ArrayList<>()).add(m);
                }
            }
            return this;
        }

        /** DICOM acquisition attributes of one series, keyed by DICOM keyword (e.g. {@code SliceThickness}). */
        public Builder dicomAttributes(String seriesInstanceUid, Map<String, String> attributes) {
            if (seriesInstanceUid == null || seriesInstanceUid.isBlank()) {
                throw new QualityInputException("DICOM attributes need a series instance UID");
            }
            Map<String, String> copy = new HashMap<>();
            if (attributes != null) {
                attributes.forEach((k, v) -> {
                    if (k != null && v != null) {
                        copy.put(k, v);
                    }
                });
            }
            dicom.put(seriesInstanceUid, copy);
            return this;
        }

        /**
         * Tells whether a reference that is not in the submission exists in the vault (e.g. {@code Organization/x}
         * submitted earlier). Default: nothing exists outside the submission.
         */
        public Builder referenceResolver(Predicate<String> resolver) {
            if (resolver == null) {
                throw new QualityInputException("reference resolver is null");
            }
            this.referenceResolver = resolver;
            return this;
        }

        /** A plug-in input. */
        public <T> Builder input(Key<T> key, T value) {
            if (key == null) {
                throw new QualityInputException("context input key is null");
            }
            if (value != null) {
                inputs.put(key, key.type().cast(value));
            }
            return this;
        }

        public QualityContext build() {
            return new QualityContext(this, List.of(), List.of());
        }
    }
}
