/**
 * The C interface of AccountCore as an Android shell binds it: one Java
 * method per C function it needs, implemented by the JNI shim
 * {@code account_core_jni.c}, which converts strings between Java's UTF-16
 * and the library's UTF-8 and frees every string the library hands out.
 *
 * <p>Out-parameters are one-element arrays, as in the C functions, so a
 * caller sees the status and the JSON of every call.
 */
final class AccountCore {
    /** Status codes of account_core.h that the shell branches on. */
    static final int AC_OK = 0;
    static final int AC_QUEUED = 1;
    static final int AC_ERR_ARGUMENT = 2;

    private AccountCore() {}

    /**
     * Loads the shim from an absolute path (an app would use
     * System.loadLibrary; the tests build the shim in a temporary folder).
     */
    static void load(String shimPath) {
        System.load(shimPath);
    }

    /** ac_abi_version(). */
    static native int abiVersion();

    /** ac_version(). */
    static native String version();

    /** ac_status_name(status). */
    static native String statusName(int status);

    /**
     * ac_open(config, &core, &error): on AC_OK {@code outCore[0]} is the core's
     * handle, otherwise {@code outError[0]} is the error JSON.
     */
    static native int open(String configJson, long[] outCore, String[] outError);

    /** ac_close(core). */
    static native void close(long core);

    /** ac_set_token(core, token); null clears it. */
    static native int setToken(long core, String token);

    /** ac_set_online(core, online). */
    static native int setOnline(long core, int online);

    /** ac_call(core, operation, arguments, &json): {@code outJson[0]} is the result. */
    static native int call(long core, String operation, String argumentsJson, String[] outJson);
}
