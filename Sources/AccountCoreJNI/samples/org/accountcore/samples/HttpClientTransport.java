package org.accountcore.samples;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;
import org.accountcore.Transport;
import org.accountcore.TransportFailure;
import org.accountcore.TransportRequest;

/**
 * A sample {@link Transport} on {@code java.net.http.HttpClient} (Java 11+;
 * not on Android, where the same few lines go to OkHttp: {@code
 * client.newCall(request).enqueue(callback)} to send, {@code call.cancel()}
 * to cancel, {@code response.headers().toMultimap()} for the headers).
 *
 * <p>It keeps the rules a transport must keep: TLS verified by the
 * platform, no redirect followed (the core decides what a 3xx means), each
 * request answered exactly once (a cancel answers it at once; the exchange's
 * own end is then ignored), every request marked with the app's own
 * User-Agent.
 */
public final class HttpClientTransport implements Transport {
    /** The User-Agent every request carries. */
    public static final String USER_AGENT = "AccountCore-Sample-HttpClient/1.0 (java.net.http)";

    /** Headers HttpClient sets itself and refuses from the caller. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    private final HttpClient client;
    private final Map<TransportRequest, CompletableFuture<?>> inFlight = new ConcurrentHashMap<>();

    /** A transport over a client of its own. */
    public HttpClientTransport() {
        this(HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build());
    }

    /** A transport over the app's client (its proxy, SSL context, executor). */
    public HttpClientTransport(HttpClient client) {
        this.client = client;
    }

    @Override
    public void send(TransportRequest request) {
        HttpRequest.Builder builder;
        try {
            builder = HttpRequest.newBuilder(URI.create(request.url()))
                    .timeout(Duration.ofMillis(request.timeoutMillis()))
                    .method(request.method(), request.body() == null
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(request.body()));
            // Plain http:// speaks HTTP/1.1 at once, without an h2c upgrade.
            if (request.url().startsWith("http://")) builder.version(HttpClient.Version.HTTP_1_1);
            for (Map.Entry<String, String> header : request.headers()) {
                if (!RESTRICTED.contains(header.getKey().toLowerCase(java.util.Locale.ROOT))) {
                    builder.header(header.getKey(), header.getValue());
                }
            }
            builder.setHeader("User-Agent", USER_AGENT);
        } catch (IllegalArgumentException refused) {
            request.fail(TransportFailure.OTHER, "HttpClient refused the request: " + refused.getMessage());
            return;
        }
        CompletableFuture<HttpResponse<byte[]>> exchange =
                client.sendAsync(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        inFlight.put(request, exchange);
        exchange.whenComplete((response, error) -> {
            inFlight.remove(request);
            if (error == null) {
                request.respond(response.statusCode(), response.headers().map(), response.body());
            } else {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                request.fail(kind(cause), cause.getClass().getSimpleName());
            }
        });
    }

    @Override
    public void cancel(TransportRequest request) {
        CompletableFuture<?> exchange = inFlight.remove(request);
        if (exchange != null) exchange.cancel(true);
        request.fail(TransportFailure.CANCELLED, "cancelled as the core asked");
    }

    /** What kind of failure {@code error} is, for the core. */
    static TransportFailure kind(Throwable error) {
        if (error instanceof HttpConnectTimeoutException || error instanceof HttpTimeoutException) {
            return TransportFailure.TIMEOUT;
        }
        if (error instanceof ConnectException || error instanceof UnresolvedAddressException) {
            return TransportFailure.NO_CONNECTION;
        }
        if (error instanceof SSLException) return TransportFailure.TLS;
        if (error instanceof CancellationException) return TransportFailure.CANCELLED;
        if (error instanceof IOException) return TransportFailure.INTERRUPTED;
        return TransportFailure.OTHER;
    }
}
