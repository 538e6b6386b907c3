package org.patientvault.vault.imaging;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.mapping.ResidentId;
import org.patientvault.mapping.ResidentIdException;
import org.patientvault.mapping.dicom.DicomDataset;
import org.patientvault.mapping.dicom.DicomTags;
import org.patientvault.mapping.linking.LinkSource;
import org.patientvault.vault.caller.FhirDispatch;

/**
 * The Patient a DICOM header names, resolved to a vault Patient id through the ordinary hospital submission path
 * ({@code POST /fhir} as the calling hospital, via {@link FhirDispatch}), so the same linking, provenance, quality
 * and replay rules apply as to any other submission.
 *
 * <p>Mapping: Patient ID (0010,0020) is an MRN of the hospital; its system is the hospital's own MRN system
 * ({@code sid/mrn/<client id>}, as the CSV intake uses; the linking then reads it in whichever of the hospital's
 * MRN namespaces it already assigned that number, or in the PACS namespace configured for the hospital:
 * {@code identity.PatientLinking#inOwnNamespace}) unless Issuer of Patient ID (0010,0021) names another issuer, whose
 * MRNs then get {@code sid/mrn/<client id>/issuer/<issuer>} (kept, but not trusted for linking: a hospital vouches
 * only for its own numbers and may assert only its own namespaces). A resident ID comes from an item of Other Patient IDs Sequence (0010,1002) whose issuer is
 * the resident-ID issuer ({@link #RESIDENT_ID_ISSUERS}), or from Patient ID itself when its issuer is. Name (all PN
 * groups: alphabetic, ideographic, phonetic), birth date and sex are copied.
 *
 * <p>The create is conditional on the resident ID, else on the MRN (as the CSV intake does), and the Bundle's
 * full URL is derived from the hospital and the Patient's content, so sending the same header again is a replay of
 * the same submission and names the same Patient, even for a Patient with weak evidence only (an unlinked claim
 * candidate). Cost: one FHIR transaction per distinct patient header per request.
 */
final class DicomPatients {

    /** Issuer of Patient ID values that mean "this is a Chinese resident ID". */
    static final List<String> RESIDENT_ID_ISSUERS = List.of(IdentitySystems.RESIDENT_ID, "CN-RESIDENT-ID",
            "RESIDENT-ID", "CN-RID");
    static final int OTHER_PATIENT_IDS_SEQUENCE = 0x00101002;

    /** The submission did not name a Patient: the instance fails with the reason given. */
    static final class UnresolvedPatientException extends Exception {
        UnresolvedPatientException(String message) {
            super(message);
        }
    }

    private final FhirContext ctx;

    DicomPatients(FhirContext ctx) {
        this.ctx = ctx;
    }

    /** The FHIR Patient the header describes, as hospital {@code orgCode} submits it. */
    static Patient fromHeader(DicomDataset ds, String orgCode) {
        Patient p = new Patient();
        String pid = clean(ds.getString(DicomTags.PatientID));
        String issuer = clean(ds.getString(DicomTags.IssuerOfPatientID));
        String rid = null;
        if (pid != null && isResidentIssuer(issuer)) {
            rid = pid;
            pid = null;
        }
        for (DicomDataset item : ds.getSequence(OTHER_PATIENT_IDS_SEQUENCE)) {
            String v = clean(item.getString(DicomTags.PatientID));
            if (rid == null && v != null
                    && isResidentIssuer(clean(item.getString(DicomTags.IssuerOfPatientID)))) {
                rid = v;
            }
        }
        if (rid != null) {
            p.addIdentifier(new Identifier().setUse(Identifier.IdentifierUse.OFFICIAL)
                    .setSystem(IdentitySystems.RESIDENT_ID).setValue(rid.toUpperCase(Locale.ROOT)));
        }
        if (pid != null) {
            boolean own = issuer == null || issuer.equalsIgnoreCase(orgCode);
            // Another issuer's number stays inside this hospital's own namespace: a hospital may assert only its
            // own namespaces (identity.MrnNamespaces), and it vouches for this number only as what its PACS wrote.
            String system = IdentitySystems.BASE + "/sid/mrn/" + orgCode + (own ? "" : "/issuer/" + urlSafe(issuer));
            Identifier mrn = new LinkSource(orgCode, system).mrnIdentifier(pid);
            if (!own) {
                mrn.getAssigner().setIdentifier(null).setDisplay(issuer);
            }
            p.addIdentifier(mrn);
        }
        String name = clean(ds.getString(DicomTags.PatientName));
        if (name != null) {
            String[] groups = name.split("=", -1);
            for (int g = 0; g < groups.length && g < 3; g++) {
                HumanName hn = personName(groups[g]);
                if (hn != null) {
                    if (g == 0) {
                        hn.setUse(HumanName.NameUse.OFFICIAL);
                    }
                    p.addName(hn);
                }
            }
        }
        String birth = clean(ds.getString(DicomTags.PatientBirthDate));
        if (birth != null && birth.matches("\\d{8}")) {
            try {
                java.time.LocalDate d = java.time.LocalDate.parse(birth, java.time.format.DateTimeFormatter.BASIC_ISO_DATE);
                p.setBirthDateElement(new DateType(d.getYear(), d.getMonthValue() - 1, d.getDayOfMonth()));
            } catch (java.time.format.DateTimeParseException ignored) {
                // A malformed optional value is left out, as the study mapping does.
            }
        }
        String sex = clean(ds.getString(DicomTags.PatientSex));
        if (sex != null) {
            p.setGender(switch (sex.toUpperCase(Locale.ROOT)) {
                case "M" -> AdministrativeGender.MALE;
                case "F" -> AdministrativeGender.FEMALE;
                case "O" -> AdministrativeGender.OTHER;
                default -> AdministrativeGender.UNKNOWN;
            });
        }
        return p;
    }

    /**
     * Submits the Patient as the caller and returns the vault Patient id it resolved to (created, matched or
     * linked).
     */
    String resolve(HttpServletRequest request, FhirDispatch dispatch, Patient patient, String orgCode)
            throws UnresolvedPatientException {
        if (!patient.hasIdentifier() && !patient.hasName()) {
            throw new UnresolvedPatientException("the header names no patient (no Patient ID, no name)");
        }
        String canonical = ctx.newJsonParser().setPrettyPrint(false).encodeResourceToString(patient);
        String fullUrl = "urn:uuid:" + UUID.nameUUIDFromBytes(("dicom-patient|" + orgCode + "|" + canonical)
                .getBytes(StandardCharsets.UTF_8));
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        Bundle.BundleEntryComponent e = bundle.addEntry().setFullUrl(fullUrl).setResource(patient);
        e.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
        Identifier rid = patient.getIdentifier().stream()
                .filter(i -> IdentitySystems.RESIDENT_ID.equals(i.getSystem())).findFirst().orElse(null);
        Identifier mrn = patient.getIdentifier().stream()
                .filter(i -> i.getSystem() != null && i.getSystem().startsWith(IdentitySystems.BASE + "/sid/mrn/"))
                .findFirst().orElse(null);
        if (rid != null) {
            try {
                ResidentId.parse(rid.getValue());
            } catch (ResidentIdException ex) {
                throw new UnresolvedPatientException("the resident ID in the header is invalid: " + ex.failure());
            }
            e.getRequest().setIfNoneExist("identifier=" + rid.getSystem() + "|" + enc(rid.getValue()));
        } else if (mrn != null) {
            e.getRequest().setIfNoneExist("identifier=" + mrn.getSystem() + "|" + enc(mrn.getValue()));
        }
        byte[] json = ctx.newJsonParser().encodeResourceToString(bundle).getBytes(StandardCharsets.UTF_8);
        FhirDispatch.Answer answer = dispatch.postToBase(request, json);
        String body = new String(answer.body(), StandardCharsets.UTF_8);
        if (answer.status() / 100 != 2) {
            throw new UnresolvedPatientException("the patient submission was refused (" + answer.status() + "): "
                    + diagnostics(body));
        }
        Bundle response = ctx.newJsonParser().parseResource(Bundle.class, body);
        for (Bundle.BundleEntryComponent r : response.getEntry()) {
            String location = r.getResponse().getLocation();
            if (location != null && location.startsWith("Patient/")) {
                return new IdType(location).getIdPart();
            }
        }
        throw new UnresolvedPatientException("the patient submission named no Patient");
    }

    String diagnostics(String body) {
        try {
            OperationOutcome oo = ctx.newJsonParser().parseResource(OperationOutcome.class, body);
            // The first error, not the first issue: warnings come first in validation outcomes.
            return oo.getIssue().stream()
                    .sorted(java.util.Comparator.comparing(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR
                            || i.getSeverity() == OperationOutcome.IssueSeverity.FATAL ? 0 : 1))
                    .map(i -> (i.hasExpression() ? i.getExpression().get(0).getValue() + ": " : "")
                            + i.getDiagnostics())
                    .filter(d -> d != null && !d.isBlank()).findFirst().orElse("no details");
        } catch (RuntimeException notAnOutcome) {
            return "no details";
        }
    }

    private static HumanName personName(String group) {
        if (group == null || group.isBlank()) {
            return null;
        }
        String[] c = group.split("\\^", -1);
        String family = c.length > 0 ? c[0].strip() : "";
        String given = c.length > 1 ? c[1].strip() : "";
        String middle = c.length > 2 ? c[2].strip() : "";
        String prefix = c.length > 3 ? c[3].strip() : "";
        String suffix = c.length > 4 ? c[4].strip() : "";
        HumanName n = new HumanName();
        if (!family.isEmpty()) {
            n.setFamily(family);
        }
        if (!given.isEmpty()) {
            n.addGiven(given);
        }
        if (!middle.isEmpty()) {
            n.addGiven(middle);
        }
        if (!prefix.isEmpty()) {
            n.addPrefix(prefix);
        }
        if (!suffix.isEmpty()) {
            n.addSuffix(suffix);
        }
        boolean han = (family + given).codePoints()
                .anyMatch(cp -> Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN);
        String text = han ? family + given + middle : String.join(" ", java.util.stream.Stream.of(given, middle, family)
                .filter(s -> !s.isEmpty()).toList());
        if (!text.isEmpty()) {
            n.setText(text);
        }
        return n.isEmpty() ? null : n;
    }

    private static boolean isResidentIssuer(String issuer) {
        return issuer != null && RESIDENT_ID_ISSUERS.stream().anyMatch(i -> i.equalsIgnoreCase(issuer));
    }

    private static String clean(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static String urlSafe(String issuer) {
        return URLEncoder.encode(issuer, StandardCharsets.UTF_8);
    }

    private static String enc(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8);
    }
}
