package org.patientvault.mapping.quality;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.patientvault.mapping.quality.internal.Fingerprints;
import org.patientvault.mapping.quality.internal.ResidentIdChecksum;
import org.patientvault.mapping.quality.internal.Systems;

/**
 * Facts about the whole submission that several checks need, computed once per submission through
 * {@link QualityContext#shared}: the reference keys that resolve inside it, the Patients, and each resource's
 * fingerprint with the index of its first occurrence.
 */
final class SubmissionIndex {
    private static final Object KEY = new Object();

    private final QualityContext context;
    private final Set<String> keys = new HashSet<>();
    private final Map<String, Patient> patientsByKey = new HashMap<>();
    private final List<Patient> patients = new ArrayList<>();
    private final List<String> fingerprints;
    private final Map<String, Integer> firstIndex = new HashMap<>();

    private SubmissionIndex(QualityContext ctx) {
        this.context = ctx;
        List<Resource> sub = ctx.submission();
        for (int i = 0; i < sub.size(); i++) {
            Resource r = sub.get(i);
            if (r == null) {
                continue;
            }
            List<String> own = keysOf(r, ctx.fullUrl(i).orElse(null));
            keys.addAll(own);
            if (r instanceof Patient p) {
                patients.add(p);
                own.forEach(k -> patientsByKey.putIfAbsent(k, p));
            }
        }
        List<String> fps = new ArrayList<>(sub.size());
        for (int i = 0; i < sub.size(); i++) {
            Resource r = sub.get(i);
            String fp = r == null ? null : Fingerprints.of(r, patientKey(r)).orElse(null);
            fps.add(fp);
            if (fp != null) {
                firstIndex.putIfAbsent(fp, i);
            }
        }
        this.fingerprints = Collections.unmodifiableList(fps);
    }

    public static SubmissionIndex of(QualityContext ctx) {
        return ctx.shared(KEY, SubmissionIndex::new);
    }

    /** The strings by which a resource can be referenced: fullUrl, raw id, {@code Type/id}. */
    static List<String> keysOf(Resource r, String fullUrl) {
        List<String> out = new ArrayList<>(4);
        String type = r.fhirType();
        if (fullUrl != null && !fullUrl.isBlank()) {
            out.add(fullUrl);
            String tail = typedTail(fullUrl);
            if (tail != null) {
                out.add(tail);
            }
        }
        IdType id = r.getIdElement();
        if (id != null && id.getValue() != null && !id.getValue().isBlank()) {
            out.add(id.getValue());
            if (id.hasIdPart() && !id.getValue().startsWith("urn:")) {
                out.add(type + "/" + id.getIdPart());
            }
        }
        return out;
    }

    /** {@code Type/id} at the end of an absolute or relative URL (dropping {@code _history}), or null. */
    static String typedTail(String ref) {
        if (ref == null || ref.startsWith("urn:") || ref.startsWith("#")) {
            return null;
        }
        String s = ref;
        int h = s.indexOf("/_history/");
        if (h >= 0) {
            s = s.substring(0, h);
        }
        int last = s.lastIndexOf('/');
        if (last <= 0) {
            return null;
        }
        int prev = s.lastIndexOf('/', last - 1);
        String type = s.substring(prev + 1, last);
        String idPart = s.substring(last + 1);
        if (type.isEmpty() || idPart.isEmpty() || !Character.isUpperCase(type.charAt(0))) {
            return null;
        }
        return type + "/" + idPart;
    }

    /** True if the reference string resolves to a resource of this submission. */
    public boolean resolves(String reference) {
        if (keys.contains(reference)) {
            return true;
        }
        String tail = typedTail(reference);
        return tail != null && keys.contains(tail);
    }

    /** The Patient a resource belongs to: itself, its resolved subject, or the submission's only Patient. */
    public Optional<Patient> patientOf(Resource r) {
        if (r instanceof Patient p) {
            return Optional.of(p);
        }
        Reference subject = Subjects.subject(r);
        if (subject != null && subject.hasReference()) {
            String ref = subject.getReference();
            Patient p = patientsByKey.get(ref);
            if (p == null) {
                String tail = typedTail(ref);
                p = tail == null ? null : patientsByKey.get(tail);
            }
            if (p != null) {
                return Optional.of(p);
            }
        }
        return patients.size() == 1 ? Optional.of(patients.get(0)) : Optional.empty();
    }

    /**
     * Birth date (ISO, possibly partial like {@code 1980-05}) known for the resource's patient: the app's, else
     * Patient.birthDate, else the date encoded in a valid resident ID.
     */
    public Optional<String> birthDate(Resource r) {
        if (context.birthDate().isPresent()) {
            return Optional.of(context.birthDate().get().toString());
        }
        Optional<Patient> patient = patientOf(r);
        if (patient.isEmpty()) {
            return Optional.empty();
        }
        Patient p = patient.get();
        if (p.hasBirthDateElement() && p.getBirthDateElement().getValueAsString() != null) {
            return Optional.of(p.getBirthDateElement().getValueAsString());
        }
        // Chinese records often omit birthDate but carry the resident ID, which encodes it; trust only a valid ID
        for (Identifier id : p.getIdentifier()) {
            if (Systems.RESIDENT_ID.equals(id.getSystem())
                    && ResidentIdChecksum.validate(id.getValue()) == ResidentIdChecksum.Problem.NONE) {
                String v = id.getValue();
                return Optional.of(v.substring(6, 10) + "-" + v.substring(10, 12) + "-" + v.substring(12, 14));
            }
        }
        return Optional.empty();
    }

    /** Administrative gender known for the resource's patient. */
    public Optional<AdministrativeGender> gender(Resource r) {
        if (context.gender().isPresent()) {
            return context.gender();
        }
        return patientOf(r).filter(Patient::hasGender).map(Patient::getGender);
    }

    /** The patient part of a fingerprint: app key, else resident ID, else first identifier, else the reference. */
    String patientKey(Resource r) {
        if (context.patientKey().isPresent()) {
            return "vault:" + context.patientKey().get();
        }
        Optional<Patient> p = patientOf(r);
        if (p.isPresent()) {
            String best = null;
            for (Identifier id : p.get().getIdentifier()) {
                if (!id.hasValue()) {
                    continue;
                }
                if (Systems.RESIDENT_ID.equals(id.getSystem())) {
                    return "rid:" + id.getValue().toUpperCase(java.util.Locale.ROOT);
                }
                if (best == null && id.hasSystem()) {
                    best = "id:" + id.getSystem() + "|" + id.getValue();
                }
            }
            if (best != null) {
                return best;
            }
        }
        Reference subject = Subjects.subject(r);
        if (subject != null && subject.hasReference() && !subject.getReference().startsWith("urn:")) {
            return "ref:" + subject.getReference();
        }
        return null;
    }

    /** Fingerprint of the resource at {@code index}, if it has one. */
    public Optional<String> fingerprint(int index) {
        return index < 0 || index >= fingerprints.size() ? Optional.empty()
                : Optional.ofNullable(fingerprints.get(index));
    }

    /** Index of the first resource with this fingerprint. */
    public int firstIndexOf(String fingerprint) {
        return firstIndex.getOrDefault(fingerprint, -1);
    }
}
