package org.patientvault.mapping.quality.internal;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Type;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;

/**
 * Stable duplicate fingerprints: SHA-256 over {@code v1 | patient | type | code | effective | value}, hex, 32
 * characters. Hashing keeps national IDs and values out of what the app stores for cross-submission detection.
 */
public final class Fingerprints {
    private Fingerprints() {
    }

    public static Optional<String> of(Resource r, String patientKey) {
        if (patientKey == null || patientKey.isBlank()) {
            return Optional.empty();
        }
        String body;
        if (r instanceof Observation o) {
            body = observation(o);
        } else if (r instanceof DiagnosticReport d) {
            body = report(d);
        } else if (r instanceof ImagingStudy s) {
            body = study(s);
        } else {
            body = null;
        }
        if (body == null) {
            return Optional.empty();
        }
        return Optional.of(sha256("v1|" + patientKey + "|" + r.fhirType() + "|" + body));
    }

    private static String observation(Observation o) {
        String code = concept(o.getCode());
        String when = effective(o.hasEffective() ? o.getEffective() : null);
        if (code.isEmpty() || when.isEmpty()) {
            return null;
        }
        StringBuilder value = new StringBuilder(value(o.hasValue() ? o.getValue() : null));
        for (Observation.ObservationComponentComponent c : o.getComponent()) {
            value.append(";").append(concept(c.getCode())).append("=").append(value(c.hasValue() ? c.getValue() : null));
        }
        if (value.isEmpty()) {
            return null;
        }
        return code + "|" + when + "|" + value;
    }

    private static String report(DiagnosticReport d) {
        String code = concept(d.getCode());
        String when = effective(d.hasEffective() ? d.getEffective() : null);
        if (code.isEmpty() || when.isEmpty()) {
            return null;
        }
        return code + "|" + when + "|" + d.getResult().size();
    }

    private static String study(ImagingStudy s) {
        for (Identifier id : s.getIdentifier()) {
            if (Systems.DICOM_UID.equals(id.getSystem()) && id.hasValue()) {
                return "uid|" + id.getValue();
            }
        }
        if (s.hasStarted()) {
            return "started|" + instantOrDate(s.getStartedElement()) + "|" + s.getSeries().size();
        }
        return null;
    }

    static String concept(CodeableConcept cc) {
        if (cc == null) {
            return "";
        }
        List<String> codes = new ArrayList<>();
        for (Coding c : cc.getCoding()) {
            if (c.hasCode()) {
                codes.add((c.hasSystem() ? c.getSystem() : "") + "|" + c.getCode());
            }
        }
        codes.sort(null);
        return String.join(",", codes);
    }

    static String effective(Type t) {
        if (t instanceof BaseDateTimeType d) {
            return instantOrDate(d);
        } else if (t instanceof Period p) {
            return (p.hasStart() ? instantOrDate(p.getStartElement()) : "") + "/"
                    + (p.hasEnd() ? instantOrDate(p.getEndElement()) : "");
        }
        return "";
    }

    private static String instantOrDate(BaseDateTimeType d) {
        if (d == null || d.getValue() == null) {
            return "";
        }
        TemporalPrecisionEnum precision = d.getPrecision();
        if (precision != null && precision.ordinal() >= TemporalPrecisionEnum.MINUTE.ordinal()) {
            return d.getValue().toInstant().toString();
        }
        return d.getValueAsString();
    }

    static String value(Type t) {
        if (t == null) {
            return "";
        }
        if (t instanceof Quantity q) {
            BigDecimal v = q.getValue();
            return (v == null ? "" : v.stripTrailingZeros().toPlainString()) + " "
                    + (q.hasCode() ? q.getCode() : q.hasUnit() ? q.getUnit() : "");
        } else if (t instanceof CodeableConcept cc) {
            return concept(cc);
        } else if (t instanceof PrimitiveType<?> p) {
            return t.fhirType() + ":" + p.getValueAsString();
        }
        return t.fhirType();
    }

    static String sha256(String s) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
