package org.patientvault.mobile.me;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Type;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.mobile.port.CallerRecordsException;
import org.patientvault.mobile.support.Hospitals;
import org.patientvault.mobile.support.MobileProblem;
import org.patientvault.mobile.support.Records;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Service;

/**
 * {@code /me} from the patient's own Patient (their demographics, completed element by element from the hospitals'
 * views) and {@code $claim-candidates}; accept and reject through {@code $claim} and {@code $reject}, as the patient.
 * Cost: one read, one operation and one directory search per hospital.
 */
@Service
public class MeService {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    private final Records records;
    private final Hospitals hospitals;

    MeService(Records records, Hospitals hospitals) {
        this.records = records;
        this.hospitals = hospitals;
    }

    public ResponseEntity<MeView> view() {
        String self = records.self();
        Patient patient = records.port().read("Patient", self).filter(Patient.class::isInstance)
                .map(Patient.class::cast)
                .orElseThrow(() -> MobileProblem.notFound("Your record"));
        return ResponseEntity.ok(new MeView(self, profile(patient), linkedHospitals(patient), candidates(self)));
    }

    public ClaimResult accept(String candidate) {
        Parameters out = claimOperation("claim", candidate);
        Integer moved = out.getParameter().stream().filter(p -> "moved".equals(p.getName()))
                .map(p -> p.getValue() instanceof IntegerType i ? i.getValue() : null).findFirst().orElse(null);
        return new ClaimResult(candidate, "claimed", moved);
    }

    public ClaimResult reject(String candidate) {
        claimOperation("reject", candidate);
        return new ClaimResult(candidate, "rejected", null);
    }

    private Parameters claimOperation(String name, String candidate) {
        String self = records.self();
        if (!ID.matcher(candidate).matches()) {
            throw MobileProblem.notFound("Claim candidate " + candidate);
        }
        Parameters in = new Parameters();
        in.addParameter().setName("candidate").setValue(new Reference("Patient/" + candidate));
        try {
            return records.port().operation("Patient", self, name, in);
        } catch (CallerRecordsException e) {
            if (e.status() >= 400 && e.status() < 500) {
                // Unknown, not offered to this patient, already decided: one answer, nothing changed.
                throw MobileProblem.notFound("Claim candidate " + candidate);
            }
            throw e;
        }
    }

    private static MeView.Profile profile(Patient p) {
        List<Extension> views = p.getExtension().stream()
                .filter(e -> IdentitySystems.HOSPITAL_VIEW_EXTENSION.equals(e.getUrl())).toList();
        String name = p.hasName() ? display(p.getNameFirstRep()) : null;
        String gender = p.hasGender() ? p.getGender().toCode() : null;
        String birthDate = p.hasBirthDateElement() ? p.getBirthDateElement().getValueAsString() : null;
        Set<String> phones = new LinkedHashSet<>();
        p.getTelecom().stream().filter(t -> t.getSystem() == ContactPoint.ContactPointSystem.PHONE && t.hasValue())
                .forEach(t -> phones.add(t.getValue()));
        for (Extension view : views) {
            for (Extension part : view.getExtension()) {
                Type v = part.getValue();
                switch (part.getUrl()) {
                    case "name" -> name = name != null ? name : v instanceof HumanName n ? display(n) : null;
                    case "gender" -> gender = gender != null ? gender : v == null ? null : v.primitiveValue();
                    case "birthDate" -> birthDate = birthDate != null ? birthDate : v == null ? null
                            : v.primitiveValue();
                    case "telecom" -> {
                        if (v instanceof ContactPoint cp && cp.getSystem() == ContactPoint.ContactPointSystem.PHONE
                                && cp.hasValue()) {
                            phones.add(cp.getValue());
                        }
                    }
                    default -> {
                        // organization, address, identifier: not on this screen
                    }
                }
            }
        }
        return new MeView.Profile(name, gender, birthDate, List.copyOf(phones));
    }

    /** "张三" for Chinese names (family name first, no space), "Jane Doe" otherwise; the text if given. */
    static String display(HumanName n) {
        if (n.hasText()) {
            return n.getText();
        }
        String given = String.join(" ", n.getGiven().stream().map(Object::toString).toList());
        String family = n.hasFamily() ? n.getFamily() : "";
        boolean cjk = (family + given).codePoints().anyMatch(c -> Character.UnicodeScript.of(c)
                == Character.UnicodeScript.HAN);
        return (cjk ? family + given : (given + " " + family)).trim();
    }

    private List<MeView.LinkedHospital> linkedHospitals(Patient p) {
        Map<String, List<String>> mrns = new LinkedHashMap<>();
        for (Extension view : p.getExtension()) {
            if (IdentitySystems.HOSPITAL_VIEW_EXTENSION.equals(view.getUrl())) {
                String org = orgCode(view.getExtensionByUrl("organization") == null ? null
                        : view.getExtensionByUrl("organization").getValue());
                if (org != null) {
                    mrns.computeIfAbsent(org, k -> new ArrayList<>());
                }
            }
        }
        for (Identifier id : p.getIdentifier()) {
            boolean mr = id.getType().getCoding().stream().anyMatch(c -> IdentitySystems.V2_0203.equals(c.getSystem())
                    && IdentitySystems.MRN_TYPE_CODE.equals(c.getCode()));
            String org = orgCode(id.getAssigner());
            if (mr && org != null && id.hasValue()) {
                mrns.computeIfAbsent(org, k -> new ArrayList<>()).add(id.getValue());
            }
        }
        List<MeView.LinkedHospital> out = new ArrayList<>();
        mrns.forEach((org, values) -> out.add(new MeView.LinkedHospital(hospitals.byCode(org), List.copyOf(values))));
        return out;
    }

    private static String orgCode(Object ref) {
        return ref instanceof Reference r && r.hasIdentifier()
                && IdentitySystems.ORGANIZATION.equals(r.getIdentifier().getSystem()) ? r.getIdentifier().getValue()
                : null;
    }

    private List<MeView.ClaimCandidate> candidates(String self) {
        Parameters out = records.port().operation("Patient", self, "claim-candidates", null);
        List<MeView.ClaimCandidate> list = new ArrayList<>();
        for (Parameters.ParametersParameterComponent c : out.getParameter()) {
            if (!"candidate".equals(c.getName())) {
                continue;
            }
            String id = null;
            String org = null;
            String name = null;
            String birthDate = null;
            int count = 0;
            List<String> evidence = new ArrayList<>();
            for (Parameters.ParametersParameterComponent part : c.getPart()) {
                Type v = part.getValue();
                switch (part.getName()) {
                    case "patient" -> id = v instanceof Reference r ? r.getReferenceElement().getIdPart() : null;
                    case "organization" -> org = v == null ? null : v.primitiveValue();
                    case "name" -> name = v == null ? null : v.primitiveValue();
                    case "birthDate" -> birthDate = v == null ? null : v.primitiveValue();
                    case "records" -> count = v instanceof IntegerType i && i.getValue() != null ? i.getValue() : 0;
                    case "evidence" -> {
                        if (v != null) {
                            evidence.add(v.primitiveValue());
                        }
                    }
                    default -> {
                    }
                }
            }
            if (id != null) {
                list.add(new MeView.ClaimCandidate(id, org == null ? null : hospitals.byCode(org), name, birthDate,
                        count, evidence));
            }
        }
        return list;
    }
}
