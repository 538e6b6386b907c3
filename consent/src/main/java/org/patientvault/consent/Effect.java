package org.patientvault.consent;

/** A provision's type, and a decision's outcome. */
public enum Effect {
    PERMIT,
    DENY
}
