package org.accountcore;

/** A core could not be opened: the status and the library's {@code {"error": {...}}} JSON. */
public final class AccountCoreException extends Exception {
    private static final long serialVersionUID = 1L;

    /** One of the status codes of {@link AccountCore}. */
    public final int status;
    /** {@code {"error": {"code", "message", ...}}}, the message in the configured language; may be null. */
    public final String errorJson;

    AccountCoreException(int status, String errorJson) {
        super(AccountCore.statusName(status) + (errorJson == null ? "" : ": " + errorJson));
        this.status = status;
        this.errorJson = errorJson;
    }
}
