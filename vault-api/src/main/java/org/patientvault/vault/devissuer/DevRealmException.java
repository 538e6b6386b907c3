package org.patientvault.vault.devissuer;

/** The realm file the development issuer reads is missing or does not have the shape it needs; says what and where. */
public class DevRealmException extends RuntimeException {

    DevRealmException(String message) {
        super(message);
    }

    DevRealmException(String message, Throwable cause) {
        super(message, cause);
    }
}
