import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an Android shell does through JNI: open a core, read the status,
 * request a deletion, cancel it offline (queued), and have a refusal with
 * non-BMP text come back intact through the UTF-16/UTF-8 conversions.
 *
 * <p>Usage: java Main SHIM_PATH BASE_URL TOKEN DATABASE_PATH. Exits 0 when
 * every check held; otherwise prints each failure and exits 1.
 */
public final class Main {
    private static final List<String> failures = new ArrayList<>();

    private Main() {}

    private static void expect(boolean ok, String what, String json) {
        if (!ok) failures.add(what + (json == null ? "" : "\n      got: " + json));
    }

    private static void expectStatus(int got, int want, String what, String json) {
        expect(got == want, what + ": status " + AccountCore.statusName(got) + ", expected "
                + AccountCore.statusName(want), json);
    }

    /** The string member {@code name} anywhere in {@code json}, unescaped; null when absent. */
    static String member(String json, String name) {
        if (json == null) return null;
        Matcher matcher = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"")
                .matcher(json);
        return matcher.find() ? unescape(matcher.group(1)) : null;
    }

    /** JSON string escapes decoded: the library may escape non-ASCII text, or not. */
    static String unescape(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\' || i + 1 >= text.length()) {
                out.append(c);
                continue;
            }
            char escape = text.charAt(++i);
            switch (escape) {
                case 'n': out.append('\n'); break;
                case 't': out.append('\t'); break;
                case 'r': out.append('\r'); break;
                case 'b': out.append('\b'); break;
                case 'f': out.append('\f'); break;
                case 'u':
                    out.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
                    i += 4;
                    break;
                default: out.append(escape);
            }
        }
        return out.toString();
    }

    static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    public static void main(String[] args) {
        if (args.length < 4) {
            System.err.println("usage: java Main SHIM_PATH BASE_URL TOKEN DATABASE_PATH");
            System.exit(2);
        }
        AccountCore.load(args[0]);
        expect(AccountCore.abiVersion() == 1, "abiVersion() is 1", null);
        expect(AccountCore.version() != null && !AccountCore.version().isEmpty(), "version() is not empty", null);
        expect("AC_QUEUED".equals(AccountCore.statusName(AccountCore.AC_QUEUED)), "statusName(1) is AC_QUEUED", null);

        String config = "{\"backend\": \"allmine\", \"baseURL\": " + quote(args[1]) + ", \"databasePath\": "
                + quote(args[3]) + ", \"language\": \"tr\", \"platform\": \"mobile_android\"}";
        long[] core = {0};
        String[] error = {null};
        int opened = AccountCore.open(config, core, error);
        expectStatus(opened, AccountCore.AC_OK, "open", error[0]);
        if (opened != AccountCore.AC_OK) finish();
        expectStatus(AccountCore.setToken(core[0], args[2]), AccountCore.AC_OK, "setToken", null);

        String[] json = {null};
        expectStatus(AccountCore.call(core[0], "status", null, json), AccountCore.AC_OK, "status", json[0]);
        expect("server".equals(member(json[0], "source")), "status: source is server", json[0]);
        expect("none".equals(member(json[0], "status")), "status: no deletion yet", json[0]);

        expectStatus(AccountCore.call(core[0], "requestDeletion", "{}", json), AccountCore.AC_OK, "requestDeletion",
                json[0]);
        expect("pending".equals(member(json[0], "status")), "requestDeletion: pending", json[0]);

        expectStatus(AccountCore.setOnline(core[0], 0), AccountCore.AC_OK, "setOnline(0)", null);
        expectStatus(AccountCore.call(core[0], "cancelDeletion", null, json), AccountCore.AC_QUEUED,
                "offline cancelDeletion", json[0]);
        expect("cancelDeletion".equals(member(json[0], "kind")), "offline cancel: queued.kind is cancelDeletion",
                json[0]);

        // U+1F600 is a surrogate pair in Java and four bytes in UTF-8: it
        // must survive both conversions (JNI's own "modified UTF-8" would not).
        String emoji = new String(Character.toChars(0x1F600));
        expectStatus(AccountCore.call(core[0], "changeUsername", "{\"newUsername\": \"a" + emoji + "bc\"}", json),
                AccountCore.AC_ERR_ARGUMENT, "changeUsername with an emoji", json[0]);
        String message = member(json[0], "message");
        expect(message != null && message.contains(emoji), "the refusal names the emoji intact", json[0]);
        expect(message != null && message.contains("kullanıcı adında"), "the refusal is in Turkish", json[0]);

        AccountCore.close(core[0]);
        finish();
    }

    private static void finish() {
        for (String failure : failures) System.out.println("FAIL: " + failure);
        if (!failures.isEmpty()) {
            System.out.println(failures.size() + " check(s) failed");
            System.exit(1);
        }
        System.out.println("jni: all checks held");
        System.exit(0);
    }
}
