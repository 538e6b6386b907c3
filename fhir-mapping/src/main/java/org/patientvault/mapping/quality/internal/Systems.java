package org.patientvault.mapping.quality.internal;

import java.util.Set;
import org.patientvault.mapping.IdentitySystems;

/** Code and identifier systems the checks know about. */
public final class Systems {
    public static final String LOINC = "http://loinc.org";
    public static final String SNOMED = "http://snomed.info/sct";
    public static final String ICD10 = "http://hl7.org/fhir/sid/icd-10";
    public static final String ICD10_CM = "http://hl7.org/fhir/sid/icd-10-cm";
    public static final String UCUM = "http://unitsofmeasure.org";
    public static final String DICOM_DCM = "http://dicom.nema.org/resources/ontology/DCM";
    public static final String RESIDENT_ID = IdentitySystems.RESIDENT_ID;
    public static final String V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203";
    public static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
    public static final String DICOM_UID = "urn:dicom:uid";

    /** The standard systems counted by {@code conf.standard-coding}. */
    public static final Set<String> STANDARD = Set.of(LOINC, SNOMED, ICD10, ICD10_CM, UCUM, DICOM_DCM);

    private Systems() {
    }
}
