package org.patientvault.mapping.dicom;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.ImagingStudy.ImagingStudySeriesComponent;
import org.hl7.fhir.r4.model.ImagingStudy.ImagingStudySeriesInstanceComponent;
import org.hl7.fhir.r4.model.Reference;
import org.patientvault.mapping.dicom.internal.DicomValues;

/**
 * Maps the metadata of a study's instances to a FHIR R4 {@link ImagingStudy}, and merges further instances into one.
 *
 * <p>Produces: identifier {@code urn:dicom:uid} = {@code urn:oid:<StudyInstanceUID>} (plus the Accession Number with
 * type v2-0203 ACSN), status {@code available}, started (StudyDate/Time, Timezone Offset From UTC or the configured
 * zone), modality per series (DCM), numberOfSeries/-Instances, description, referrer (display only), procedureCode
 * (Requested Procedure Code Sequence, else Procedure Code Sequence), series (uid, number, modality, description,
 * bodySite as SNOMED CT where certain, else text, started, numberOfInstances) with instances (uid, sopClass
 * {@code urn:oid:}, number). Series and instances are ordered by number, then UID.
 *
 * <p>Not set here: {@code subject} and {@code endpoint}, which the app supplies ({@link #toImagingStudy(Collection,
 * Reference, Reference)}). Malformed optional values (dates, numbers) are left out rather than failing the study; a
 * missing Study/Series/SOP Instance UID or SOP Class UID is a {@link DicomMappingException}. Stateless, thread-safe.
 */
public final class DicomStudyMapper {
    public static final String DICOM_UID_SYSTEM = "urn:dicom:uid";
    private final ZoneId defaultZone;

    /** @param defaultZone zone of the sending hospital, used when a file has no Timezone Offset From UTC */
    public DicomStudyMapper(ZoneId defaultZone) {
        this.defaultZone = Objects.requireNonNull(defaultZone, "defaultZone");
    }

    /** Maps all instances (metadata only is enough) of one study; the order of instances does not matter. */
    public ImagingStudy toImagingStudy(Collection<DicomDataset> instances) {
        if (instances.isEmpty()) {
            throw new DicomMappingException("no instances to map");
        }
        DicomDataset first = instances.iterator().next();
        ImagingStudy study = new ImagingStudy();
        study.addIdentifier().setSystem(DICOM_UID_SYSTEM).setValue("urn:oid:" + required(first, DicomTags.StudyInstanceUID));
        study.setStatus(ImagingStudy.ImagingStudyStatus.AVAILABLE);
        for (DicomDataset ds : instances) {
            merge(study, ds);
        }
        return study;
    }

    /** As {@link #toImagingStudy(Collection)}, then sets subject and endpoint (either may be null). */
    public ImagingStudy toImagingStudy(Collection<DicomDataset> instances, Reference subject, Reference endpoint) {
        ImagingStudy study = toImagingStudy(instances);
        if (subject != null) {
            study.setSubject(subject);
        }
        if (endpoint != null) {
            study.addEndpoint(endpoint);
        }
        return study;
    }

    /** The Study Instance UID an ImagingStudy was mapped from, or null. */
    public static String studyInstanceUid(ImagingStudy study) {
        for (Identifier id : study.getIdentifier()) {
            if (DICOM_UID_SYSTEM.equals(id.getSystem()) && id.getValue() != null && id.getValue().startsWith("urn:oid:")) {
                return id.getValue().substring("urn:oid:".length());
            }
        }
        return null;
    }

    /**
     * Adds one instance to {@code study} (in place). Idempotent: an instance whose SOP Instance UID is already present
     * changes nothing. Study-level fields already set are kept; missing ones are filled from this instance.
     *
     * @return true when the study changed
     * @throws DicomMappingException when the instance belongs to another study or lacks a required UID
     */
    public boolean merge(ImagingStudy study, DicomDataset ds) {
        String studyUid = required(ds, DicomTags.StudyInstanceUID);
        String seriesUid = required(ds, DicomTags.SeriesInstanceUID);
        String sopUid = required(ds, DicomTags.SOPInstanceUID);
        String sopClass = required(ds, DicomTags.SOPClassUID);
        String existing = studyInstanceUid(study);
        if (existing == null) {
            study.addIdentifier().setSystem(DICOM_UID_SYSTEM).setValue("urn:oid:" + studyUid);
            study.setStatus(ImagingStudy.ImagingStudyStatus.AVAILABLE);
        } else if (!existing.equals(studyUid)) {
            throw new DicomMappingException("instance " + sopUid + " belongs to study " + studyUid + ", not " + existing);
        }
        ImagingStudySeriesComponent series = null;
        for (ImagingStudySeriesComponent s : study.getSeries()) {
            if (seriesUid.equals(s.getUid())) {
                series = s;
                break;
            }
        }
        if (series != null) {
            for (ImagingStudySeriesInstanceComponent i : series.getInstance()) {
                if (sopUid.equals(i.getUid())) {
                    return false;
                }
            }
        } else {
            series = newSeries(ds, seriesUid);
            study.addSeries(series);
            study.getSeries().sort(Comparator.comparing((ImagingStudySeriesComponent s) ->
                    s.hasNumber() ? s.getNumber() : Integer.MAX_VALUE).thenComparing(ImagingStudySeriesComponent::getUid));
        }
        ImagingStudySeriesInstanceComponent instance = series.addInstance().setUid(sopUid)
                .setSopClass(new Coding("urn:ietf:rfc:3986", "urn:oid:" + sopClass, null));
        Integer number = safeInt(ds, DicomTags.InstanceNumber);
        if (number != null) {
            instance.setNumber(number);
        }
        series.getInstance().sort(Comparator.comparing((ImagingStudySeriesInstanceComponent i) ->
                i.hasNumber() ? i.getNumber() : Integer.MAX_VALUE).thenComparing(ImagingStudySeriesInstanceComponent::getUid));
        series.setNumberOfInstances(series.getInstance().size());
        fillStudyLevel(study, ds);
        return true;
    }

    private ImagingStudySeriesComponent newSeries(DicomDataset ds, String seriesUid) {
        ImagingStudySeriesComponent series = new ImagingStudySeriesComponent().setUid(seriesUid);
        Integer number = safeInt(ds, DicomTags.SeriesNumber);
        if (number != null) {
            series.setNumber(number);
        }
        String modality = ds.getString(DicomTags.Modality);
        series.setModality(new Coding(DicomValues.DCM, modality == null ? "OT" : modality, null));
        String description = ds.getString(DicomTags.SeriesDescription);
        if (description != null) {
            series.setDescription(description);
        }
        String bodyPart = ds.getString(DicomTags.BodyPartExamined);
        if (bodyPart != null) {
            series.setBodySite(DicomValues.bodySite(bodyPart));
        }
        DateTimeType started = DicomValues.dateTime(ds.getString(DicomTags.SeriesDate), ds.getString(DicomTags.SeriesTime),
                ds.getString(DicomTags.TimezoneOffsetFromUTC), defaultZone);
        if (started != null) {
            series.setStartedElement(started);
        }
        return series;
    }

    private void fillStudyLevel(ImagingStudy study, DicomDataset ds) {
        if (!study.hasStarted()) {
            DateTimeType started = DicomValues.dateTime(ds.getString(DicomTags.StudyDate),
                    ds.getString(DicomTags.StudyTime), ds.getString(DicomTags.TimezoneOffsetFromUTC), defaultZone);
            if (started != null) {
                study.setStartedElement(started);
            }
        }
        String accession = ds.getString(DicomTags.AccessionNumber);
        if (accession != null && study.getIdentifier().stream().noneMatch(i -> i.getType().hasCoding("http://terminology.hl7.org/CodeSystem/v2-0203", "ACSN"))) {
            Identifier id = study.addIdentifier().setValue(accession);
            id.getType().addCoding(new Coding("http://terminology.hl7.org/CodeSystem/v2-0203", "ACSN", "Accession ID"));
        }
        if (!study.hasDescription() && ds.getString(DicomTags.StudyDescription) != null) {
            study.setDescription(ds.getString(DicomTags.StudyDescription));
        }
        if (!study.hasReferrer()) {
            String referrer = DicomValues.personNameDisplay(ds.getString(DicomTags.ReferringPhysicianName));
            if (referrer != null && !referrer.isEmpty()) {
                study.setReferrer(new Reference().setDisplay(referrer));
            }
        }
        if (!study.hasProcedureCode()) {
            List<DicomDataset> codes = ds.getSequence(DicomTags.RequestedProcedureCodeSequence);
            if (codes.isEmpty()) {
                codes = ds.getSequence(DicomTags.ProcedureCodeSequence);
            }
            for (DicomDataset code : codes) {
                String value = code.getString(DicomTags.CodeValue);
                String meaning = code.getString(DicomTags.CodeMeaning);
                if (value == null && meaning == null) {
                    continue;
                }
                CodeableConcept cc = new CodeableConcept().setText(meaning);
                if (value != null) {
                    cc.addCoding(new Coding(DicomValues.codingSystem(code.getString(DicomTags.CodingSchemeDesignator)),
                            value, meaning));
                }
                study.addProcedureCode(cc);
            }
        }
        List<String> modalities = new ArrayList<>();
        int instances = 0;
        for (ImagingStudySeriesComponent s : study.getSeries()) {
            if (s.hasModality() && !modalities.contains(s.getModality().getCode())) {
                modalities.add(s.getModality().getCode());
            }
            instances += s.getInstance().size();
        }
        study.getModality().clear();
        modalities.forEach(m -> study.addModality(new Coding(DicomValues.DCM, m, null)));
        study.setNumberOfSeries(study.getSeries().size());
        study.setNumberOfInstances(instances);
    }

    private static String required(DicomDataset ds, int tag) {
        String v = ds.getString(tag);
        if (v == null) {
            throw new DicomMappingException("instance lacks " + DicomTags.toString(tag) + " ("
                    + TagDictionary.keywordOf(tag) + ")");
        }
        return v;
    }

    private static Integer safeInt(DicomDataset ds, int tag) {
        try {
            return ds.getInt(tag).isPresent() ? ds.getInt(tag).getAsInt() : null;
        } catch (DicomValueException e) {
            return null;
        }
    }
}
