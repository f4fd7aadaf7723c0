package org.accountcore;

/** What a call answered: its status ({@code AccountCore.OK}, ...) and its one JSON object. */
public final class CallResult {
    /** One of the status codes of {@link AccountCore}. */
    public final int status;
    /** The result, or {@code {"error": {...}}} on failure (see account_core.h). */
    public final String json;

    CallResult(int status, String json) {
        this.status = status;
        this.json = json;
    }

    /** Whether the call succeeded: done ({@code OK}) or saved to be sent ({@code QUEUED}). */
    public boolean succeeded() {
        return status == AccountCore.OK || status == AccountCore.QUEUED;
    }

    @Override
    public String toString() {
        return AccountCore.statusName(status) + " " + json;
    }
}
