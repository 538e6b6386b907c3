package org.patientvault.consent;

/** The kinds of organisation that can receive a patient's data. */
public enum RecipientKind {
    HOSPITAL,
    AI_FIRM
}
