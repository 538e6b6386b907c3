package org.patientvault.consent;

/**
 * A {@code Consent} that cannot be turned into a policy without guessing. Carries the FHIRPath-ish location.
 * The enforcement adapter treats a patient whose consents do not parse as undetermined (everything rejected),
 * because skipping an unparsable deny would widen access.
 */
public final class ConsentParseException extends RuntimeException {
    private final String location;

    public ConsentParseException(String location, String message) {
        super(location + ": " + message);
        this.location = location;
    }

    public String location() {
        return location;
    }
}
