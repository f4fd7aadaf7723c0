/*
** account_core.h: the stable C interface of AccountCore.
**
** AccountCore drives the end of an account's life and its renames (request,
** cancel and finalize a deletion; GDPR erasure; scheduled deletion; username
** changes) against Allmine, Mudbase or Ovok, offline first: what the user
** does without a network is kept in an SQLite file and delivered exactly
** once, before its deadline, or reported.
**
** This header is hand-written and checked by the compiler against the Swift
** implementation (`@c @implementation`), so it cannot drift from the code.
** Link with -lAccountCoreC.
**
** STABILITY. The interface grows only by adding: new functions and new
** status codes may come, none is changed or removed without a new
** AC_ABI_VERSION. A retired status keeps its number. JSON objects may gain
** members; a caller ignores members it does not know. See the `symbols`
** file for the version each symbol came in.
**
** OWNERSHIP. Every `char *` the library hands out (out_json, out_error_json)
** is owned by the caller and freed with ac_string_free(), never free().
** Every `const char *` returned (ac_version, ac_status_name) is static and
** never freed. Strings passed in are only read during the call.
**
** THREADS. Every function may be called from any thread. Calls on one core
** may run concurrently; ac_close() waits for them. The event handler runs
** on a thread the library owns.
**
** STRINGS. Every string is UTF-8 and NUL-terminated. Input that is NULL
** where a string is required, not UTF-8, not JSON where JSON is required,
** or longer than 1 MiB is refused with AC_ERR_ARGUMENT; the library never
** crashes on bad input.
*/
#ifndef ACCOUNT_CORE_H
#define ACCOUNT_CORE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this interface. ac_abi_version() returns the library's:
** an app checks that the two match. */
#define AC_ABI_VERSION 1

/* An open core: one account of one back end, with its store. Opaque. */
typedef struct ac_core ac_core;

/* The result of a call: one of the AC_ codes below. */
typedef int32_t ac_status;

/* Status codes. Append only: numbers are never reused. */
enum {
  AC_OK = 0,                      /* done */
  AC_QUEUED = 1,                  /* saved in the outbox; it will be sent when possible */
  AC_ERR_ARGUMENT = 2,            /* bad input: refused before anything was sent */
  AC_ERR_NETWORK = 3,             /* the server could not be reached (nothing was queued) */
  AC_ERR_UNAUTHORIZED = 4,        /* 401: a new token is needed; or error.code "accountMismatch": the
                                  ** token is another user's than the one signed in, nothing was sent */
  AC_ERR_FORBIDDEN = 5,           /* 403 */
  AC_ERR_NOT_FOUND = 6,           /* 404: nothing to act on */
  AC_ERR_CONFLICT = 7,            /* 409: not in the account's current state */
  AC_ERR_RATE_LIMITED = 8,        /* 429: see error.retryAfter */
  AC_ERR_SERVER = 9,              /* 5xx */
  AC_ERR_UNEXPECTED_RESPONSE = 10,/* an answer that could not be read */
  AC_ERR_STORAGE = 11,            /* the local store failed */
  AC_ERR_UNSUPPORTED = 12,        /* the back end does not offer this */
  AC_ERR_INTERNAL = 13            /* a bug in the library; please report */
};

/* Receives events as one JSON object, e.g. {"type": "operationSynced", ...}.
** `event_json` is valid only during the call. Runs on a library thread;
** must not call ac_close() on the core that sent it. */
typedef void (*ac_event_handler)(void *context, const char *event_json);

/* The library's interface version (AC_ABI_VERSION of the build). */
uint32_t ac_abi_version(void);

/* The library's version, e.g. "1.0.0". Static: do not free. */
const char *ac_version(void);

/* A static name for any status, e.g. "AC_OK"; "AC_UNKNOWN" for a number
** that is not a status. Do not free. */
const char *ac_status_name(ac_status s);

/* Opens a core. `config_json` is an object with
**   "backend"       "allmine", "mudbase" or "ovok"          (required)
**   "baseURL"       "https://..." or "http://..."           (required)
**   "databasePath"  the store's file; created 0600          (required)
**   "account"       the user id of who is signed in, at the back end
**                   (optional; without it the core learns it from the
**                   first token, see ac_sign_in)            (since 1.1.0)
**   "language"      "en" or "tr"                            (default "en")
**   "timezone"      "UTC", "UTC+03:00", ...                 (default "UTC")
**   "platform"      "web", "mobile_ios", "mobile_android", ... (default "web")
**   "appVersion", "deviceId"  free text                     (optional)
**   "timeoutSeconds" a number from 0.1 to 600               (default 30)
** An unknown key, a wrong type or a bad value is AC_ERR_ARGUMENT.
** On AC_OK, *out_core is the core, for ac_close(). On failure *out_core is
** NULL and, when out_error_json is not NULL, *out_error_json is set to
** {"error": {...}} (free it with ac_string_free()); else it is set to NULL.
** The core starts online; it syncs what is queued in the background.
** Changing "baseURL" between runs keeps every queued operation: an account
** is its back end and user id, not its server's address. */
ac_status ac_open(const char *config_json, ac_core **out_core, char **out_error_json);

/* Closes a core: waits for calls in flight, stops background syncing
** (cancelling a transfer under way: its operation stays queued, and is sent
** again with the same key), releases the store. NULL is a harmless no-op.
** `core` is invalid after. */
void ac_close(ac_core *core);

/* Gives the signed-in user a new bearer token (after a refresh), kept in
** memory only; NULL clears it. The token is taken to be the same user's:
** where the back end can say whose a token is (Allmine), the core asks
** before sending anything under it, and a token of another user stops
** sending ("accountMismatch"). To change users, call ac_sign_in(). With
** nobody signed in, as ac_sign_in(core, NULL, token). A queue paused by a
** 401 resumes. */
ac_status ac_set_token(ac_core *core, const char *token);

/* Signs in `account` (the user id at the back end) with `token`, both in
** memory only. An account is a person: every queued operation, cached
** value and audit entry belongs to the user who was signed in when it was
** made, and an operation is sent only under a token of that user. Signing
** in another user leaves the previous one's operations in the store,
** intact, until they sign in again.
**
** `account` NULL: learn whose the token is, from the store (a token seen
** before) or the server (Allmine's GET /users/me, Ovok's answers); until
** then the person is known by this token alone, and only it sends their
** operations. `token` NULL: sign the user in without a token; what they do
** is queued until ac_set_token() gives one. Both NULL: AC_ERR_ARGUMENT
** (sign out with ac_call(core, "signOut", ...)).
**
** Returns AC_OK; AC_ERR_ARGUMENT for an empty token, or an account that is
** empty, over 256 bytes or holds a control character; AC_ERR_UNAUTHORIZED when the server said before that
** `token` is another user's (nothing changes); AC_ERR_STORAGE. Since 1.1.0. */
ac_status ac_sign_in(ac_core *core, const char *account, const char *token);

/* Tells the core whether the network is there: 1 online, 0 offline.
** Offline, nothing touches the network and what can wait is queued;
** coming back online starts sending it. Other values: AC_ERR_ARGUMENT. */
ac_status ac_set_online(ac_core *core, int32_t online);

/* Sets the function that receives events (NULL removes it). Events:
** operationQueued, operationSynced, operationFailed, syncPaused,
** statusChanged, deadlineApproaching. */
ac_status ac_set_event_handler(ac_core *core, ac_event_handler handler, void *context);

/* Runs one operation. `arguments_json` is an object, or NULL for none.
** *out_json is always set to one JSON object (free it with ac_string_free())
** when out_json is not NULL:
**
**   operation          arguments                        result (AC_OK unless said)
**   "status"           -                                {"deletion", "source": "server"|"cache", "asOf", "queued": [op],
**                                                        "counts": {"queued", "failed", "missed"}}
**   "profile"          -                                {"profile"}
**   "stats"            -                                {"stats"}
**   "capabilities"     -                                {"capabilities"}
**   "requestDeletion"  {"reason"?, "days"?, "wipe"?}    {"deletion"}; AC_QUEUED: {"queued": op, "deletion"}
**   "cancelDeletion"   {"email"?, "password"?}          {"deletion"}; AC_QUEUED: {"queued": op, "deletion"}
**   "finalizeDeletion" -                                {"finalized": deletion + "userId"}
**   "erase"            {"confirmation", "reason"?}      {"erasure": deletion + "details"}
**   "changeUsername"   {"newUsername"}                  {"username"}; AC_QUEUED: {"queued": op}
**   "sync"             -                                {"sent", "failed", "remaining", "waiting"}
**   "outbox"           {"all"?}                         {"queued": [op]}: the signed-in user's;
**                                                       with "all": true, every owner's
**   "signOut"          {"discard"?}                     {"signedOut": {"account", "unsent": [op], "discarded"}}
**
** A deletion is {"status": "none"|"pending"|"cancelled"|"finalized",
** "requestedAt", "scheduledFor", "canCancelUntil", "finalizedAt" (ISO 8601
** or null), "remainingDays" (or null), "isLocked", "cancellation":
** "api"|"login"|"notCancellable", "wipe"}. An op is {"id", "kind" (the
** operation's name), "createdAt", "attempts", "state": "queued"|"sending"|
** "failed"|"missed", "deadline" (the canCancelUntil a cancel must beat, or
** null), "lastError", "account" (the user id of its owner, or null while
** nobody has said: then sent only under the token it was made under),
** "backend", "held" (true for an earlier store's op whose owner could not
** be told: it is never sent under a guess)}.
** A status's "queued" holds the operations that decide what the deletion
** becomes: the first queued request (laid over "deletion") and the first
** queued cancel (with the deadline it must beat), oldest first; "counts"
** says how many operations of the user are in the outbox in each state
** ("queued" includes one on its way); "outbox" lists them all. A status
** costs the same with ten operations queued or a hundred thousand.
** "finalized" adds "userId" (the server's, or null); "erasure" adds
** "details": {"dataAnonymized", "apiKeysDeactivated", "sessionsDeleted",
** "accountDisabled"} (each true, false or null), or null. A completed
** "requestDeletion" adds "user": {"id", "firstName", "lastName", "email",
** "project": {"reference", "display"}} where the server described the user
** (Ovok). "signOut" clears the token and who is signed in; "unsent" is what
** the user made that has not reached the server (each cancel with its
** deadline), so the app can warn before they leave; "discard": true
** removes those operations, audited, and nothing else ever drops them.
** "sync" and background syncing send the signed-in user's operations only;
** a sync asked for tries at once what waits on a backoff, never before a
** server's Retry-After.
** "waiting" says why "remaining" ones were not sent:
** {"reason": "offline"|"authenticationRequired"|"accountMismatch"|"anotherDrain"|"retry",
** "retryAt" (or null), "error" (the failure that stopped the sync, or
** null), "message" (in the configured language)}; null when none remain
** (or they were queued while the sync ran). On failure: {"error": {"code", "message" (in the
** configured language), "detail" (what the server or system said, or
** null), "httpStatus" (or null), "retryAfter" (seconds, or null)}}.
** An unknown operation, or arguments of the wrong type, is AC_ERR_ARGUMENT. */
ac_status ac_call(ac_core *core, const char *operation, const char *arguments_json, char **out_json);

/* Frees a string the library handed out. NULL is a harmless no-op. */
void ac_string_free(char *string);

#ifdef __cplusplus
}
#endif

#endif /* ACCOUNT_CORE_H */
