package org.accountcore;

/**
 * The app's own HTTP stack, as the core's transport: the core describes
 * each request, the app performs it (with its proxy, certificate store,
 * pinning and interceptors) and answers it, and libcurl is never used.
 * Give it to {@link AccountCore#open(String, Transport)}.
 *
 * <p>Both methods are called on the library's threads and must return
 * promptly: start the exchange (an OkHttp {@code enqueue}, an
 * {@code HttpClient.sendAsync}) and answer when it ends. What they throw
 * answers the request as {@link TransportFailure#OTHER}.
 */
public interface Transport {
    /**
     * Performs {@code request} and answers it exactly once, from any thread,
     * now or later: {@link TransportRequest#respond} with the final response
     * (a 4xx or 5xx is a response), or {@link TransportRequest#fail}.
     */
    void send(TransportRequest request);

    /**
     * The core no longer wants the answer to {@code request}: its timeout ran
     * out, or the core is closing. Stop the exchange if you can; the request
     * must still be answered ({@link TransportFailure#CANCELLED} is the
     * natural answer), and that answer is ignored. Comes at most once per
     * request, only after {@link #send} returned, and possibly while another
     * thread answers it.
     */
    void cancel(TransportRequest request);
}
