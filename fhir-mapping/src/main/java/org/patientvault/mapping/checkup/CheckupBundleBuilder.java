package org.patientvault.mapping.checkup;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TimeZone;
import java.util.UUID;
import java.util.function.Supplier;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.SimpleQuantity;
import org.hl7.fhir.r4.model.StringType;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.mapping.ResidentId;
import org.patientvault.mapping.linking.LinkSource;
import org.patientvault.mapping.linking.PatientLinker;
import org.patientvault.mapping.terminology.ObservationNormalizer;
import org.patientvault.mapping.terminology.TerminologyMaps;
import org.patientvault.mapping.terminology.TerminologySummary;

/**
 * Turns validated checkup rows into one FHIR R4 transaction Bundle:
 * <ul>
 *   <li>one Patient per patient in the file, {@code POST} with {@code ifNoneExist} on the resident ID
 *       (else the clinic's MRN) so an existing patient is not duplicated; a patient known only by name,
 *       birth date and phone gets no conditional (the ingest pipeline's {@link PatientLinker} decides);</li>
 *   <li>one DiagnosticReport per patient and examination date, category LAB;</li>
 *   <li>one Observation per row, category {@code laboratory} (or {@code vital-signs} when its LOINC code is
 *       blood pressure, height, weight or BMI), with the local coding, the value as given, the reference
 *       range, then run through the {@link ObservationNormalizer}.</li>
 * </ul>
 * Rows of one patient are grouped by resident ID, else by MRN (an MRN seen with a resident ID on another
 * row joins that patient), else by name + birth date + phone. Entries use {@code urn:uuid:} full URLs.
 * Thread-safe if the id supplier is.
 */
public final class CheckupBundleBuilder {

    /** Code system of report kinds. */
    public static final String REPORT_TYPE_SYSTEM = IdentitySystems.BASE + "/CodeSystem/report-type";

    private static final Set<String> VITAL_SIGNS = Set.of("8480-6", "8462-4", "8302-2", "29463-7", "39156-5");
    private static final String OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";

    private final ObservationNormalizer normalizer;
    private final Supplier<UUID> ids;

    /** With random UUIDs. */
    public CheckupBundleBuilder(ObservationNormalizer normalizer) {
        this(normalizer, UUID::randomUUID);
    }

    /** With the given UUID source (tests use a deterministic one). */
    public CheckupBundleBuilder(ObservationNormalizer normalizer, Supplier<UUID> ids) {
        this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
        this.ids = Objects.requireNonNull(ids, "ids");
    }

    /**
     * Builds the transaction.
     *
     * @throws IllegalArgumentException if {@code rows} is empty
     */
    public CheckupBundle build(List<CheckupRow> rows, CheckupSource source) {
        Objects.requireNonNull(rows, "rows");
        Objects.requireNonNull(source, "source");
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no checkup rows to build a bundle from");
        }
        Map<String, ResidentId> ridByMrn = new HashMap<>();
        for (CheckupRow r : rows) {
            if (r.mrn() != null && r.residentId() != null) {
                ridByMrn.putIfAbsent(r.mrn(), r.residentId());
            }
        }
        Map<String, List<CheckupRow>> byPatient = new LinkedHashMap<>();
        for (CheckupRow r : rows) {
            byPatient.computeIfAbsent(patientKey(r, ridByMrn), k -> new ArrayList<>()).add(r);
        }
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (List<CheckupRow> patientRows : byPatient.values()) {
            String patientUrl = urn();
            addPatient(bundle, patientUrl, patientRows, source);
            Map<LocalDate, List<CheckupRow>> byDate = new LinkedHashMap<>();
            for (CheckupRow r : patientRows) {
                byDate.computeIfAbsent(r.date(), k -> new ArrayList<>()).add(r);
            }
            for (Map.Entry<LocalDate, List<CheckupRow>> day : byDate.entrySet()) {
                addReport(bundle, patientUrl, day.getKey(), day.getValue(), source);
            }
        }
        TerminologySummary summary = normalizer.normalizeBundle(bundle);
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
            if (e.getResource() instanceof Observation o) {
                boolean vital = o.getCode().getCoding().stream()
                        .anyMatch(c -> TerminologyMaps.LOINC.equals(c.getSystem()) && VITAL_SIGNS.contains(c.getCode()));
                String code = vital ? "vital-signs" : "laboratory";
                o.addCategory().addCoding().setSystem(OBS_CATEGORY).setCode(code)
                        .setDisplay(vital ? "Vital Signs" : "Laboratory");
            }
        }
        return new CheckupBundle(bundle, summary);
    }

    private static String patientKey(CheckupRow r, Map<String, ResidentId> ridByMrn) {
        ResidentId rid = r.residentId() != null ? r.residentId() : (r.mrn() == null ? null : ridByMrn.get(r.mrn()));
        if (rid != null) {
            return "rid|" + rid.value();
        }
        if (r.mrn() != null) {
            return "mrn|" + r.mrn();
        }
        return "weak|" + r.name() + "|" + r.birthDate() + "|" + r.phone();
    }

    private String urn() {
        return "urn:uuid:" + ids.get();
    }

    private void addPatient(Bundle bundle, String fullUrl, List<CheckupRow> rows, CheckupSource source) {
        Patient p = new Patient();
        ResidentId rid = null;
        Set<String> mrns = new LinkedHashSet<>();
        String name = null;
        LocalDate birth = null;
        String phone = null;
        org.hl7.fhir.r4.model.Enumerations.AdministrativeGender gender = null;
        for (CheckupRow r : rows) {
            rid = rid != null ? rid : r.residentId();
            if (r.mrn() != null) {
                mrns.add(r.mrn());
            }
            name = name != null ? name : r.name();
            birth = birth != null ? birth : r.birthDate();
            phone = phone != null ? phone : r.phone();
            gender = gender != null ? gender : r.gender();
        }
        if (rid != null) {
            p.addIdentifier(rid.toIdentifier());
        }
        LinkSource link = source.linkSource();
        for (String m : mrns) {
            p.addIdentifier(link.mrnIdentifier(m));
        }
        if (name != null) {
            p.addName().setText(name);
        }
        if (birth != null) {
            p.setBirthDateElement(new DateType(birth.getYear(), birth.getMonthValue() - 1, birth.getDayOfMonth()));
        }
        if (gender != null) {
            p.setGender(gender);
        }
        if (phone != null) {
            p.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(phone);
        }
        Bundle.BundleEntryRequestComponent req = new Bundle.BundleEntryRequestComponent()
                .setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
        if (rid != null) {
            req.setIfNoneExist("identifier=" + IdentitySystems.RESIDENT_ID + "|" + enc(rid.value()));
        } else if (!mrns.isEmpty()) {
            req.setIfNoneExist("identifier=" + source.mrnSystem() + "|" + enc(mrns.iterator().next()));
        }
        bundle.addEntry().setFullUrl(fullUrl).setResource(p).setRequest(req);
    }

    private static String enc(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8);
    }

    private void addReport(Bundle bundle, String patientUrl, LocalDate date, List<CheckupRow> rows,
                           CheckupSource source) {
        DiagnosticReport report = new DiagnosticReport();
        report.setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL);
        report.addCategory().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/v2-0074").setCode("LAB")
                .setDisplay("Laboratory");
        report.getCode().addCoding().setSystem(REPORT_TYPE_SYSTEM).setCode("checkup").setDisplay("Health checkup");
        report.getCode().setText("体检 / Health checkup");
        report.setSubject(new Reference(patientUrl));
        report.setEffective(dateOnly(date));
        report.addPerformer(source.linkSource().organizationReference());
        String reportUrl = urn();
        List<Bundle.BundleEntryComponent> observations = new ArrayList<>();
        for (CheckupRow r : rows) {
            String obsUrl = urn();
            report.addResult(new Reference(obsUrl));
            observations.add(new Bundle.BundleEntryComponent().setFullUrl(obsUrl)
                    .setResource(observation(r, patientUrl, source))
                    .setRequest(new Bundle.BundleEntryRequestComponent().setMethod(Bundle.HTTPVerb.POST)
                            .setUrl("Observation")));
        }
        bundle.addEntry().setFullUrl(reportUrl).setResource(report)
                .setRequest(new Bundle.BundleEntryRequestComponent().setMethod(Bundle.HTTPVerb.POST)
                        .setUrl("DiagnosticReport"));
        observations.forEach(bundle::addEntry);
    }

    private static Observation observation(CheckupRow r, String patientUrl, CheckupSource source) {
        Observation o = new Observation();
        o.setStatus(Observation.ObservationStatus.FINAL);
        CodeableConcept code = o.getCode();
        if (r.localCode() != null) {
            code.addCoding().setSystem(source.localCodeSystem()).setCode(r.localCode()).setDisplay(r.localName());
        }
        code.setText(r.localName() != null ? r.localName() : r.localCode());
        o.setSubject(new Reference(patientUrl));
        o.setEffective(r.time() == null ? dateOnly(r.date()) : dateTime(r, source));
        o.addPerformer(source.linkSource().organizationReference());
        if (r.value() != null) {
            Quantity q = new Quantity().setValue(r.value());
            if (r.comparator() != null) {
                q.setComparator(r.comparator());
            }
            if (r.unit() != null) {
                q.setUnit(r.unit());
            }
            o.setValue(q);
        } else {
            o.setValue(new StringType(r.text()));
        }
        if (r.refLow() != null || r.refHigh() != null) {
            Observation.ObservationReferenceRangeComponent rr = o.addReferenceRange();
            if (r.refLow() != null) {
                rr.setLow(simple(r.refLow(), r.unit()));
            }
            if (r.refHigh() != null) {
                rr.setHigh(simple(r.refHigh(), r.unit()));
            }
        }
        return o;
    }

    private static SimpleQuantity simple(java.math.BigDecimal v, String unit) {
        SimpleQuantity q = new SimpleQuantity();
        q.setValue(v);
        if (unit != null) {
            q.setUnit(unit);
        }
        return q;
    }

    private static DateTimeType dateOnly(LocalDate d) {
        DateTimeType t = new DateTimeType();
        t.setValueAsString(d.toString());
        return t;
    }

    private static DateTimeType dateTime(CheckupRow r, CheckupSource source) {
        ZonedDateTime z = r.date().atTime(r.time()).atZone(source.zone());
        return new DateTimeType(Date.from(z.toInstant()), TemporalPrecisionEnum.SECOND,
                TimeZone.getTimeZone(source.zone()));
    }
}
