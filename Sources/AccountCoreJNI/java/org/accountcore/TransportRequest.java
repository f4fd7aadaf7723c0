package org.accountcore;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request the core hands to the app's {@link Transport}: what to send,
 * and the one answer it waits for. Answer it exactly once, from any thread:
 * the first {@link #respond} or {@link #fail} is given to the core, any
 * later one is ignored (and returns false), so the app need not guard it.
 */
public final class TransportRequest {
    private final AccountCore core;
    private final long handle;
    private final String method;
    private final String url;
    private final List<Map.Entry<String, String>> headers;
    private final byte[] body;
    private final int timeoutMillis;
    private final AtomicBoolean answered = new AtomicBoolean();

    TransportRequest(AccountCore core, long handle, String method, String url, String[] headers, byte[] body,
            int timeoutMillis) {
        this.core = core;
        this.handle = handle;
        this.method = method;
        this.url = url;
        List<Map.Entry<String, String>> fields = new ArrayList<>(headers.length / 2);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            fields.add(new AbstractMap.SimpleImmutableEntry<>(headers[i], headers[i + 1]));
        }
        this.headers = Collections.unmodifiableList(fields);
        this.body = body;
        this.timeoutMillis = timeoutMillis;
    }

    /** The key of this request among those the core has outstanding. */
    long handle() {
        return handle;
    }

    /** {@code "GET"}, {@code "POST"}, {@code "PATCH"}, {@code "DELETE"}, ... */
    public String method() {
        return method;
    }

    /** The absolute http:// or https:// URL. */
    public String url() {
        return url;
    }

    /** The header fields to send, in order (the app adds its own, e.g. User-Agent). */
    public List<Map.Entry<String, String>> headers() {
        return headers;
    }

    /** The body to send, or null when there is none. The array is this request's: do not change it. */
    public byte[] body() {
        return body;
    }

    /** How long the core waits for the answer; it gives up by itself after that. */
    public int timeoutMillis() {
        return timeoutMillis;
    }

    /** Whether it was answered already. */
    public boolean isAnswered() {
        return answered.get();
    }

    /**
     * Answers with the final response: {@code status} (100 to 599), its header
     * fields (each name with its values, as OkHttp's {@code toMultimap()} and
     * HttpClient's {@code headers().map()} give them; may be null), and its
     * body (may be null; more than 1 MiB fails the call). Returns false when
     * it had been answered already.
     */
    public boolean respond(int status, Map<String, List<String>> headers, byte[] body) {
        if (!answered.compareAndSet(false, true)) return false;
        List<String> fields = new ArrayList<>();
        if (headers != null) {
            for (Map.Entry<String, List<String>> field : headers.entrySet()) {
                if (field.getKey() == null || field.getValue() == null) continue; // a status line, in some stacks
                for (String value : field.getValue()) {
                    fields.add(field.getKey());
                    fields.add(value == null ? "" : value);
                }
            }
        }
        core.answered(this);
        nativeRespond(handle, status, fields.toArray(new String[0]), body);
        return true;
    }

    /**
     * Answers that no response came, and why; {@code detail} is a short text
     * for logs (never a header or a body: it may be shown as the error's
     * detail). Returns false when it had been answered already.
     */
    public boolean fail(TransportFailure failure, String detail) {
        if (!answered.compareAndSet(false, true)) return false;
        core.answered(this);
        nativeFail(handle, (failure == null ? TransportFailure.OTHER : failure).code, detail);
        return true;
    }

    @Override
    public String toString() {
        return method + " " + url;
    }

    private static native int nativeRespond(long request, int status, String[] headers, byte[] body);

    private static native int nativeFail(long request, int failure, String detail);
}
