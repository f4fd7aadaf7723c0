import org.accountcore.AccountCore;
import org.accountcore.AccountCoreException;
import org.accountcore.CallResult;

/**
 * What an Android shell does through the JNI binding with the library's own
 * HTTP (libcurl): open a core, read the status, request a deletion, cancel
 * it offline (queued), and have a refusal with non-BMP text come back intact
 * through the UTF-16/UTF-8 conversions.
 *
 * <p>Usage: java -Dorg.accountcore.jni=LIBRARY Main BASE_URL TOKEN DATABASE_PATH.
 * Exits 0 when every check held; otherwise prints each failure and exits 1.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws AccountCoreException {
        if (args.length < 3) {
            System.err.println("usage: java Main BASE_URL TOKEN DATABASE_PATH");
            System.exit(2);
        }
        Checks.expect(AccountCore.abiVersion() == AccountCore.ABI_VERSION, "abiVersion() is ABI_VERSION", null);
        Checks.expect(AccountCore.version() != null && !AccountCore.version().isEmpty(), "version() is not empty", null);
        Checks.expect("AC_QUEUED".equals(AccountCore.statusName(AccountCore.QUEUED)), "statusName(1) is AC_QUEUED",
                null);

        String config = "{\"backend\": \"allmine\", \"baseURL\": " + Checks.quote(args[0]) + ", \"databasePath\": "
                + Checks.quote(args[2]) + ", \"language\": \"tr\", \"platform\": \"mobile_android\"}";
        try (AccountCore core = AccountCore.open(config)) {
            Checks.expectStatus(core.setToken(args[1]), AccountCore.OK, "setToken", null);

            CallResult status = Checks.expectCall(core, "status", null, AccountCore.OK);
            Checks.expect("server".equals(Checks.member(status.json, "source")), "status: source is server",
                    status.json);
            Checks.expect("none".equals(Checks.member(status.json, "status")), "status: no deletion yet", status.json);

            CallResult requested = Checks.expectCall(core, "requestDeletion", "{}", AccountCore.OK);
            Checks.expect("pending".equals(Checks.member(requested.json, "status")), "requestDeletion: pending",
                    requested.json);

            Checks.expectStatus(core.setOnline(false), AccountCore.OK, "setOnline(false)", null);
            CallResult cancelled = Checks.expectCall(core, "cancelDeletion", null, AccountCore.QUEUED);
            Checks.expect("cancelDeletion".equals(Checks.member(cancelled.json, "kind")),
                    "offline cancel: queued.kind is cancelDeletion", cancelled.json);

            // U+1F600 is a surrogate pair in Java and four bytes in UTF-8: it
            // must survive both conversions (JNI's own "modified UTF-8" would not).
            String emoji = new String(Character.toChars(0x1F600));
            CallResult refused = Checks.expectCall(core, "changeUsername",
                    "{\"newUsername\": \"a" + emoji + "bc\"}", AccountCore.ERR_ARGUMENT);
            String message = Checks.member(refused.json, "message");
            Checks.expect(message != null && message.contains(emoji), "the refusal names the emoji intact",
                    refused.json);
            Checks.expect(message != null && message.contains("kullanıcı adında"), "the refusal is in Turkish",
                    refused.json);

            // A lone surrogate is no text: refused by the library, not mangled.
            CallResult lone = core.call("changeUsername", "{\"newUsername\": \"a\uD800bc\"}");
            Checks.expectStatus(lone.status, AccountCore.ERR_ARGUMENT, "a lone surrogate", lone.json);
            Checks.expect(lone.json != null && lone.json.contains("arguments"), "the refusal names the arguments",
                    lone.json);
        }
        Checks.finish("jni");
    }
}
