package org.accountcore;

/** Why no response came: the {@code AC_HTTP_} kinds of account_core.h. */
public enum TransportFailure {
    /** No network; the host did not resolve, refused, or is unreachable. */
    NO_CONNECTION(1),
    /** The app's own connect or read timeout ran out. */
    TIMEOUT(2),
    /** The TLS handshake or the certificate (or pin) check failed. */
    TLS(3),
    /** The exchange was cancelled (after {@link Transport#cancel}, or by the app). */
    CANCELLED(4),
    /** The connection broke off before the whole response came. */
    INTERRUPTED(5),
    /** Anything else. */
    OTHER(6);

    /** The number account_core.h gives it. */
    final int code;

    TransportFailure(int code) {
        this.code = code;
    }
}
