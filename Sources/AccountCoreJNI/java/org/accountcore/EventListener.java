package org.accountcore;

/**
 * Receives the core's events (operationQueued, operationSynced,
 * operationFailed, syncPaused, statusChanged, deadlineApproaching), each as
 * one JSON object. Called on a thread of the library's: return quickly (post
 * to the main thread), and never call {@link AccountCore#close} from it.
 */
public interface EventListener {
    /** One event, e.g. {@code {"type": "operationSynced", ...}}. */
    void onEvent(String json);
}
