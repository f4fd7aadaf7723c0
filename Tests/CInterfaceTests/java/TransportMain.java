import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.accountcore.AccountCore;
import org.accountcore.AccountCoreException;
import org.accountcore.CallResult;
import org.accountcore.Transport;
import org.accountcore.TransportRequest;
import org.accountcore.samples.HttpClientTransport;

/**
 * The JNI binding with the app's own HTTP stack: every request of the core
 * goes through the sample {@link HttpClientTransport} (java.net.http), which
 * marks it with its User-Agent; the Swift test then reads the emulator's
 * request log.
 *
 * <p>Usage: java -Dorg.accountcore.jni=LIBRARY TransportMain flow|unicode|threads BASE_URL TOKEN DATABASE_PATH
 * <ul>
 * <li>flow: status, request, offline cancel, back online (the cancel
 * delivered, seen as an event) and sync.
 * <li>unicode: ş, İ and an emoji through call JSON to the server and back,
 * through a refusal, and as a user id through the store and back.
 * <li>threads: calls from several Java threads at once, then close while
 * threads still call.
 * </ul>
 * Exits 0 when every check held; otherwise prints each failure and exits 1.
 */
public final class TransportMain {
    private TransportMain() {}

    /** The sample transport, keeping the bodies it sent (decoded as UTF-8). */
    static final class RecordingTransport implements Transport {
        final HttpClientTransport inner = new HttpClientTransport();
        final List<String> bodies = new ArrayList<>();
        final AtomicInteger sent = new AtomicInteger();

        @Override
        public void send(TransportRequest request) {
            sent.incrementAndGet();
            if (request.body() != null) {
                synchronized (bodies) {
                    bodies.add(new String(request.body(), StandardCharsets.UTF_8));
                }
            }
            inner.send(request);
        }

        @Override
        public void cancel(TransportRequest request) {
            inner.cancel(request);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: java TransportMain flow|unicode|threads BASE_URL TOKEN DATABASE_PATH");
            System.exit(2);
        }
        String config = "{\"backend\": \"allmine\", \"baseURL\": " + Checks.quote(args[1]) + ", \"databasePath\": "
                + Checks.quote(args[3]) + ", \"language\": \"tr\", \"platform\": \"mobile_android\"}";
        RecordingTransport transport = new RecordingTransport();
        switch (args[0]) {
            case "flow": flow(config, args[2], transport); break;
            case "unicode": unicode(config, args[2], transport); break;
            case "threads": threads(config, args[2], transport); break;
            default:
                System.err.println("unknown mode " + args[0]);
                System.exit(2);
        }
        Checks.expect(transport.sent.get() > 0, "requests went through the Java transport", null);
        Checks.finish("transport " + args[0]);
    }

    static void flow(String config, String token, RecordingTransport transport) throws Exception {
        CountDownLatch cancelSynced = new CountDownLatch(1);
        try (AccountCore core = AccountCore.open(config, transport)) {
            core.setEventListener(json -> {
                if ("operationSynced".equals(Checks.member(json, "type")) && json.contains("\"cancelDeletion\"")) {
                    cancelSynced.countDown();
                }
            });
            Checks.expectStatus(core.setToken(token), AccountCore.OK, "setToken", null);

            CallResult status = Checks.expectCall(core, "status", null, AccountCore.OK);
            Checks.expect("server".equals(Checks.member(status.json, "source")), "status: from the server", status.json);
            Checks.expect("none".equals(Checks.member(status.json, "status")), "status: no deletion yet", status.json);

            CallResult requested = Checks.expectCall(core, "requestDeletion", "{}", AccountCore.OK);
            Checks.expect("pending".equals(Checks.member(requested.json, "status")), "requestDeletion: pending",
                    requested.json);

            Checks.expectStatus(core.setOnline(false), AccountCore.OK, "setOnline(false)", null);
            CallResult cancel = Checks.expectCall(core, "cancelDeletion", null, AccountCore.QUEUED);
            Checks.expect("cancelDeletion".equals(Checks.member(cancel.json, "kind")), "offline cancel: queued",
                    cancel.json);

            Checks.expectStatus(core.setOnline(true), AccountCore.OK, "setOnline(true)", null);
            Checks.expect(cancelSynced.await(60, TimeUnit.SECONDS),
                    "back online, the queued cancel is delivered (operationSynced)", null);

            CallResult synced = Checks.expectCall(core, "sync", null, AccountCore.OK);
            Checks.expect(synced.json.matches("(?s).*\"remaining\"\\s*:\\s*0\\b.*"), "sync: nothing remains",
                    synced.json);

            CallResult last = Checks.expectCall(core, "status", null, AccountCore.OK);
            Checks.expect("cancelled".equals(Checks.member(last.json, "status")), "status at the end: cancelled",
                    last.json);
        }
    }

    static void unicode(String config, String token, RecordingTransport transport) throws Exception {
        String emoji = new String(Character.toChars(0x1F600));
        String reason = "Hoşça kalın, İstanbul " + emoji;
        try (AccountCore core = AccountCore.open(config, transport)) {
            Checks.expectStatus(core.setToken(token), AccountCore.OK, "setToken", null);

            // Java → JNI → the core's JSON → the request body the transport sends.
            Checks.expectCall(core, "requestDeletion", "{\"reason\": " + Checks.quote(reason) + "}", AccountCore.OK);
            String sentReason = null;
            synchronized (transport.bodies) {
                for (String body : transport.bodies) {
                    String found = Checks.member(body, "reason");
                    if (found != null) sentReason = found;
                }
            }
            Checks.expect(reason.equals(sentReason), "the body sent carries the reason exactly: " + reason,
                    sentReason);

            // The core's refusals name each character, whole, in Turkish.
            for (String character : new String[] {"ş", "İ", emoji}) {
                CallResult refused = Checks.expectCall(core, "changeUsername",
                        "{\"newUsername\": " + Checks.quote("ab" + character + "c") + "}", AccountCore.ERR_ARGUMENT);
                String message = Checks.member(refused.json, "message");
                Checks.expect(message != null && message.contains("“" + character + "”")
                        && message.contains("kullanıcı adında"), "the refusal names " + character, refused.json);
            }

            // A user id through the store and back: signed in offline, an
            // operation queued under it, listed, then signed out.
            String account = "kullanıcı-İş-" + emoji;
            Checks.expectStatus(core.setOnline(false), AccountCore.OK, "setOnline(false)", null);
            Checks.expectStatus(core.signIn(account, null), AccountCore.OK, "signIn(" + account + ")", null);
            Checks.expectCall(core, "requestDeletion", "{\"reason\": " + Checks.quote(reason) + "}", AccountCore.QUEUED);
            CallResult outbox = Checks.expectCall(core, "outbox", null, AccountCore.OK);
            Checks.expect(account.equals(Checks.member(outbox.json, "account")), "the queued operation's owner",
                    outbox.json);
            CallResult signedOut = core.signOut(true);
            Checks.expectStatus(signedOut.status, AccountCore.OK, "signOut(true)", signedOut.json);
            Checks.expect(account.equals(Checks.member(signedOut.json, "account")), "the signed-out account",
                    signedOut.json);
        }
    }

    static void threads(String config, String token, RecordingTransport transport) throws Exception {
        AccountCore core = AccountCore.open(config, transport);
        Checks.expectStatus(core.setToken(token), AccountCore.OK, "setToken", null);
        int threadCount = 8;
        String[] operations = {"status", "profile", "capabilities", "outbox"};
        CyclicBarrier start = new CyclicBarrier(threadCount);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < threadCount; t++) {
            int index = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    for (int round = 0; round < 5; round++) {
                        String operation = operations[(index + round) % operations.length];
                        Checks.expectCall(core, operation, null, AccountCore.OK);
                        if (index == 0) Checks.expectStatus(core.setToken(token), AccountCore.OK, "setToken again", null);
                    }
                } catch (Exception e) {
                    Checks.expect(false, "thread " + index + " threw " + e, null);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) thread.join();

        // Close while threads still call: each call returns or is refused
        // as closed, and nothing crashes.
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch calling = new CountDownLatch(threadCount);
        threads.clear();
        for (int t = 0; t < threadCount; t++) {
            Thread thread = new Thread(() -> {
                calling.countDown();
                try {
                    while (true) {
                        CallResult result = core.call("status", null);
                        Checks.expect(result.status == AccountCore.OK || result.status == AccountCore.ERR_NETWORK,
                                "a status during close: OK, or cut short", result.json);
                    }
                } catch (IllegalStateException closed) {
                    refused.incrementAndGet();
                }
            });
            threads.add(thread);
            thread.start();
        }
        calling.await();
        core.close();
        for (Thread thread : threads) thread.join();
        Checks.expect(refused.get() == threadCount, "every thread was told the core closed", null);
        core.close();
    }
}
