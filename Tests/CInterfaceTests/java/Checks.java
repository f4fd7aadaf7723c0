import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.accountcore.AccountCore;
import org.accountcore.CallResult;

/**
 * How the Java test programs report: each failed check is printed with the
 * JSON it was about, and the program exits 1 when any failed, so the Swift
 * test shows every failure of one run at once.
 */
final class Checks {
    private static final List<String> failures = new ArrayList<>();
    private static int checks = 0;

    private Checks() {}

    static synchronized void expect(boolean ok, String what, String json) {
        checks++;
        if (!ok) failures.add(what + (json == null ? "" : "\n      got: " + json));
    }

    static void expectStatus(int got, int want, String what, String json) {
        expect(got == want, what + ": status " + AccountCore.statusName(got) + ", expected "
                + AccountCore.statusName(want), json);
    }

    static CallResult expectCall(AccountCore core, String operation, String arguments, int want) {
        CallResult result = core.call(operation, arguments);
        expectStatus(result.status, want, "call(\"" + operation + "\")", result.json);
        expect(result.json != null && result.json.trim().startsWith("{"), "call(\"" + operation
                + "\") answers a JSON object", result.json);
        return result;
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

    /** {@code text} as a JSON string literal. */
    static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Prints the failures and exits: 0 when every check held. */
    static void finish(String name) {
        synchronized (Checks.class) {
            for (String failure : failures) System.out.println("FAIL: " + failure);
            if (!failures.isEmpty()) {
                System.out.println(failures.size() + " of " + checks + " check(s) failed");
                System.exit(1);
            }
            System.out.println(name + ": all " + checks + " checks held");
        }
        System.exit(0);
    }
}
