package org.accountcore;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongToIntFunction;

/**
 * AccountCore from Java or Kotlin: one open account of one back end, with
 * its store, over the C interface (account_core.h) through
 * {@code libAccountCoreJNI.so}. See docs/c-interface.md, "Android".
 *
 * <p>Every method may be called from any thread, and calls may run at once.
 * A call that waits for the network blocks its thread: call it off the
 * main thread (a coroutine on {@code Dispatchers.IO}). {@link #close} may
 * come while calls run: it ends what the app's transport has not answered
 * (those calls return {@link #ERR_NETWORK}), waits for the calls under way,
 * and refuses later ones with {@link IllegalStateException}.
 *
 * <p>Strings cross as UTF-8 both ways, converted from and to Java's UTF-16
 * by the JNI layer: {@code ş}, {@code İ} and emoji arrive intact.
 */
public final class AccountCore implements AutoCloseable {
    /** Done. */
    public static final int OK = 0;
    /** Saved in the outbox; it will be sent when possible. */
    public static final int QUEUED = 1;
    /** Bad input: refused before anything was sent. */
    public static final int ERR_ARGUMENT = 2;
    /** The server could not be reached (nothing was queued). */
    public static final int ERR_NETWORK = 3;
    /** 401, or a token of another user than the one signed in ("accountMismatch"). */
    public static final int ERR_UNAUTHORIZED = 4;
    /** 403. */
    public static final int ERR_FORBIDDEN = 5;
    /** 404: nothing to act on. */
    public static final int ERR_NOT_FOUND = 6;
    /** 409: not in the account's current state. */
    public static final int ERR_CONFLICT = 7;
    /** 429: see error.retryAfter. */
    public static final int ERR_RATE_LIMITED = 8;
    /** 5xx. */
    public static final int ERR_SERVER = 9;
    /** An answer that could not be read. */
    public static final int ERR_UNEXPECTED_RESPONSE = 10;
    /** The local store failed. */
    public static final int ERR_STORAGE = 11;
    /** The back end does not offer this. */
    public static final int ERR_UNSUPPORTED = 12;
    /** A bug in the library (or the JNI layer out of memory); please report. */
    public static final int ERR_INTERNAL = 13;

    /** The interface version these classes were written for: compare with {@link #abiVersion()}. */
    public static final int ABI_VERSION = 1;

    /** The system property naming the JNI library's file, for a test or a desktop app. */
    public static final String LIBRARY_PROPERTY = "org.accountcore.jni";

    static {
        // An app ships libAccountCoreJNI.so beside libAccountCoreC.so; a test
        // or a desktop app may name the file instead.
        String path = System.getProperty(LIBRARY_PROPERTY);
        if (path != null) {
            System.load(path);
        } else {
            System.loadLibrary("AccountCoreJNI");
        }
    }

    /** Marks the thread running the event listener, where close() would wait for itself. */
    private static final ThreadLocal<Boolean> IN_LISTENER = new ThreadLocal<>();

    private final Transport transport;
    private final Object lock = new Object();
    /** The JNI layer's handle of the core; 0 once closed. Guarded by {@code lock}. */
    private long handle;
    /** Calls inside the library now. Guarded by {@code lock}. */
    private int active;
    /** Set once close() began: no call enters after it. */
    private volatile boolean closing;
    private volatile EventListener listener;
    /** The requests the app's transport has not answered, by the library's handle. */
    private final ConcurrentHashMap<Long, TransportRequest> outstanding = new ConcurrentHashMap<>();

    private AccountCore(Transport transport) {
        this.transport = transport;
    }

    /**
     * Opens a core that speaks HTTP through libcurl (a library built
     * without it refuses, {@link #ERR_ARGUMENT}). {@code configJson} is the
     * object ac_open() reads: "backend", "baseURL", "databasePath", ...
     */
    public static AccountCore open(String configJson) throws AccountCoreException {
        return open(configJson, null);
    }

    /**
     * Opens a core whose every request goes through {@code transport}, the
     * app's own HTTP stack (null: libcurl, as {@link #open(String)}).
     */
    public static AccountCore open(String configJson, Transport transport) throws AccountCoreException {
        AccountCore core = new AccountCore(transport);
        long[] handle = {0};
        String[] error = {null};
        int status = nativeOpen(core, configJson, transport != null, handle, error);
        if (status != OK) throw new AccountCoreException(status, error[0]);
        synchronized (core.lock) {
            core.handle = handle[0];
        }
        return core;
    }

    /** ac_abi_version(): the library's interface version. */
    public static int abiVersion() {
        return nativeAbiVersion();
    }

    /** ac_version(): the library's version, e.g. "1.2.0". */
    public static String version() {
        return nativeVersion();
    }

    /** ac_status_name(status): "AC_OK", ..., "AC_UNKNOWN". */
    public static String statusName(int status) {
        return nativeStatusName(status);
    }

    /**
     * The signed-in user's new bearer token (after a refresh); null clears it.
     * A token outside RFC 6750's b64token (a space, CR, LF, ...) is
     * AC_ERR_ARGUMENT, nothing changed. ac_set_token().
     */
    public int setToken(String token) {
        return using(core -> nativeSetToken(core, token));
    }

    /**
     * Signs in {@code account} (the user id at the back end; null: learn it
     * from the token) with {@code token} (null: signed in without one).
     * A token outside RFC 6750's b64token is AC_ERR_ARGUMENT. ac_sign_in().
     */
    public int signIn(String account, String token) {
        return using(core -> nativeSignIn(core, account, token));
    }

    /**
     * Signs out: clears the token and who is signed in, and answers what
     * was not sent yet; with {@code discard}, those operations are removed.
     * ac_call("signOut").
     */
    public CallResult signOut(boolean discard) {
        return call("signOut", discard ? "{\"discard\": true}" : null);
    }

    /** Whether the network is there; coming back online sends what was queued. ac_set_online(). */
    public int setOnline(boolean online) {
        return using(core -> nativeSetOnline(core, online));
    }

    /**
     * Runs one operation ("status", "requestDeletion", ...) with its
     * arguments (a JSON object, or null). ac_call(): account_core.h lists
     * each operation and its JSON.
     */
    public CallResult call(String operation, String argumentsJson) {
        String[] json = {null};
        int status = using(core -> nativeCall(core, operation, argumentsJson, json));
        return new CallResult(status, json[0]);
    }

    /** Sets who receives the events; null removes it. */
    public void setEventListener(EventListener listener) {
        this.listener = listener;
    }

    /**
     * Closes the core: ends what the app's transport has not answered (the
     * calls waiting for it return {@link #ERR_NETWORK}), waits for the calls
     * under way, then ac_close(). Later calls throw
     * {@link IllegalStateException}; closing again does nothing. Never from
     * the event listener.
     */
    @Override
    public void close() {
        if (IN_LISTENER.get() != null) {
            throw new IllegalStateException("AccountCore.close() from its own event listener");
        }
        synchronized (lock) {
            if (closing) return;
            closing = true;
        }
        for (TransportRequest request : outstanding.values()) cancelForClose(request);
        long core;
        boolean interrupted = false;
        synchronized (lock) {
            while (active > 0) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            core = handle;
            handle = 0;
        }
        nativeClose(core);
        if (interrupted) Thread.currentThread().interrupt();
    }

    /**
     * Runs {@code body} with the core's handle, counted as a call under way
     * (close() waits for it); refused once close() began.
     */
    private int using(LongToIntFunction body) {
        long core;
        synchronized (lock) {
            if (closing) throw new IllegalStateException("AccountCore is closed");
            active++;
            core = handle;
        }
        try {
            return body.applyAsInt(core);
        } finally {
            synchronized (lock) {
                if (--active == 0) lock.notifyAll();
            }
        }
    }

    /** Tells the app's transport, then answers it ourselves: the call waiting for it returns. */
    private void cancelForClose(TransportRequest request) {
        try {
            transport.cancel(request);
        } catch (Throwable ignored) {
            // The app's mistake must not keep the core open.
        }
        request.fail(TransportFailure.CANCELLED, "cancelled: the core is closing");
    }

    /** A request of ours was answered: it is no longer outstanding. */
    void answered(TransportRequest request) {
        outstanding.remove(request.handle(), request);
    }

    // Called by the JNI layer on the library's threads.

    private void sendFromNative(long handle, String method, String url, String[] headers, byte[] body,
            int timeoutMillis) {
        TransportRequest request = new TransportRequest(this, handle, method, url, headers, body, timeoutMillis);
        outstanding.put(handle, request);
        // Put before reading `closing`, as close() sets it before it reads
        // `outstanding`: one of the two sees the other.
        if (closing) {
            request.fail(TransportFailure.CANCELLED, "cancelled: the core is closing");
            return;
        }
        try {
            transport.send(request);
        } catch (Throwable thrown) {
            request.fail(TransportFailure.OTHER, "the app's transport threw " + thrown.getClass().getName());
        }
    }

    private void cancelFromNative(long handle) {
        TransportRequest request = outstanding.get(handle);
        if (request == null) return; // answered meanwhile
        try {
            transport.cancel(request);
        } catch (Throwable ignored) {
            // The request stays to be answered, as the app's transport will.
        }
    }

    private void eventFromNative(String json) {
        EventListener current = listener;
        if (current == null) return;
        IN_LISTENER.set(Boolean.TRUE);
        try {
            current.onEvent(json);
        } catch (Throwable ignored) {
            // A listener's exception has nobody to go to on this thread.
        } finally {
            IN_LISTENER.remove();
        }
    }

    private static native int nativeAbiVersion();

    private static native String nativeVersion();

    private static native String nativeStatusName(int status);

    private static native int nativeOpen(AccountCore peer, String configJson, boolean withTransport, long[] outHandle,
            String[] outError);

    private static native void nativeClose(long core);

    private static native int nativeSetToken(long core, String token);

    private static native int nativeSignIn(long core, String account, String token);

    private static native int nativeSetOnline(long core, boolean online);

    private static native int nativeCall(long core, String operation, String argumentsJson, String[] outJson);
}
