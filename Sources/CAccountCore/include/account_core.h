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
** never freed. Strings passed in are only read during the call. A request
** handed to an app's transport is the one exception: see "YOUR APP'S HTTP
** STACK" below for how long it lives.
**
** THREADS. Every function may be called from any thread. Calls on one core
** may run concurrently; ac_close() waits for them. The event handler runs
** on a thread the library owns. A call whose answer needs no network (the
** status from the store, "capabilities", "outbox", "signOut", and offline
** submissions) runs on the calling thread and returns as soon as the store
** has answered; one that waits for the network blocks the calling thread
** while the library's threads do the work, so call it off the UI thread.
** An app's transport is called on the library's threads too, and may
** answer from any thread (see "YOUR APP'S HTTP STACK").
**
** STRINGS. Every string is UTF-8 and NUL-terminated. Input that is NULL
** where a string is required, not UTF-8, not JSON where JSON is required,
** or longer than 1 MiB is refused with AC_ERR_ARGUMENT; the library never
** crashes on bad input. So is JSON nested deeper than 512 arrays and
** objects; up to that depth it is read and freed without recursion, so a
** thread with a small stack (64 KiB) may call the library.
**
** HANDLES. An ac_core * or ac_http_request * is a value the library looks
** up, never a pointer it follows: a handle already closed or answered, or
** one it never issued (NULL, garbage, another kind's), is refused with
** AC_ERR_ARGUMENT and nothing else happens, as SQLite answers misuse with
** SQLITE_MISUSE. Do not rely on this to find a core's state: a handle
** value may, after some 4 billion others (65 536 on 32-bit platforms), be
** issued again.
*/
#ifndef ACCOUNT_CORE_H
#define ACCOUNT_CORE_H

#include <stddef.h>
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
**                   http:// only to this device's loopback
**                   (127.0.0.0/8, [::1], localhost) unless
**                   "allowInsecureHTTP" is true             (since 1.3.0)
**   "databasePath"  the store's file; created 0600          (required)
**   "account"       the user id of who is signed in, at the back end
**                   (optional; without it the core learns it from the
**                   first token, see ac_sign_in)            (since 1.1.0)
**   "language"      "en" or "tr"                            (default "en")
**   "timezone"      "UTC", "UTC+03:00", "UTC-08:00", "UTC+05:45": any
**                   offset UTC-12:00 to UTC+14:00, minutes 00 to 59
**                   (since 1.3.0; before, only the servers' 37). Dates in
**                   messages show it; it is sent as X-Timezone only when
**                   the server lists it, else left out (the server's
**                   default), never refused                 (default "UTC")
**   "platform"      "web", "mobile_ios", "mobile_android", ... (default "web")
**   "appVersion", "deviceId"  free text                     (optional)
**   "timeoutSeconds" a number from 0.1 to 600               (default 30)
**   "allowInsecureHTTP" true to allow an http:// "baseURL" to any host:
**                   the token then travels in clear text    (default false,
**                                                           since 1.3.0)
**   "fingerprintKey" 32 bytes in base64, standard alphabet with its padding
**                   (44 characters): the key of the token fingerprints,
**                   kept by the app in its Keychain or Keystore (optional;
**                   without it the store makes one and keeps it in the
**                   file, as before)                        (since 1.3.0)
**   "environment"   "production" or "development": whether the server
**                   holds real people's data (default: "development" when
**                   "baseURL" is this device's loopback, as for
**                   "allowInsecureHTTP", else "production") (since 1.3.0)
** An unknown key, a wrong type or a bad value is AC_ERR_ARGUMENT; an
** http:// "baseURL" to another host than loopback without
** "allowInsecureHTTP" too, error.code "invalidInput" and a message that
** says so (since 1.3.0); so is a "fingerprintKey" of another length or
** not strict base64, before any file is touched (since 1.3.0); so is an
** "environment" other than "production" or "development" (since 1.3.0).
** Nothing crosses between environments (since 1.3.0): every queued
** operation, cached value and audit entry of the store records the
** environment it was made in. A sync sends only what was made in the
** core's environment; an op of the other is held: kept, never sent, listed
** by "outbox" with "held" and "heldReason", counted as "held", and dropped
** by "signOut" with "discard". A status or profile cached in one is never
** shown in the other. Changing "baseURL" within one environment keeps and
** delivers the queue. The rows of a store made before 1.3.0 take the
** environment of the first configuration that opens it.
** With a "fingerprintKey" the store file holds no key (one it held is
** deleted), so the file alone lets nobody test token guesses; opened with
** another key than before, every fingerprint the store kept matches no
** token: whose a token is gets asked again where the back end can say
** (Allmine), never taken from a fingerprint, and nothing is sent for
** someone else. Keep the key as long as the store.
** The store file is opened defensively (SQLITE_DBCONFIG_DEFENSIVE,
** trusted_schema off), and a file holding a trigger, view, table or index
** that no version of the core made is refused before anything in it runs
** or anything is written: AC_ERR_STORAGE, error.detail naming its type and
** name (since 1.3.0).
** On AC_OK, *out_core is the core, for ac_close(). On failure *out_core is
** NULL and, when out_error_json is not NULL, *out_error_json is set to
** {"error": {...}} (free it with ac_string_free()); else it is set to NULL.
** The core starts online; it syncs what is queued in the background.
** Changing "baseURL" between runs keeps every queued operation: an account
** is its back end and user id, not its server's address.
** The core speaks HTTP through libcurl. A library built without libcurl
** (build-library --no-curl) has no HTTP client of its own: there ac_open()
** is AC_ERR_ARGUMENT, error.code "invalidInput", and nothing is created;
** open with ac_open_with_transport() instead. */
ac_status ac_open(const char *config_json, ac_core **out_core, char **out_error_json);

/* Closes a core: waits for calls in flight, stops background syncing
** (cancelling a transfer under way: its operation stays queued, and is sent
** again with the same key), releases the store. When it returns, the core's
** connections and its file are closed. NULL is a harmless no-op.
** `core` is closed after: every call on it is refused with AC_ERR_ARGUMENT
** (ac_call's *out_json says error.code "invalidInput", error.detail
** "closed: ..."), and a second ac_close() on it closes nothing: after the
** first returned, it returns at once; racing the first on another thread,
** it returns once the core is closed (since 1.3.0; before, at once), so
** what is said here of ac_close() returning holds for every caller. A call
** racing ac_close() on another thread either runs before the core closes
** (ac_close() waits for it) or is refused; it never runs on a closing core.
** With an app's transport, ac_close() first cancels every request the app
** has not answered (each call waiting for one ends with AC_ERR_NETWORK),
** returns only once no callback of the transport runs, nor will again, and
** forgets those requests: an answer to one of them after that is refused
** with AC_ERR_ARGUMENT; see ac_open_with_transport(). */
void ac_close(ac_core *core);

/* Gives the signed-in user a new bearer token (after a refresh), kept in
** memory only; NULL clears it. The token is taken to be the same user's:
** where the back end can say whose a token is (Allmine), the core asks
** before sending anything under it, and a token of another user stops
** sending ("accountMismatch"). To change users, call ac_sign_in(). With
** nobody signed in, as ac_sign_in(core, NULL, token). A queue paused by a
** 401 resumes. Returns AC_OK; AC_ERR_ARGUMENT, with nothing changed, for
** an empty token or one that is not an RFC 6750 bearer token (see
** ac_sign_in; since 1.3.0). */
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
** `token` is another user's (nothing changes); AC_ERR_STORAGE. Since 1.1.0.
** A token that is not an RFC 6750 bearer token (b64token: letters, digits,
** "-", ".", "_", "~", "+", "/", then "=" padding; so no space, CR, LF or
** other control character) is AC_ERR_ARGUMENT, and nothing changes: it
** never reaches a header (since 1.3.0). */
ac_status ac_sign_in(ac_core *core, const char *account, const char *token);

/* Tells the core whether the network is there: 1 online, 0 offline.
** Offline, nothing touches the network and what can wait is queued: once
** ac_set_online(core, 0) returns, no request starts (a sync under way
** stops before its next one; a request already on the wire still gets its
** answer). Coming back online starts sending what waits. Other values:
** AC_ERR_ARGUMENT. */
ac_status ac_set_online(ac_core *core, int32_t online);

/* Sets the function that receives events (NULL removes it). Events:
** operationQueued, operationSynced, operationFailed, syncPaused,
** statusChanged, deadlineApproaching. Returns once no call of the previous
** handler runs any more (waiting for one under way), so the app may free
** the previous context at once. Called from inside the handler itself (on
** the thread running it), it cannot wait for that call: it sets the new
** handler and returns AC_OK at once; the previous context is then in use
** until the handler returns. AC_ERR_ARGUMENT on a closed core. */
ac_status ac_set_event_handler(ac_core *core, ac_event_handler handler, void *context);

/* Runs one operation. `arguments_json` is an object, or NULL for none.
** *out_json is always set to one JSON object (free it with ac_string_free())
** when out_json is not NULL:
**
**   operation          arguments                        result (AC_OK unless said)
**   "status"           -                                {"deletion", "source": "server"|"cache", "asOf", "queued": [op],
**                                                        "counts": {"queued", "failed", "missed", "unreadable", "held"},
**                                                        "environment"}
**   "profile"          -                                {"profile"}
**   "stats"            -                                {"stats"}
**   "capabilities"     -                                {"capabilities"}, with "environment" and
**                                                        "mutating": the operations offered that change data
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
** "failed"|"missed"|"unreadable", "deadline" (the canCancelUntil a cancel must beat, or
** null), "lastError", "account" (the user id of its owner, or null while
** nobody has said: then sent only under the token it was made under),
** "backend", "held" (true for an earlier store's op whose owner could not
** be told: it is never sent under a guess; since 1.3.0 also for an op made
** in the other environment), "environment" (since 1.3.0: "production" or
** "development", the one it was made in), "heldReason" (since 1.3.0: why
** an op of the other environment is held, in the core's language, else
** null)}.
** "state": "unreadable" (since 1.3.0) is a row of the store this version
** cannot read: an operation a newer version wrote, or a damaged row. It is
** set aside, never blocking the rest: kept in the file as it is, never
** sent, listed by "outbox" (with "all" too) and in a sign-out's "unsent"
** with its "id" and its "kind" as stored (which may be a kind this version
** does not know), "attempts", "deadline" and "lastError" null; "discard":
** true drops it, audited as the others. Every other operation is sent and
** reported as if it were not there. A status's "counts" has "unreadable"
** (since 1.3.0): such rows a sync has met (until then they count as
** "queued"), and "held" (since 1.3.0): the user's operations made in the
** other environment, whatever their state, counted in no other member.
** A status's "environment" and the capabilities' "environment" are the
** core's (since 1.3.0); the capabilities' "mutating" lists the operations
** the back end offers that change data on the server, by their ac_call
** names ("requestDeletion", "cancelDeletion", "finalizeDeletion",
** "erase", "changeUsername"; since 1.3.0).
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

/* ---------------------------------------------------------------------------
** YOUR APP'S HTTP STACK (since 1.2.0)
**
** An app that has an HTTP stack of its own (OkHttp, Cronet, URLSession,
** HttpURLConnection) can have the core's requests go through it, with the
** app's proxy, certificate store, pinning and interceptors: it opens the core
** with an ac_transport, the core describes each request, and the app performs
** it and answers. libcurl is then never used. A library built without libcurl
** needs one.
**
** The life of a request:
**   1. The core calls send(context, request, info) on a thread of its own.
**      `info` says what to send; `request` is the handle the app answers.
**   2. The app answers it exactly once, from any thread, later or at once
**      (inside send itself): ac_http_respond() with the status, headers and
**      body of the final response (a 4xx or 5xx is a response), or
**      ac_http_fail() with why no response came.
**   3. The core may stop waiting first: its timeout ran out ("timeoutSeconds"
**      of the configuration, which the core enforces itself), or ac_close().
**      It then calls cancel(context, request), at most once, and the call
**      that made the request gets AC_ERR_NETWORK (error.detail "timeout: ..."
**      or "cancelled: ..."). The app should stop the exchange, and should
**      still answer the request (AC_HTTP_CANCELLED is the natural answer,
**      from inside cancel or later): the answer is taken and ignored, which
**      frees the request at once; one that never comes is freed by
**      ac_close(). Answering again later is refused, harmlessly.
**
** Redirects: the app's stack must not follow them (turn following off, as
** the core does for libcurl): a 3xx is answered with ac_http_respond() as
** it came, and the call gets AC_ERR_UNEXPECTED_RESPONSE, error.detail
** naming its Location, so the token never goes to another address
** (since 1.3.0).
**
** A host failure, whatever its kind, is AC_ERR_NETWORK with error.code
** "network" for the call (a queued operation stays queued and is retried);
** error.detail starts with the kind: "noConnection: ", "timeout: ", "tls: ",
** "cancelled: ", "interrupted: ", "other: ", then the app's detail.
**
** OWNERSHIP. `info` and everything it points to belong to the library and
** stay valid, unchanged, until the first of: the app's answer to the
** request is taken, or ac_close() returns. An app that answers from cancel
** while its exchange may still run elsewhere copies in send what the
** exchange needs (as the sample in docs/c-interface.md does); after
** ac_close() returns it reads no `info` any more. (A request the app never
** answers is freed by ac_close(), not kept for an answer that may never
** come.)
**
** ANSWERS. The `request` handle is answered once: its first answer is
** taken; a second answer, an answer after ac_close() returned, and a
** handle the library never issued (NULL, garbage, a core's) are refused
** with AC_ERR_ARGUMENT, reading nothing the app passed and changing
** nothing. So an app that answers in cancel and again when its own
** exchange ends is safe: cancel's answer is taken, the later one refused.
** In cancel, `request` has not been answered yet unless another thread of
** the app answered it meanwhile. What the app passes to ac_http_respond()
** and ac_http_fail() is only read during the call. The ac_transport passed
** to ac_open_with_transport() is copied; its `context` must stay valid until
** ac_close() returns.
**
** THREADS. send and cancel run on the library's threads (cancel also on the
** thread calling ac_close()), for different requests at once; for one
** request, cancel only ever comes after send returned. Neither runs after
** ac_close() returned. Both must return promptly (do the exchange
** elsewhere) and must not call ac_close().
**
** Why the transport is given at open, not set on an open core: ac_open()
** starts syncing in the background at once, so a request could otherwise
** leave through libcurl (or fail, without it) before the app's transport is
** there; and a core's transport never changes under a request in flight.
*/

/* The version of ac_transport this header describes: its `version`. */
#define AC_TRANSPORT_VERSION 1

/* A request the core handed to the app's transport, to answer. Opaque. */
typedef struct ac_http_request ac_http_request;

/* One header field: a name and a value, UTF-8 and NUL-terminated. */
typedef struct ac_http_header {
  const char *name;
  const char *value;
} ac_http_header;

/* What to send. Members may be added at the end in later versions (the
** library allocates it; the app only reads it). */
typedef struct ac_http_request_info {
  const char *method;            /* "GET", "POST", "PATCH", "DELETE", ... */
  const char *url;               /* the absolute http:// or https:// URL */
  const ac_http_header *headers; /* header_count fields to send, in order */
  size_t header_count;
  const uint8_t *body;           /* body_length bytes to send; NULL when none */
  size_t body_length;
  uint32_t timeout_ms;           /* how long the core waits for the answer */
} ac_http_request_info;

/* Why no response came, for ac_http_fail(). Append only. */
typedef int32_t ac_http_failure;
enum {
  AC_HTTP_NO_CONNECTION = 1, /* no network; the host did not resolve, refused, or is unreachable:
                                nothing left the device (the core counts the request as not sent;
                                once a connection was made, answer TIMEOUT, TLS or INTERRUPTED) */
  AC_HTTP_TIMEOUT = 2,       /* the app's own connect or read timeout ran out */
  AC_HTTP_TLS = 3,           /* the TLS handshake or the certificate (or pin) check failed */
  AC_HTTP_CANCELLED = 4,     /* the exchange was cancelled (after cancel(), or by the app) */
  AC_HTTP_INTERRUPTED = 5,   /* the connection broke off before the whole response came */
  AC_HTTP_OTHER = 6          /* anything else */
};

/* Hands `request` to the app; see "The life of a request" above. */
typedef void (*ac_transport_send_fn)(void *context, ac_http_request *request, const ac_http_request_info *info);

/* Tells the app that the core no longer wants the answer to `request`. */
typedef void (*ac_transport_cancel_fn)(void *context, ac_http_request *request);

/* The app's transport: its functions and their context. */
typedef struct ac_transport {
  uint32_t version;              /* AC_TRANSPORT_VERSION */
  void *context;                 /* passed to send and cancel; the app's */
  ac_transport_send_fn send;     /* required */
  ac_transport_cancel_fn cancel; /* required */
} ac_transport;

/* As ac_open(), every request going through `transport` instead of libcurl.
** `transport` is copied during the call; NULL is ac_open(). A version that
** is 0 or newer than this library's, or a NULL send or cancel, is
** AC_ERR_ARGUMENT. Since 1.2.0. */
ac_status ac_open_with_transport(const char *config_json, const ac_transport *transport, ac_core **out_core,
                                 char **out_error_json);

/* Answers `request` with the final response: `status` (200 to 599),
** `header_count` header fields (NULL when 0), and `body_length` bytes of
** body (NULL when 0). Returns AC_OK, whether or not the core still wanted
** the answer (after cancel, it is ignored).
**
** Limits, the same for every transport of the core (libcurl's too): at
** most 500 header fields, and 262 144 bytes of them counted as on the wire
** (each name, value, ": " and CRLF); at most 1 MiB of body. Over them the
** call that made the request fails as the answer was too large
** (error.detail "responseTooLarge: ..."), and AC_OK is returned; fields
** are read only as far as the limits allow.
**
** A malformed answer still answers the request, as a failure
** (error.detail "other: the app's transport answered ..."), and returns
** AC_ERR_ARGUMENT: a status out of range; a 1xx, which is not a final
** response (the app's stack must wait for the final one); a NULL name or
** value; NULL with a length; a `header_count` or `body_length` over
** PTRDIFF_MAX, which no buffer has (SIZE_MAX, say: an `n - 1` with n 0),
** refused before anything is read. A `request` already answered, closed or
** never issued is refused with AC_ERR_ARGUMENT before anything is read
** (see ANSWERS above). Buffers are only read during the call. Since 1.2.0. */
ac_status ac_http_respond(ac_http_request *request, int32_t status, const ac_http_header *headers,
                          size_t header_count, const uint8_t *body, size_t body_length);

/* Answers `request` with a failure: `failure` is an AC_HTTP_ kind, `detail`
** a short UTF-8 text for logs, of which the first 512 bytes are kept (NULL
** for none; never put a header or a body in it, it is shown in
** error.detail). Returns AC_OK, whether or not the
** core still wanted the answer; an unknown kind answers as AC_HTTP_OTHER
** and returns AC_ERR_ARGUMENT; a `request` already answered, closed or
** never issued (NULL included) answers nothing and returns
** AC_ERR_ARGUMENT. Since 1.2.0. */
ac_status ac_http_fail(ac_http_request *request, ac_http_failure failure, const char *detail);

#ifdef __cplusplus
}
#endif

#endif /* ACCOUNT_CORE_H */
