package org.patientvault.vault.imaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The server's own record of the DICOM instances STOW-RS stored: per ImagingStudy resource that STOW wrote, one row per
 * instance with its UIDs, object key, patient (key owner), uploading organisation and the header attributes QIDO-RS
 * matches on. Rows are written only by {@link StudyWriteGuard}, inside the database transaction that stores the
 * ImagingStudy, from what the STOW request itself stored — never from client-written ImagingStudy content. WADO-RS and
 * QIDO-RS answer from these rows (after the caller's own FHIR search decided which ImagingStudy resources they may
 * see), so an ImagingStudy that names someone else's UIDs reaches no object.
 *
 * <p>Cost: one indexed query per read (by ImagingStudy id), one batch insert per STOW study write.
 */
final class DicomInstanceIndex {

    /** One stored instance as the index knows it. */
    record Row(String studyResource, String studyUid, String seriesUid, String sopUid, String sopClass,
               Integer number, String objectKey, String patient, String uploader, Map<String, String> attributes) {
    }

    private static final TypeReference<LinkedHashMap<String, String>> ATTRS = new TypeReference<>() { };

    private final JdbcTemplate jdbc;
    private final ObjectMapper json = new ObjectMapper();

    DicomInstanceIndex(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        jdbc.execute("""
                CREATE TABLE IF NOT EXISTS vault_dicom_instance (
                  study_resource VARCHAR(64) NOT NULL,
                  study_uid VARCHAR(64) NOT NULL,
                  series_uid VARCHAR(64) NOT NULL,
                  sop_uid VARCHAR(64) NOT NULL,
                  sop_class VARCHAR(64),
                  instance_number INTEGER,
                  object_key VARCHAR(200) NOT NULL,
                  patient_id VARCHAR(64) NOT NULL,
                  uploader VARCHAR(200) NOT NULL,
                  attributes TEXT NOT NULL,
                  stored_at TIMESTAMP WITH TIME ZONE NOT NULL,
                  PRIMARY KEY (study_resource, sop_uid))""");
        jdbc.execute("CREATE INDEX IF NOT EXISTS vault_dicom_instance_key ON vault_dicom_instance(object_key)");
        jdbc.execute("CREATE INDEX IF NOT EXISTS vault_dicom_instance_study ON vault_dicom_instance(study_uid)");
    }

    /** Must run inside the ImagingStudy's database transaction; an instance already indexed is kept as it is. */
    void insert(Collection<Row> rows, Instant now) {
        for (Row r : rows) {
            jdbc.update("""
                            INSERT INTO vault_dicom_instance (study_resource, study_uid, series_uid, sop_uid, sop_class,
                              instance_number, object_key, patient_id, uploader, attributes, stored_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            ON CONFLICT (study_resource, sop_uid) DO NOTHING""",
                    r.studyResource(), r.studyUid(), r.seriesUid(), r.sopUid(), r.sopClass(), r.number(),
                    r.objectKey(), r.patient(), r.uploader(), write(r.attributes()), Timestamp.from(now));
        }
    }

    /** The instances indexed for these ImagingStudy resources, in study, series, instance order. */
    List<Row> ofStudies(Collection<String> studyResources) {
        if (studyResources.isEmpty()) {
            return List.of();
        }
        List<Row> out = new ArrayList<>();
        List<String> ids = List.copyOf(studyResources);
        for (int from = 0; from < ids.size(); from += 500) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
            out.addAll(jdbc.query("""
                            SELECT study_resource, study_uid, series_uid, sop_uid, sop_class, instance_number, object_key,
                              patient_id, uploader, attributes
                            FROM vault_dicom_instance WHERE study_resource = ANY (?)
                            ORDER BY study_uid, study_resource, series_uid, instance_number NULLS LAST, sop_uid""",
                    (rs, i) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), (Integer) rs.getObject(6), rs.getString(7), rs.getString(8),
                            rs.getString(9), read(rs.getString(10))),
                    (Object) chunk.toArray(String[]::new)));
        }
        return out;
    }

    /** The (series UID, SOP Instance UID) pairs indexed for one ImagingStudy resource. */
    List<String> instanceKeys(String studyResource) {
        return jdbc.queryForList("SELECT series_uid || '/' || sop_uid FROM vault_dicom_instance WHERE study_resource = ?",
                String.class, studyResource);
    }

    /** Whether any indexed instance uses this object (the orphan sweep keeps it then). */
    boolean referenced(String objectKey) {
        Boolean found = jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM vault_dicom_instance WHERE object_key = ?)", Boolean.class, objectKey);
        return found == null || found;
    }

    private String write(Map<String, String> attributes) {
        try {
            return json.writeValueAsString(attributes == null ? Map.of() : attributes);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode DICOM attributes", e);
        }
    }

    private Map<String, String> read(String text) {
        try {
            return json.readValue(text, ATTRS);
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }
}
