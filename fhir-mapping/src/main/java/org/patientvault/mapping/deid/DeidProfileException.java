package org.patientvault.mapping.deid;

/** A de-identification profile file is malformed; the message names the rule and the problem. */
public class DeidProfileException extends RuntimeException {
    public DeidProfileException(String message) {
        super(message);
    }

    public DeidProfileException(String message, Throwable cause) {
        super(message, cause);
    }
}
