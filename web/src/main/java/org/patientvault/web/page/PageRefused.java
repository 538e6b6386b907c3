package org.patientvault.web.page;

/**
 * A page that cannot be shown, with its HTTP status and the message key of the fixed text to show instead. Never
 * carries stored content.
 */
public class PageRefused extends RuntimeException {

    private final int status;
    private final String messageKey;

    public PageRefused(int status, String messageKey) {
        super(messageKey, null, false, false);
        this.status = status;
        this.messageKey = messageKey;
    }

    public int status() {
        return status;
    }

    public String messageKey() {
        return messageKey;
    }
}
