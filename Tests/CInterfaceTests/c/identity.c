/*
** identity.c: an account is a person (issue 14), through account_core.h.
** Two users of one back end, Alice and Bob, share one core and one store:
** what Alice queued offline is never sent under Bob's token, stays in the
** store while he is signed in, and goes once she is back.
**
** Usage: identity SCENE BASE_URL DATABASE_PATH ALICE_ID ALICE_TOKEN BOB_ID BOB_TOKEN CHECKPOINT_DIR
**
** SCENE is one of
**   learned  ac_sign_in(core, NULL, token): the core learns whose each token is
**   named    ac_sign_in(core, id, token): the host names each user; then the
**            host gives Bob's token for Alice ("accountMismatch")
**   edges    ac_sign_in's bad input, "account" in ac_open, "signOut" with
**            the unsent operations and with "discard"
** At a checkpoint NAME the program creates CHECKPOINT_DIR/NAME.reached and
** waits (up to 60 s) for CHECKPOINT_DIR/NAME.go, so the Swift test can look
** at the server between two steps of one core's life.
** Exits 0 when every check held; otherwise prints each failure and exits 1.
*/
#define _POSIX_C_SOURCE 200809L

#include "account_core.h"
#include "expect.h"
#include "json_check.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *base_url, *database_path, *alice_id, *alice_token, *bob_id, *bob_token, *checkpoint_dir;

/* The events the handler received, copied (as flow.c does). */
#define MAX_EVENTS 512
static pthread_mutex_t events_lock = PTHREAD_MUTEX_INITIALIZER;
static char *events[MAX_EVENTS];
static int event_count = 0;

static void record_event(void *context, const char *event_json) {
  (void)context;
  pthread_mutex_lock(&events_lock);
  if (event_count < MAX_EVENTS) events[event_count++] = strdup(event_json ? event_json : "(NULL)");
  pthread_mutex_unlock(&events_lock);
}

/* How many events of `type` name `kind` (anywhere in the event). */
static int received(const char *type, const char *kind) {
  char quoted[64];
  snprintf(quoted, sizeof quoted, "\"%s\"", kind);
  int found = 0;
  pthread_mutex_lock(&events_lock);
  for (int i = 0; i < event_count; i++) {
    if (jc_string_is(events[i], "type", type) && strstr(events[i], quoted) != NULL) found++;
  }
  pthread_mutex_unlock(&events_lock);
  return found;
}

static void forget_events(int print) {
  pthread_mutex_lock(&events_lock);
  for (int i = 0; i < event_count; i++) {
    if (print) printf("event %d: %s\n", i, events[i]);
    free(events[i]);
  }
  event_count = 0;
  pthread_mutex_unlock(&events_lock);
}

static double seconds_now(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

static void pause_briefly(void) {
  struct timespec pause = {0, 20 * 1000 * 1000};
  nanosleep(&pause, NULL);
}

/* ac_call must refuse with AC_ERR_ARGUMENT and an error object. */
static void call_refused(ac_core *core, const char *operation, const char *arguments) {
  char *json = expect_call(core, operation, arguments, AC_ERR_ARGUMENT);
  char what[256];
  snprintf(what, sizeof what, "ac_call(\"%s\", %s): an error object", operation, arguments);
  expect_true(jc_is_error_object(json), what, json);
  ac_string_free(json);
}

/* The value at `path` is the string `expected`, or null when `expected` is NULL. */
static int string_or_null_is(const char *json, const char *path, const char *expected) {
  return expected == NULL ? jc_is_null(json, path) : jc_string_is(json, path, expected);
}

/* The value at `path` is the literal true (`expected` 1) or false (0). */
static int bool_is(const char *json, const char *path, int expected) {
  const char *value = jc_get(json, path);
  const char *literal = expected ? "true" : "false";
  return value != NULL && strncmp(value, literal, strlen(literal)) == 0;
}

/* Every op of the array at `path` is Allmine's and owned by `account` (a
** user id, or NULL for "not known yet"); says which one is not. */
static void expect_owner(const char *json, const char *path, const char *account, const char *what) {
  int count = jc_array_count(json, path);
  char line[512], member[128];
  for (int i = 0; i < count; i++) {
    snprintf(member, sizeof member, "%s.%d.account", path, i);
    snprintf(line, sizeof line, "%s: %s is %s%s%s", what, member, account ? "\"" : "", account ? account : "null",
             account ? "\"" : "");
    expect_true(string_or_null_is(json, member, account), line, json);
    snprintf(member, sizeof member, "%s.%d.backend", path, i);
    snprintf(line, sizeof line, "%s: %s is \"allmine\"", what, member);
    expect_true(jc_string_is(json, member, "allmine"), line, json);
  }
}

/* The kinds of the ops at `path` are exactly `first`, `second` (in order). */
static void expect_kinds(const char *json, const char *path, const char *first, const char *second,
                         const char *what) {
  char line[512], member[128];
  snprintf(line, sizeof line, "%s: %s holds 2 operations", what, path);
  expect_true(jc_array_count(json, path) == 2, line, json);
  snprintf(member, sizeof member, "%s.0.kind", path);
  snprintf(line, sizeof line, "%s: %s is %s", what, member, first);
  expect_true(jc_string_is(json, member, first), line, json);
  snprintf(member, sizeof member, "%s.1.kind", path);
  snprintf(line, sizeof line, "%s: %s is %s", what, member, second);
  expect_true(jc_string_is(json, member, second), line, json);
}

/* Lets the Swift test look at the server: NAME.reached, then wait for NAME.go. */
static void checkpoint(const char *name) { expect_checkpoint(checkpoint_dir, name); }

/* Syncs until the signed-in user has nothing left or `seconds` pass: the
** background sync that ac_sign_in and ac_set_online start may hold the
** drain lock ("anotherDrain") when this one asks. Returns the last result. */
static char *sync_until_empty(ac_core *core, double seconds) {
  double until = seconds_now() + seconds;
  char *json = expect_call(core, "sync", NULL, AC_OK);
  while (!jc_number_is(json, "remaining", 0) && seconds_now() < until) {
    ac_string_free(json);
    pause_briefly();
    json = expect_call(core, "sync", NULL, AC_OK);
  }
  return json;
}

/* Waits until an operationSynced event names each of the two kinds. */
static void wait_for_synced(const char *first, const char *second, double seconds) {
  double until = seconds_now() + seconds;
  while ((received("operationSynced", first) == 0 || received("operationSynced", second) == 0) &&
         seconds_now() < until) {
    pause_briefly();
  }
}

static ac_core *open_identity_core(const char *account) {
  char *named = account ? json_quote(account) : NULL;
  char extra[4200];
  if (named) snprintf(extra, sizeof extra, "\"account\": %s", named);
  ac_core *core = open_core(base_url, database_path, named ? extra : NULL);
  free(named);
  if (core == NULL) return NULL;
  expect_status(ac_set_event_handler(core, record_event, NULL), AC_OK, "ac_set_event_handler", NULL);
  return core;
}

/* The story. `named`: the host names each user (ac_sign_in with
** the id); else it gives the token alone and the core learns whose it is. */
static void two_people(int named) {
  ac_core *core = open_identity_core(NULL);
  if (core == NULL) return;
  /* Alice's operations are owned by her id when the host named her; when
  ** it did not, by a person known only by her token until the server says. */
  const char *alice_owner = named ? alice_id : NULL;

  /* Alice, offline: a rename and a deletion request wait in the outbox. */
  expect_status(ac_sign_in(core, named ? alice_id : NULL, alice_token), AC_OK, "ac_sign_in(Alice)", NULL);
  expect_status(ac_set_online(core, 0), AC_OK, "ac_set_online(core, 0)", NULL);
  char *json = expect_call(core, "changeUsername", "{\"newUsername\": \"alice_new\"}", AC_QUEUED);
  expect_true(jc_string_is(json, "queued.kind", "changeUsername"), "Alice's rename is queued", json);
  expect_true(string_or_null_is(json, "queued.account", alice_owner), "the queued rename's account is Alice's",
              json);
  expect_true(jc_string_is(json, "queued.backend", "allmine"), "the queued rename's backend is \"allmine\"", json);
  ac_string_free(json);
  json = expect_call(core, "requestDeletion", NULL, AC_QUEUED);
  expect_true(jc_string_is(json, "queued.kind", "requestDeletion"), "Alice's deletion request is queued", json);
  expect_true(string_or_null_is(json, "queued.account", alice_owner), "the queued request's account is Alice's",
              json);
  ac_string_free(json);
  json = expect_call(core, "outbox", NULL, AC_OK);
  expect_kinds(json, "queued", "changeUsername", "requestDeletion", "outbox as Alice");
  expect_owner(json, "queued", alice_owner, "outbox as Alice");
  ac_string_free(json);

  /* Bob signs in on the same core and comes online: nothing of Alice's goes. */
  expect_status(ac_sign_in(core, named ? bob_id : NULL, bob_token), AC_OK, "ac_sign_in(Bob)", NULL);
  expect_status(ac_set_online(core, 1), AC_OK, "ac_set_online(core, 1)", NULL);
  json = expect_call(core, "sync", NULL, AC_OK);
  expect_true(jc_number_is(json, "sent", 0), "sync as Bob: sent is 0 (Alice's operations are not his)", json);
  expect_true(jc_number_is(json, "failed", 0), "sync as Bob: failed is 0", json);
  expect_true(jc_number_is(json, "remaining", 0), "sync as Bob: remaining is 0 (he queued nothing)", json);
  expect_true(jc_is_null(json, "waiting"), "sync as Bob: waiting is null", json);
  ac_string_free(json);
  json = expect_call(core, "outbox", NULL, AC_OK);
  expect_true(jc_array_count(json, "queued") == 0, "outbox as Bob: none (the signed-in user's only)", json);
  ac_string_free(json);
  json = expect_call(core, "outbox", "{\"all\": false}", AC_OK);
  expect_true(jc_array_count(json, "queued") == 0, "outbox {\"all\": false} as Bob: none", json);
  ac_string_free(json);
  json = expect_call(core, "outbox", "{\"all\": true}", AC_OK);
  expect_kinds(json, "queued", "changeUsername", "requestDeletion", "outbox {\"all\": true} as Bob");
  expect_owner(json, "queued", alice_owner, "outbox {\"all\": true} as Bob");
  expect_true(jc_string_is(json, "queued.0.state", "queued") && jc_string_is(json, "queued.1.state", "queued"),
              "outbox {\"all\": true} as Bob: Alice's operations are still queued (not failed)", json);
  ac_string_free(json);
  int sent_as_bob = received("operationSynced", "changeUsername") + received("operationSynced", "requestDeletion");
  expect_true(sent_as_bob == 0, "no operationSynced event while Bob is signed in", NULL);

  checkpoint("bob");

  if (named) {
    /* The host gives Bob's token for Alice: the server says whose it is,
    ** and nothing of Alice's is sent under it. */
    expect_status(ac_sign_in(core, alice_id, bob_token), AC_OK,
                  "ac_sign_in(Alice's id, Bob's token) before the server said whose it is", NULL);
    double until = seconds_now() + 10;
    json = expect_call(core, "sync", NULL, AC_OK);
    while (!jc_string_is(json, "waiting.reason", "accountMismatch") && seconds_now() < until) {
      ac_string_free(json);
      pause_briefly();
      json = expect_call(core, "sync", NULL, AC_OK);
    }
    expect_true(jc_number_is(json, "sent", 0), "sync as Alice with Bob's token: sent is 0", json);
    expect_true(jc_number_is(json, "remaining", 2), "sync as Alice with Bob's token: remaining is 2", json);
    expect_true(jc_string_is(json, "waiting.reason", "accountMismatch"),
                "sync as Alice with Bob's token: waiting.reason is accountMismatch", json);
    expect_true(jc_is_string(json, "waiting.message"), "sync with Bob's token: waiting.message is a string", json);
    ac_string_free(json);
    /* A call that would go now is refused for that reason. */
    json = expect_call(core, "profile", NULL, AC_ERR_UNAUTHORIZED);
    expect_true(jc_is_error_object(json), "profile as Alice with Bob's token: an error object", json);
    expect_true(jc_string_is(json, "error.code", "accountMismatch"),
                "profile as Alice with Bob's token: error.code is accountMismatch", json);
    ac_string_free(json);
    /* Now the core knows: the same sign-in is refused, and changes nothing. */
    expect_status(ac_sign_in(core, alice_id, bob_token), AC_ERR_UNAUTHORIZED,
                  "ac_sign_in(Alice's id, Bob's token) once the server said it is Bob's", NULL);
    json = expect_call(core, "outbox", "{\"all\": true}", AC_OK);
    expect_kinds(json, "queued", "changeUsername", "requestDeletion", "outbox {\"all\": true} after the mismatch");
    expect_owner(json, "queued", alice_id, "outbox {\"all\": true} after the mismatch");
    expect_true(jc_string_is(json, "queued.0.state", "queued") && jc_string_is(json, "queued.1.state", "queued"),
                "after the mismatch Alice's operations are still queued (not set aside)", json);
    ac_string_free(json);
  }

  /* Alice again: both go, under her token, once each. */
  expect_status(ac_sign_in(core, named ? alice_id : NULL, alice_token), AC_OK, "ac_sign_in(Alice) again", NULL);
  json = sync_until_empty(core, 15);
  expect_true(jc_number_is(json, "remaining", 0), "sync as Alice: remaining is 0", json);
  expect_true(jc_number_is(json, "failed", 0), "sync as Alice: failed is 0", json);
  expect_true(jc_is_null(json, "waiting"), "sync as Alice: waiting is null", json);
  ac_string_free(json);
  wait_for_synced("changeUsername", "requestDeletion", 10);
  expect_true(received("operationSynced", "changeUsername") == 1, "one operationSynced event for the rename", NULL);
  expect_true(received("operationSynced", "requestDeletion") == 1, "one operationSynced event for the request", NULL);
  json = expect_call(core, "outbox", "{\"all\": true}", AC_OK);
  expect_true(jc_array_count(json, "queued") == 0, "outbox {\"all\": true}: empty once Alice's went", json);
  ac_string_free(json);
  json = expect_call(core, "status", NULL, AC_OK);
  expect_true(jc_string_is(json, "deletion.status", "pending"), "status as Alice: her deletion is pending", json);
  ac_string_free(json);

  ac_close(core);
}

/* ac_sign_in refuses `account`/`token` with AC_ERR_ARGUMENT. */
static void sign_in_refused(ac_core *core, const char *account, const char *token, const char *what) {
  char line[256];
  snprintf(line, sizeof line, "ac_sign_in(%s)", what);
  expect_status(ac_sign_in(core, account, token), AC_ERR_ARGUMENT, line, NULL);
}

/* ac_sign_in's bad input, "account" in ac_open, and "signOut". */
static void edges(void) {
  /* The host names Alice in the configuration; her token comes after. */
  ac_core *core = open_identity_core(alice_id);
  if (core == NULL) return;
  expect_status(ac_set_token(core, alice_token), AC_OK, "ac_set_token(Alice's token)", NULL);

  /* Bad input: refused, and who is signed in does not change. */
  char too_long[258];
  memset(too_long, 'a', 257);
  too_long[257] = '\0';
  sign_in_refused(NULL, alice_id, alice_token, "NULL core");
  sign_in_refused(core, NULL, NULL, "both NULL");
  sign_in_refused(core, NULL, "", "NULL, \"\" (an empty token)");
  sign_in_refused(core, alice_id, "", "Alice's id, \"\" (an empty token)");
  sign_in_refused(core, "", alice_token, "\"\" (an empty account), a token");
  sign_in_refused(core, "", NULL, "\"\" (an empty account), NULL");
  sign_in_refused(core, too_long, alice_token, "an account of 257 bytes");
  sign_in_refused(core, "ali\xFF" "ce", alice_token, "an account that is not UTF-8");
  sign_in_refused(core, "ali\nce", alice_token, "an account with a control character");
  sign_in_refused(core, alice_id, "tok\xFF\xFEn", "a token that is not UTF-8");
  /* Not an RFC 6750 b64token: it would split the Authorization header. */
  sign_in_refused(core, alice_id, "tok\r\nX-Injected: yes", "Alice's id, a token with CR LF");
  sign_in_refused(core, NULL, "tok\r\nX-Injected: yes", "NULL, a token with CR LF");
  sign_in_refused(core, alice_id, "tok en", "a token with a space");
  sign_in_refused(core, alice_id, "\ttok", "a token with a tab");
  expect_status(ac_set_token(core, "tok\r\nX-Injected: yes"), AC_ERR_ARGUMENT, "ac_set_token(a token with CR LF)", NULL);
  expect_status(ac_set_token(core, "tok\x7F"), AC_ERR_ARGUMENT, "ac_set_token(a token with DEL)", NULL);

  /* Online, Alice asks for the deletion; offline, she cancels it (queued
  ** with its deadline) and renames herself. */
  char *json = expect_call(core, "requestDeletion", NULL, AC_OK);
  expect_true(jc_string_is(json, "deletion.status", "pending"), "requestDeletion online: pending", json);
  ac_string_free(json);
  expect_status(ac_set_online(core, 0), AC_OK, "ac_set_online(core, 0)", NULL);
  json = expect_call(core, "cancelDeletion", NULL, AC_QUEUED);
  expect_true(jc_is_string(json, "queued.deadline"), "the queued cancel has its deadline", json);
  expect_true(jc_string_is(json, "queued.account", alice_id),
              "the queued cancel is Alice's: the refused sign-ins changed nothing", json);
  char *deadline = jc_string_dup(json, "queued.deadline");
  ac_string_free(json);
  json = expect_call(core, "changeUsername", "{\"newUsername\": \"alice_new\"}", AC_QUEUED);
  ac_string_free(json);

  /* Bad arguments of the new members. */
  call_refused(core, "signOut", "{\"discard\": \"yes\"}");
  call_refused(core, "signOut", "{\"discard\": 1}");
  call_refused(core, "signOut", "{\"everything\": true}");
  call_refused(core, "outbox", "{\"all\": 1}");
  call_refused(core, "outbox", "{\"all\": \"true\"}");
  call_refused(core, "outbox", "{\"everyone\": true}");

  /* Signing out answers what of Alice's has not reached the server. */
  json = expect_call(core, "signOut", NULL, AC_OK);
  expect_true(jc_string_is(json, "signedOut.account", alice_id), "signOut: signedOut.account is Alice's id", json);
  expect_kinds(json, "signedOut.unsent", "cancelDeletion", "changeUsername", "signOut");
  expect_owner(json, "signedOut.unsent", alice_id, "signOut");
  expect_true(deadline != NULL && jc_string_is(json, "signedOut.unsent.0.deadline", deadline),
              "signOut: the unsent cancel carries the deadline it was queued with", json);
  expect_true(jc_is_null(json, "signedOut.unsent.1.deadline"), "signOut: the unsent rename has no deadline", json);
  expect_true(bool_is(json, "signedOut.discarded", 0),
              "signOut: signedOut.discarded is false", json);
  ac_string_free(json);

  /* Nobody is signed in: the outbox of nobody is empty; Alice's are kept. */
  json = expect_call(core, "outbox", NULL, AC_OK);
  expect_true(jc_array_count(json, "queued") == 0, "outbox signed out: none", json);
  ac_string_free(json);
  json = expect_call(core, "outbox", "{\"all\": true}", AC_OK);
  expect_kinds(json, "queued", "cancelDeletion", "changeUsername", "outbox {\"all\": true} signed out");
  ac_string_free(json);
  json = expect_call(core, "signOut", "{}", AC_OK);
  expect_true(jc_is_null(json, "signedOut.account"), "signOut with nobody signed in: account is null", json);
  expect_true(jc_array_count(json, "signedOut.unsent") == 0, "signOut with nobody signed in: unsent is []", json);
  ac_string_free(json);

  /* Back in, her operations are there; signing out with "discard" drops them. */
  expect_status(ac_sign_in(core, alice_id, alice_token), AC_OK, "ac_sign_in(Alice) after signing out", NULL);
  json = expect_call(core, "outbox", NULL, AC_OK);
  expect_kinds(json, "queued", "cancelDeletion", "changeUsername", "outbox as Alice again");
  ac_string_free(json);
  json = expect_call(core, "signOut", "{\"discard\": true}", AC_OK);
  expect_true(jc_string_is(json, "signedOut.account", alice_id), "signOut discard: signedOut.account is Alice's", json);
  expect_kinds(json, "signedOut.unsent", "cancelDeletion", "changeUsername", "signOut discard");
  expect_true(deadline != NULL && jc_string_is(json, "signedOut.unsent.0.deadline", deadline),
              "signOut discard: the discarded cancel is shown with its deadline", json);
  expect_true(bool_is(json, "signedOut.discarded", 1),
              "signOut discard: signedOut.discarded is true", json);
  ac_string_free(json);
  json = expect_call(core, "outbox", "{\"all\": true}", AC_OK);
  expect_true(jc_array_count(json, "queued") == 0, "outbox {\"all\": true} after discard: empty", json);
  ac_string_free(json);

  /* Nothing discarded is ever sent. */
  expect_status(ac_sign_in(core, alice_id, alice_token), AC_OK, "ac_sign_in(Alice) after discarding", NULL);
  expect_status(ac_set_online(core, 1), AC_OK, "ac_set_online(core, 1)", NULL);
  json = sync_until_empty(core, 10);
  expect_true(jc_number_is(json, "sent", 0), "sync after discard: sent is 0", json);
  expect_true(jc_number_is(json, "remaining", 0), "sync after discard: remaining is 0", json);
  ac_string_free(json);
  free(deadline);
  ac_close(core);
}

int main(int argc, char **argv) {
  if (argc < 9) {
    fprintf(stderr, "usage: identity learned|named|edges BASE_URL DATABASE_PATH ALICE_ID ALICE_TOKEN BOB_ID "
                    "BOB_TOKEN CHECKPOINT_DIR\n");
    return 2;
  }
  const char *scene = argv[1];
  base_url = argv[2];
  database_path = argv[3];
  alice_id = argv[4];
  alice_token = argv[5];
  bob_id = argv[6];
  bob_token = argv[7];
  checkpoint_dir = argv[8];

  expect_true(ac_abi_version() == AC_ABI_VERSION, "ac_abi_version() == AC_ABI_VERSION", NULL);
  /* ac_sign_in, "account", "signOut" and outbox's "all" came in 1.1.0. */
  int major = 0, minor = 0;
  const char *version = ac_version();
  expect_true(version != NULL && sscanf(version, "%d.%d", &major, &minor) == 2 &&
                  (major > 1 || (major == 1 && minor >= 1)),
              "ac_version() is 1.1.0 or later", version);

  if (strcmp(scene, "learned") == 0) {
    two_people(0);
  } else if (strcmp(scene, "named") == 0) {
    two_people(1);
  } else if (strcmp(scene, "edges") == 0) {
    edges();
  } else {
    fprintf(stderr, "identity: no scene %s\n", scene);
    return 2;
  }

  forget_events(expect_failures > 0);
  if (expect_failures > 0) {
    printf("%d of %d checks failed\n", expect_failures, expect_checks);
    return 1;
  }
  printf("identity %s: all %d checks held\n", scene, expect_checks);
  return 0;
}
