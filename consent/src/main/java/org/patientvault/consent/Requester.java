package org.patientvault.consent;

import java.util.Objects;

/**
 * The caller of one request, as resolved by {@link ConsentRequesterResolver}.
 *
 * @param kind         patient, hospital, AI firm, admin or anonymous
 * @param patientId    the id part of the caller's {@code Patient} (patients only), else null
 * @param orgId        the Organization identifier value = OAuth client id (hospitals and AI firms), else null
 * @param orgReference optional {@code Organization/<id>} of that organisation, else null
 * @param purpose      declared purpose, or null for the kind's default (hospital: TREATMENT, AI firm: AI_TRAINING)
 * @param crossBorder  whether data given to this caller leaves the country
 */
public record Requester(RequesterKind kind, String patientId, String orgId, String orgReference, Purpose purpose,
                        boolean crossBorder) {
    public Requester {
        Objects.requireNonNull(kind, "Requester.kind is required");
        if (kind == RequesterKind.PATIENT && (patientId == null || patientId.isBlank())) {
            throw new IllegalArgumentException("Requester.patientId is required for a PATIENT");
        }
        if ((kind == RequesterKind.HOSPITAL || kind == RequesterKind.AI_FIRM) && (orgId == null || orgId.isBlank())) {
            throw new IllegalArgumentException("Requester.orgId is required for a " + kind);
        }
    }

    public static Requester patient(String patientId) {
        return new Requester(RequesterKind.PATIENT, patientId, null, null, null, false);
    }

    public static Requester hospital(String orgId) {
        return new Requester(RequesterKind.HOSPITAL, null, orgId, null, Purpose.TREATMENT, false);
    }

    public static Requester aiFirm(String orgId) {
        return new Requester(RequesterKind.AI_FIRM, null, orgId, null, Purpose.AI_TRAINING, false);
    }

    public static Requester admin() {
        return new Requester(RequesterKind.ADMIN, null, null, null, null, false);
    }

    public static Requester anonymous() {
        return new Requester(RequesterKind.ANONYMOUS, null, null, null, null, false);
    }

    /** A short, log-safe description: kind and org id or patient id (never a token or national id). */
    public String describe() {
        return switch (kind) {
            case PATIENT -> "patient Patient/" + patientId;
            case HOSPITAL, AI_FIRM -> kind.name().toLowerCase().replace('_', '-') + " " + orgId;
            default -> kind.name().toLowerCase();
        };
    }
}
