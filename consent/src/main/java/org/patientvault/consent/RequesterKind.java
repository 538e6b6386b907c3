package org.patientvault.consent;

/** Who is asking, as far as consent enforcement is concerned. */
public enum RequesterKind {
    PATIENT,
    HOSPITAL,
    AI_FIRM,
    ADMIN,
    ANONYMOUS
}
