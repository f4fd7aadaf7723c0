/*
** flow.c: one account's whole story through account_core.h, as a C shell
** would drive it: request a deletion, go offline, cancel (queued with its
** deadline), come back online, see the cancel delivered, get a refusal in
** Turkish, close.
**
** Usage: flow BASE_URL TOKEN DATABASE_PATH [WAIT_SECONDS]
** WAIT_SECONDS bounds the wait for the queued cancel to be delivered (10 by
** default; under valgrind everything runs many times slower).
** Exits 0 when every check held; otherwise prints each failure and exits 1.
*/
#define _POSIX_C_SOURCE 200809L

#include "account_core.h"
#include "expect.h"
#include "json_check.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The events the handler received, copied: `event_json` lives only during
** the call, and the handler runs on a library thread while main reads. */
#define MAX_EVENTS 256
static pthread_mutex_t events_lock = PTHREAD_MUTEX_INITIALIZER;
static char *events[MAX_EVENTS];
static int event_count = 0;
static int events_dropped = 0;
static int handler_context_wrong = 0;

static int context_marker;

static void record_event(void *context, const char *event_json) {
  pthread_mutex_lock(&events_lock);
  if (context != &context_marker) handler_context_wrong = 1;
  if (event_count < MAX_EVENTS) {
    events[event_count++] = strdup(event_json ? event_json : "(NULL)");
  } else {
    events_dropped++;
  }
  pthread_mutex_unlock(&events_lock);
}

/* 1 once an event of `type` that names `kind` was recorded. The kind tells
** the offline cancel's delivery from the online request's, which is also
** reported as operationSynced; the header documents only "type", so the
** kind is looked for anywhere in the event. */
static int received(const char *type, const char *kind) {
  char quoted[64];
  snprintf(quoted, sizeof quoted, "\"%s\"", kind);
  int found = 0;
  pthread_mutex_lock(&events_lock);
  for (int i = 0; i < event_count && !found; i++) {
    found = jc_string_is(events[i], "type", type) && strstr(events[i], quoted) != NULL;
  }
  pthread_mutex_unlock(&events_lock);
  return found;
}

static double seconds_now(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* How many of this process's file descriptors are open on the store (the
** database, its -wal and -shm, or anything else named after it), read from
** /proc/self/fd; the first is named in `first` (of `size` bytes). */
static int descriptors_on(const char *database_path, char *first, size_t size) {
  DIR *folder = opendir("/proc/self/fd");
  if (folder == NULL) return -1;
  int count = 0;
  size_t length = strlen(database_path);
  struct dirent *entry;
  while ((entry = readdir(folder)) != NULL) {
    if (entry->d_name[0] == '.') continue;
    char link[300], target[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%s", entry->d_name);
    ssize_t got = readlink(link, target, sizeof target - 1);
    if (got <= 0) continue;
    target[got] = '\0';
    if (strncmp(target, database_path, length) == 0) {
      if (count++ == 0) snprintf(first, size, "fd %s -> %s", entry->d_name, target);
    }
  }
  closedir(folder);
  return count;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: flow BASE_URL TOKEN DATABASE_PATH [WAIT_SECONDS]\n");
    return 2;
  }
  double wait_seconds = argc > 4 ? atof(argv[4]) : 10;

  expect_true(ac_abi_version() == AC_ABI_VERSION, "ac_abi_version() == AC_ABI_VERSION", NULL);
  const char *version = ac_version();
  expect_true(version != NULL && version[0] != '\0', "ac_version() is a non-empty string", version);

  ac_core *core = open_core(argv[1], argv[3], "\"language\": \"tr\"");
  if (core == NULL) {
    printf("cannot go on without a core\n");
    return 1;
  }

  expect_status(ac_set_token(core, argv[2]), AC_OK, "ac_set_token", NULL);
  expect_status(ac_set_event_handler(core, record_event, &context_marker), AC_OK, "ac_set_event_handler", NULL);

  /* Online: the deletion is requested at the server. */
  char *json = expect_call(core, "requestDeletion", NULL, AC_OK);
  expect_true(jc_string_is(json, "deletion.status", "pending"), "requestDeletion: deletion.status is pending", json);
  ac_string_free(json);

  json = expect_call(core, "status", NULL, AC_OK);
  expect_true(jc_string_is(json, "source", "server"), "status online: source is server", json);
  expect_true(jc_string_is(json, "deletion.status", "pending"), "status online: deletion.status is pending", json);
  expect_true(jc_array_count(json, "queued") == 0, "status online: nothing queued", json);
  ac_string_free(json);

  /* On loopback, unnamed: development, said by the status and the
  ** capabilities, which list the calls that change data. */
  json = expect_call(core, "capabilities", NULL, AC_OK);
  expect_true(jc_string_is(json, "capabilities.environment", "development"), "capabilities: environment", json);
  expect_true(jc_array_count(json, "capabilities.mutating") == 4, "capabilities: Allmine's four mutating calls", json);
  expect_true(jc_string_is(json, "capabilities.mutating.0", "requestDeletion"), "capabilities: mutating.0", json);
  ac_string_free(json);
  json = expect_call(core, "status", NULL, AC_OK);
  expect_true(jc_string_is(json, "environment", "development"), "status: environment is development", json);
  ac_string_free(json);

  /* Offline: the cancel is kept with the deadline it must beat. */
  expect_status(ac_set_online(core, 0), AC_OK, "ac_set_online(core, 0)", NULL);
  json = expect_call(core, "cancelDeletion", NULL, AC_QUEUED);
  expect_true(jc_string_is(json, "queued.kind", "cancelDeletion"), "offline cancel: queued.kind is cancelDeletion", json);
  expect_true(jc_is_string(json, "queued.deadline"), "offline cancel: queued.deadline is set (not null)", json);
  expect_true(jc_string_is(json, "queued.state", "queued"), "offline cancel: queued.state is queued", json);
  expect_true(jc_string_is(json, "queued.environment", "development"), "offline cancel: made in development", json);
  expect_true(jc_is_null(json, "queued.heldReason"), "offline cancel: not held", json);
  expect_true(jc_string_is(json, "deletion.status", "pending"),
              "offline cancel: the deletion still reads pending until the server has it", json);
  ac_string_free(json);

  json = expect_call(core, "status", NULL, AC_OK);
  expect_true(jc_string_is(json, "source", "cache"), "status offline: source is cache", json);
  expect_true(jc_string_is(json, "deletion.status", "pending"), "status offline: deletion.status is pending", json);
  expect_true(jc_array_count(json, "queued") >= 1, "status offline: queued is not empty", json);
  expect_true(jc_string_is(json, "queued.0.kind", "cancelDeletion"), "status offline: queued.0.kind is cancelDeletion",
              json);
  ac_string_free(json);

  /* A sync offline sends nothing, and says why, in the configured language. */
  json = expect_call(core, "sync", NULL, AC_OK);
  expect_true(jc_number_is(json, "remaining", 1), "sync offline: remaining is 1", json);
  expect_true(jc_string_is(json, "waiting.reason", "offline"), "sync offline: waiting.reason is offline", json);
  expect_true(jc_string_contains(json, "waiting.message", "Çevrimdışısınız"),
              "sync offline: waiting.message is Turkish (\"Çevrimdışısınız\")", json);
  ac_string_free(json);

  /* Online again: the cancel goes out by itself, and says so. */
  expect_status(ac_set_online(core, 1), AC_OK, "ac_set_online(core, 1)", NULL);
  double deadline = seconds_now() + wait_seconds;
  while (!received("operationSynced", "cancelDeletion") && seconds_now() < deadline) {
    struct timespec pause = {0, 50 * 1000 * 1000};
    nanosleep(&pause, NULL);
  }
  expect_true(received("operationSynced", "cancelDeletion"),
              "an operationSynced event for the cancel arrives after going back online", NULL);

  json = expect_call(core, "sync", NULL, AC_OK);
  expect_true(jc_number_is(json, "remaining", 0), "sync: remaining is 0", json);
  expect_true(jc_is_null(json, "waiting"), "sync: waiting is null when nothing remains", json);
  ac_string_free(json);

  json = expect_call(core, "outbox", NULL, AC_OK);
  expect_true(jc_array_count(json, "queued") == 0, "outbox: empty once the cancel was delivered", json);
  ac_string_free(json);

  /* Refused locally, in the configured language: "İ" is not folded. */
  json = expect_call(core, "changeUsername", "{\"newUsername\": \"İstanbul\"}", AC_ERR_ARGUMENT);
  expect_true(jc_is_error_object(json), "changeUsername refused: an {\"error\": {...}} object", json);
  expect_true(jc_string_contains(json, "error.message", "kullanıcı adında"),
              "changeUsername refused: error.message is Turkish (\"kullanıcı adında\")", json);
  expect_true(jc_string_contains(json, "error.message", "İ"), "changeUsername refused: the message names \"İ\"",
              json);
  ac_string_free(json);

  json = expect_call(core, "status", NULL, AC_OK);
  expect_true(jc_string_is(json, "deletion.status", "cancelled"), "status at the end: deletion.status is cancelled",
              json);
  ac_string_free(json);

  char open_before[4200] = "";
  expect_true(descriptors_on(argv[3], open_before, sizeof open_before) > 0,
              "the test can see the store's descriptors while the core is open", NULL);
  ac_close(core);

  /* "ac_close ... releases the store": nothing stays open on it, so that the
  ** app may move, delete or reopen it at once. Said precisely when it does
  ** not hold: still open a moment later, or still open for good. */
  char still_open[4200] = "";
  int open_after = descriptors_on(argv[3], still_open, sizeof still_open);
  if (open_after > 0) {
    double until = seconds_now() + 2;
    int later = 1;
    while ((later = descriptors_on(argv[3], still_open, sizeof still_open)) > 0 && seconds_now() < until) {
      struct timespec pause = {0, 50 * 1000 * 1000};
      nanosleep(&pause, NULL);
    }
    char what[4600];
    snprintf(what, sizeof what,
             "ac_close releases the store: right after it returned, %d descriptor(s) were still open on it (%s)%s",
             open_after, still_open, later > 0 ? ", and still were 2 s later" : "; it was closed within 2 s");
    expect_true(0, what, NULL);
  }

  /* Every event is one JSON object of a documented type. */
  static const char *const types[] = {"operationQueued", "operationSynced", "operationFailed",
                                      "syncPaused",      "statusChanged",   "deadlineApproaching"};
  pthread_mutex_lock(&events_lock);
  expect_true(!handler_context_wrong, "the handler gets the context it was given", NULL);
  expect_true(events_dropped == 0, "fewer than 256 events", NULL);
  for (int i = 0; i < event_count; i++) {
    int documented = 0;
    for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) documented |= jc_string_is(events[i], "type", types[t]);
    expect_true(jc_is_object(events[i]) && documented, "an event is a JSON object with a documented \"type\"",
                events[i]);
  }
  /* When something failed, the events tell what the core went through. */
  for (int i = 0; i < event_count; i++) {
    if (expect_failures > 0) printf("event %d: %s\n", i, events[i]);
    free(events[i]);
  }
  event_count = 0;
  pthread_mutex_unlock(&events_lock);

  if (expect_failures > 0) {
    printf("%d of %d checks failed\n", expect_failures, expect_checks);
    return 1;
  }
  printf("flow: all %d checks held\n", expect_checks);
  return 0;
}
