/*
** misuse.c: what a careless host does with its handles and buffers, and
** the defined answer the header gives each (SQLite's API armor: misuse is
** answered, never undefined). Everything runs in this process, against
** an app transport that never reaches a server.
**
** Usage:
**   misuse answers DATABASE_PATH
**       A second answer, an answer after the timeout's cancel answered, an
**       answer after ac_close, NULL and garbage handles, a core's handle as
**       a request's: AC_ERR_ARGUMENT. header_count or body_length SIZE_MAX,
**       a 1xx: AC_ERR_ARGUMENT (the request answered as a failure), nothing
**       read. Too many or too large header fields: responseTooLarge.
**   misuse core DATABASE_PATH
**       Every call on a closed core, a second ac_close, garbage cores, calls
**       racing ac_close: AC_ERR_ARGUMENT ("closed"), never a crash. Of
**       ac_close calls racing on one core, each returns only once the core
**       is closed (no transport callback after).
**   misuse handler DATABASE_PATH
**       ac_set_event_handler returns only once the previous handler's call
**       under way has returned; from inside the handler it returns at once.
** Exits 0 when every check held; otherwise prints each failure and exits 1.
*/
#define _POSIX_C_SOURCE 200809L

#include "account_core.h"
#include "expect.h"
#include "json_check.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- A transport that keeps every request until the test answers it ---- */

#define MAX_HELD 64

typedef struct {
  pthread_mutex_t lock;
  pthread_cond_t changed;
  ac_http_request *held[MAX_HELD];
  int sends, cancels;
  int answer_in_cancel;           /* answer AC_HTTP_CANCELLED inside cancel */
  int cancel_sleep_ms;            /* how long cancel takes before it returns */
  ac_status cancel_answer;        /* what that answer returned */
} host;

static void host_init(host *h) {
  memset(h, 0, sizeof *h);
  pthread_mutex_init(&h->lock, NULL);
  pthread_cond_init(&h->changed, NULL);
  h->cancel_answer = -1;
}

static void host_send(void *context, ac_http_request *request, const ac_http_request_info *info) {
  host *h = context;
  (void)info;
  pthread_mutex_lock(&h->lock);
  if (h->sends < MAX_HELD) h->held[h->sends] = request;
  h->sends++;
  pthread_cond_broadcast(&h->changed);
  pthread_mutex_unlock(&h->lock);
}

static void host_cancel(void *context, ac_http_request *request) {
  host *h = context;
  pthread_mutex_lock(&h->lock);
  int answer = h->answer_in_cancel;
  int sleep_ms = h->cancel_sleep_ms;
  pthread_mutex_unlock(&h->lock);
  struct timespec pause = {sleep_ms / 1000, (long)(sleep_ms % 1000) * 1000 * 1000};
  nanosleep(&pause, NULL);
  ac_status status = answer ? ac_http_fail(request, AC_HTTP_CANCELLED, "cancelled in cancel") : -1;
  pthread_mutex_lock(&h->lock);
  h->cancels++;
  h->cancel_answer = status;
  pthread_cond_broadcast(&h->changed);
  pthread_mutex_unlock(&h->lock);
}

/* The request number `index` (from 0) once sent, waiting up to 60 s; NULL if none came. */
static ac_http_request *wait_for_request(host *h, int index) {
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += 60;
  pthread_mutex_lock(&h->lock);
  int rc = 0;
  while (h->sends <= index && rc != ETIMEDOUT) rc = pthread_cond_timedwait(&h->changed, &h->lock, &until);
  ac_http_request *request = h->sends > index && index < MAX_HELD ? h->held[index] : NULL;
  pthread_mutex_unlock(&h->lock);
  return request;
}

static ac_core *open_with(host *h, const char *database_path, const char *extra) {
  char *config = allmine_config("https://app.invalid", database_path, extra);
  ac_transport transport = {AC_TRANSPORT_VERSION, h, host_send, host_cancel};
  ac_core *core = NULL;
  char *error = NULL;
  ac_status opened = ac_open_with_transport(config, &transport, &core, &error);
  free(config);
  expect_status(opened, AC_OK, "ac_open_with_transport", error);
  ac_string_free(error);
  return opened == AC_OK ? core : NULL;
}

/* A "profile" call on a thread of its own, whose requests go to the host. */
typedef struct {
  ac_core *core;
  pthread_t thread;
  ac_status status;
  char *json;
} pending_call;

static void *run_call(void *argument) {
  pending_call *call = argument;
  call->status = ac_call(call->core, "profile", NULL, &call->json);
  return NULL;
}

static void start_call(pending_call *call, ac_core *core) {
  call->core = core;
  call->status = -1;
  call->json = NULL;
  if (pthread_create(&call->thread, NULL, run_call, call) != 0) {
    printf("pthread_create failed\n");
    exit(1);
  }
}

/* Joins `call` and checks it ended with `want`, its error.detail containing `detail` (NULL: not checked). */
static void finish_call(pending_call *call, ac_status want, const char *detail, const char *what) {
  pthread_join(call->thread, NULL);
  expect_status(call->status, want, what, call->json);
  if (detail != NULL) {
    char line[300];
    snprintf(line, sizeof line, "%s: error.detail contains \"%s\"", what, detail);
    expect_true(jc_string_contains(call->json, "error.detail", detail), line, call->json);
  }
  ac_string_free(call->json);
}

static int finish(const char *name) {
  if (expect_failures > 0) {
    printf("%d of %d checks failed\n", expect_failures, expect_checks);
    return 1;
  }
  printf("misuse %s: all %d checks held\n", name, expect_checks);
  return 0;
}

/* ---- answers ----------------------------------------------------------- */

static void garbage_handles(const char *when) {
  int local = 0;
  uintptr_t values[] = {1, 2, 0x5E000001u, 0xdeadbeefu, (uintptr_t)&local, (uintptr_t)-1, (uintptr_t)-2};
  char what[200];
  snprintf(what, sizeof what, "%s: ac_http_respond(NULL, ...)", when);
  expect_status(ac_http_respond(NULL, 200, NULL, 0, NULL, 0), AC_ERR_ARGUMENT, what, NULL);
  snprintf(what, sizeof what, "%s: ac_http_fail(NULL, ...)", when);
  expect_status(ac_http_fail(NULL, AC_HTTP_TLS, NULL), AC_ERR_ARGUMENT, what, NULL);
  for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
    ac_http_request *garbage = (ac_http_request *)values[i];
    snprintf(what, sizeof what, "%s: ac_http_respond on a handle never issued (%#lx)", when, (unsigned long)values[i]);
    expect_status(ac_http_respond(garbage, 200, NULL, 0, NULL, 0), AC_ERR_ARGUMENT, what, NULL);
    snprintf(what, sizeof what, "%s: ac_http_fail on a handle never issued (%#lx)", when, (unsigned long)values[i]);
    expect_status(ac_http_fail(garbage, AC_HTTP_OTHER, "x"), AC_ERR_ARGUMENT, what, NULL);
  }
}

static int answers(const char *database_path) {
  garbage_handles("before any core");
  host h;
  host_init(&h);
  ac_core *core = open_with(&h, database_path, NULL);
  if (core == NULL) return finish("answers");
  expect_status(ac_set_token(core, "token-of-the-misuse-tests-00001"), AC_OK, "ac_set_token", NULL);
  int next = 0;
  pending_call call;
  ac_http_header one_header = {"Content-Type", "application/json"};
  uint8_t small_body[2] = {'{', '}'};

  /* 1. Answered once: a second and third answer are refused, nothing happens. */
  start_call(&call, core);
  ac_http_request *request = wait_for_request(&h, next++);
  expect_true(request != NULL, "the call's request reached the app", NULL);
  expect_status(ac_http_fail(request, AC_HTTP_NO_CONNECTION, "first answer"), AC_OK, "the first answer", NULL);
  finish_call(&call, AC_ERR_NETWORK, "noConnection: first answer", "the call answered once");
  expect_status(ac_http_respond(request, 200, &one_header, 1, small_body, 2), AC_ERR_ARGUMENT,
                "a second answer (ac_http_respond)", NULL);
  expect_status(ac_http_fail(request, AC_HTTP_OTHER, "third"), AC_ERR_ARGUMENT, "a third answer (ac_http_fail)", NULL);
  garbage_handles("with a core open");
  expect_status(ac_http_fail((ac_http_request *)core, AC_HTTP_OTHER, "x"), AC_ERR_ARGUMENT,
                "a core's handle given as a request's", NULL);

  /* 2. SIZE_MAX as a count or a length (an app's n - 1 with n == 0): refused
  **    before anything is read (one header and two bytes are all there is). */
  start_call(&call, core);
  request = wait_for_request(&h, next++);
  expect_status(ac_http_respond(request, 200, &one_header, SIZE_MAX, NULL, 0), AC_ERR_ARGUMENT,
                "header_count SIZE_MAX", NULL);
  finish_call(&call, AC_ERR_NETWORK, "other: the app's transport answered a header count of", "header_count SIZE_MAX");
  expect_status(ac_http_fail(request, AC_HTTP_OTHER, "again"), AC_ERR_ARGUMENT,
                "a malformed answer answered the request: a later one is refused", NULL);

  start_call(&call, core);
  request = wait_for_request(&h, next++);
  expect_status(ac_http_respond(request, 200, &one_header, 1, small_body, SIZE_MAX), AC_ERR_ARGUMENT,
                "body_length SIZE_MAX", NULL);
  finish_call(&call, AC_ERR_NETWORK, "other: the app's transport answered a body length of", "body_length SIZE_MAX");

  start_call(&call, core);
  request = wait_for_request(&h, next++);
  expect_status(ac_http_respond(request, 200, &one_header, SIZE_MAX / 2 + 1, small_body, SIZE_MAX / 2 + 1),
                AC_ERR_ARGUMENT, "header_count and body_length over PTRDIFF_MAX", NULL);
  finish_call(&call, AC_ERR_NETWORK, "other: ", "lengths over PTRDIFF_MAX");

  /* A count over the cap is refused unread: one header is all there is. */
  start_call(&call, core);
  request = wait_for_request(&h, next++);
  expect_status(ac_http_respond(request, 200, &one_header, 1000000, small_body, 2), AC_OK,
                "a million header fields (a response too large, not a misuse)", NULL);
  finish_call(&call, AC_ERR_NETWORK, "responseTooLarge: 1000000 header fields", "a million header fields");

  /* 3. A 1xx is not a final response. */
  int32_t interim[] = {100, 101, 103, 199};
  for (size_t i = 0; i < sizeof interim / sizeof interim[0]; i++) {
    start_call(&call, core);
    request = wait_for_request(&h, next++);
    char what[120];
    snprintf(what, sizeof what, "status %d", (int)interim[i]);
    expect_status(ac_http_respond(request, interim[i], &one_header, 1, NULL, 0), AC_ERR_ARGUMENT, what, NULL);
    finish_call(&call, AC_ERR_NETWORK, "which is not a final response", what);
  }

  /* 4. The header cap: 500 fields and 256 KiB, as on the wire. */
  enum { MANY = 4000, VALUE = 64 * 1024 };
  ac_http_header *many = calloc(MANY, sizeof *many);
  char *value = malloc(VALUE + 1);
  char *small = malloc(16);
  if (many == NULL || value == NULL || small == NULL) {
    printf("out of memory\n");
    return 1;
  }
  memset(value, 'v', VALUE);
  value[VALUE] = '\0';
  strcpy(small, "1");
  static const struct {
    size_t count;
    int large_values; /* 1: each value 64 KiB; 0: "1" */
    ac_status call_status;
    const char *detail;
    const char *what;
  } cases[] = {
      {500, 0, AC_ERR_SERVER, NULL, "500 small fields: taken (a 503)"},
      {501, 0, AC_ERR_NETWORK, "responseTooLarge: 501 header fields", "501 small fields"},
      {3, 1, AC_ERR_SERVER, NULL, "3 fields of 64 KiB: taken (a 503)"},
      {4, 1, AC_ERR_NETWORK, "responseTooLarge: header fields of more than 262144 bytes", "4 fields of 64 KiB"},
      {MANY, 1, AC_ERR_NETWORK, "responseTooLarge: 4000 header fields", "4000 fields of 64 KiB"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    for (size_t j = 0; j < cases[i].count; j++) {
      many[j].name = "X-Field";
      many[j].value = cases[i].large_values ? value : small;
    }
    start_call(&call, core);
    request = wait_for_request(&h, next++);
    expect_status(ac_http_respond(request, 503, many, cases[i].count, NULL, 0), AC_OK, cases[i].what, NULL);
    finish_call(&call, cases[i].call_status, cases[i].detail, cases[i].what);
  }
  /* One value of 1 MiB: read no further than the cap allows. */
  char *huge = malloc((1 << 20) + 1);
  if (huge != NULL) {
    memset(huge, 'h', 1 << 20);
    huge[1 << 20] = '\0';
    ac_http_header one_huge = {"X-Huge", huge};
    start_call(&call, core);
    request = wait_for_request(&h, next++);
    expect_status(ac_http_respond(request, 200, &one_huge, 1, NULL, 0), AC_OK, "a field of 1 MiB", NULL);
    finish_call(&call, AC_ERR_NETWORK, "responseTooLarge: header fields of more than", "a field of 1 MiB");
    free(huge);
  }
  free(many);
  free(value);
  free(small);

  /* 5. A request the app still holds when ac_close comes: cancelled, and
  **    afterwards its handle names nothing. */
  start_call(&call, core);
  request = wait_for_request(&h, next++);
  ac_close(core);
  finish_call(&call, AC_ERR_NETWORK, "cancelled: the core was closed", "a call waiting at ac_close");
  expect_status(ac_http_respond(request, 200, &one_header, 1, small_body, 2), AC_ERR_ARGUMENT,
                "an answer after ac_close", NULL);
  expect_status(ac_http_fail(request, AC_HTTP_CANCELLED, "late"), AC_ERR_ARGUMENT, "another answer after ac_close",
                NULL);
  garbage_handles("after ac_close");

  /* 6. The core's timeout: cancel answers (taken), the app answers again later (refused). */
  host timing_out;
  host_init(&timing_out);
  timing_out.answer_in_cancel = 1;
  char second_path[4200];
  snprintf(second_path, sizeof second_path, "%s-timeout", database_path);
  core = open_with(&timing_out, second_path, "\"timeoutSeconds\": 0.2");
  if (core == NULL) return finish("answers");
  expect_status(ac_set_token(core, "token-of-the-misuse-tests-00002"), AC_OK, "ac_set_token", NULL);
  start_call(&call, core);
  request = wait_for_request(&timing_out, 0);
  finish_call(&call, AC_ERR_NETWORK, "timeout: no answer from the app's transport within 200 ms", "the timeout");
  pthread_mutex_lock(&timing_out.lock);
  expect_true(timing_out.cancels == 1, "the timed-out request was cancelled once", NULL);
  expect_status(timing_out.cancel_answer, AC_OK, "the answer inside cancel is taken", NULL);
  pthread_mutex_unlock(&timing_out.lock);
  expect_status(ac_http_respond(request, 200, &one_header, 1, small_body, 2), AC_ERR_ARGUMENT,
                "the exchange's own answer after cancel answered", NULL);
  ac_close(core);
  return finish("answers");
}

/* ---- core -------------------------------------------------------------- */

static int racing_stop = 0;
static pthread_mutex_t racing_lock = PTHREAD_MUTEX_INITIALIZER;

typedef struct {
  ac_core *core;
  int calls, ok, refused, other;
} racer;

static void *race(void *argument) {
  racer *r = argument;
  for (;;) {
    pthread_mutex_lock(&racing_lock);
    int stop = racing_stop;
    pthread_mutex_unlock(&racing_lock);
    char *json = NULL;
    ac_status status = ac_call(r->core, "outbox", NULL, &json);
    int ok = status == AC_OK && jc_is_object(json);
    int refused = status == AC_ERR_ARGUMENT && jc_string_contains(json, "error.detail", "closed");
    ac_string_free(json);
    pthread_mutex_lock(&racing_lock);
    int calls = ++r->calls;
    r->ok += ok;
    r->refused += refused;
    r->other += !ok && !refused;
    pthread_mutex_unlock(&racing_lock);
    ac_set_online(r->core, calls % 2);
    if (stop && status == AC_ERR_ARGUMENT) return NULL;
  }
}

static void expect_closed(ac_core *core, const char *when) {
  char what[200];
  char *json = NULL;
  snprintf(what, sizeof what, "%s: ac_call", when);
  expect_status(ac_call(core, "status", NULL, &json), AC_ERR_ARGUMENT, what, json);
  snprintf(what, sizeof what, "%s: ac_call's error says \"closed\"", when);
  expect_true(jc_is_error_object(json) && jc_string_contains(json, "error.detail", "closed"), what, json);
  ac_string_free(json);
  snprintf(what, sizeof what, "%s: ac_call with out_json NULL", when);
  expect_status(ac_call(core, "status", NULL, NULL), AC_ERR_ARGUMENT, what, NULL);
  snprintf(what, sizeof what, "%s: ac_set_token", when);
  expect_status(ac_set_token(core, "token-after-close-000000000001"), AC_ERR_ARGUMENT, what, NULL);
  snprintf(what, sizeof what, "%s: ac_set_token(NULL)", when);
  expect_status(ac_set_token(core, NULL), AC_ERR_ARGUMENT, what, NULL);
  snprintf(what, sizeof what, "%s: ac_sign_in", when);
  expect_status(ac_sign_in(core, "user-1", "token-after-close-000000000001"), AC_ERR_ARGUMENT, what, NULL);
  snprintf(what, sizeof what, "%s: ac_set_online", when);
  expect_status(ac_set_online(core, 1), AC_ERR_ARGUMENT, what, NULL);
  snprintf(what, sizeof what, "%s: ac_set_event_handler", when);
  expect_status(ac_set_event_handler(core, NULL, NULL), AC_ERR_ARGUMENT, what, NULL);
  ac_close(core); /* harmless */
}

/* ac_close on one core from several threads at once. */
typedef struct {
  ac_core *core;
  host *h;
  pthread_barrier_t *start;
  int cancels_seen; /* cancel calls that had returned when this ac_close did */
} closer;

static void *close_core(void *argument) {
  closer *c = argument;
  pthread_barrier_wait(c->start);
  ac_close(c->core);
  pthread_mutex_lock(&c->h->lock);
  c->cancels_seen = c->h->cancels;
  pthread_mutex_unlock(&c->h->lock);
  return NULL;
}

/* Racing ac_close calls: one closes, each other returns only once that close
** is done, so no callback of the transport runs after any of them returned
** (an app may free the transport's context after its own ac_close). The
** request under way makes the close call cancel, which takes 200 ms here:
** an ac_close returning before the close was done would see no cancel. */
static void closes_racing(const char *database_path) {
  host h;
  host_init(&h);
  h.cancel_sleep_ms = 200;
  ac_core *core = open_with(&h, database_path, NULL);
  if (core == NULL) return;
  expect_status(ac_set_token(core, "token-of-the-misuse-tests-00001"), AC_OK, "racing closes: ac_set_token", NULL);
  pending_call call;
  start_call(&call, core);
  expect_true(wait_for_request(&h, 0) != NULL, "racing closes: the call's request was sent", NULL);
  enum { CLOSERS = 4 };
  pthread_barrier_t start;
  pthread_barrier_init(&start, NULL, CLOSERS);
  closer closers[CLOSERS];
  pthread_t threads[CLOSERS];
  for (int i = 0; i < CLOSERS; i++) {
    closers[i] = (closer){core, &h, &start, -1};
    if (pthread_create(&threads[i], NULL, close_core, &closers[i]) != 0) {
      printf("pthread_create failed\n");
      exit(1);
    }
  }
  for (int i = 0; i < CLOSERS; i++) pthread_join(threads[i], NULL);
  pthread_barrier_destroy(&start);
  for (int i = 0; i < CLOSERS; i++) {
    char line[200];
    snprintf(line, sizeof line, "racing closes: ac_close %d returned after the close's cancel had returned (saw %d)", i,
             closers[i].cancels_seen);
    expect_true(closers[i].cancels_seen == 1, line, NULL);
  }
  finish_call(&call, AC_ERR_NETWORK, "cancelled", "racing closes: the call under way");
  expect_closed(core, "after racing closes");
}

static int core_misuse(const char *database_path) {
  host h;
  host_init(&h);
  ac_core *core = open_with(&h, database_path, NULL);
  if (core == NULL) return finish("core");
  ac_close(core);
  expect_closed(core, "after ac_close");
  ac_close(core);
  ac_close(core);
  expect_closed(core, "after three ac_close");
  int local = 0;
  expect_closed((ac_core *)(uintptr_t)1, "a core never opened (1)");
  expect_closed((ac_core *)&local, "a core never opened (an address)");
  expect_closed((ac_core *)(uintptr_t)-1, "a core never opened (all bits set)");
  expect_closed(NULL, "NULL");

  /* A new core gets a new handle; the old one stays closed. */
  ac_core *again = open_with(&h, database_path, NULL);
  if (again == NULL) return finish("core");
  expect_true(again != core, "a core opened again has a handle of its own", NULL);
  expect_closed(core, "the old handle, with another core open");
  char *json = expect_call(again, "outbox", NULL, AC_OK);
  ac_string_free(json);

  /* Calls racing ac_close: each is answered (AC_OK) or refused as closed. */
  enum { RACERS = 4 };
  racer racers[RACERS];
  pthread_t threads[RACERS];
  for (int i = 0; i < RACERS; i++) {
    racers[i] = (racer){again, 0, 0, 0, 0};
    if (pthread_create(&threads[i], NULL, race, &racers[i]) != 0) {
      printf("pthread_create failed\n");
      return 1;
    }
  }
  /* Let them call a while: until each has made 20 calls. */
  for (int i = 0; i < RACERS; i++) {
    for (;;) {
      pthread_mutex_lock(&racing_lock);
      int calls = racers[i].calls;
      pthread_mutex_unlock(&racing_lock);
      if (calls >= 20) break;
      struct timespec pause = {0, 2 * 1000 * 1000};
      nanosleep(&pause, NULL);
    }
  }
  pthread_mutex_lock(&racing_lock);
  racing_stop = 1;
  pthread_mutex_unlock(&racing_lock);
  ac_close(again);
  int ok = 0, refused = 0, other = 0;
  for (int i = 0; i < RACERS; i++) {
    pthread_join(threads[i], NULL);
    /* Joined: its counts are final. */
    ok += racers[i].ok;
    refused += racers[i].refused;
    other += racers[i].other;
  }
  char line[200];
  snprintf(line, sizeof line, "calls racing ac_close: answered or refused as closed (%d ok, %d refused, %d other)", ok,
           refused, other);
  expect_true(ok >= RACERS * 20 && refused >= RACERS && other == 0, line, NULL);
  expect_closed(again, "after the race");
  closes_racing(database_path);
  return finish("core");
}

/* ---- handler ----------------------------------------------------------- */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static ac_core *handler_core;
static int in_blocking = 0;          /* the blocking handler is running */
static int released = 0;             /* it may return */
static int replaced = 0;             /* ac_set_event_handler (from another thread) returned */
static int replaced_when_returning = -1; /* `replaced` as the blocking handler returned */
static int inside_done = 0;          /* the re-entrant handler's call returned */
static ac_status inside_status = -1;

static void wait_until(int *flag) {
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += 30;
  int rc = 0;
  while (!*flag && rc != ETIMEDOUT) rc = pthread_cond_timedwait(&changed, &lock, &until);
}

static void blocking_handler(void *context, const char *event_json) {
  (void)context;
  (void)event_json;
  pthread_mutex_lock(&lock);
  if (in_blocking || replaced_when_returning != -1) { /* one blocking call is enough */
    pthread_mutex_unlock(&lock);
    return;
  }
  in_blocking = 1;
  pthread_cond_broadcast(&changed);
  wait_until(&released);
  replaced_when_returning = replaced;
  in_blocking = 0;
  pthread_mutex_unlock(&lock);
}

static void quiet_handler(void *context, const char *event_json) {
  (void)context;
  (void)event_json;
}

static void *replace(void *argument) {
  ac_status *status = argument;
  *status = ac_set_event_handler(handler_core, quiet_handler, NULL);
  pthread_mutex_lock(&lock);
  replaced = 1;
  pthread_cond_broadcast(&changed);
  pthread_mutex_unlock(&lock);
  return NULL;
}

static void reentrant_handler(void *context, const char *event_json) {
  (void)context;
  (void)event_json;
  pthread_mutex_lock(&lock);
  int first = !inside_done;
  pthread_mutex_unlock(&lock);
  if (!first) return;
  /* From inside the handler, on its thread: returns at once. */
  ac_status status = ac_set_event_handler(handler_core, quiet_handler, NULL);
  pthread_mutex_lock(&lock);
  inside_status = status;
  inside_done = 1;
  pthread_cond_broadcast(&changed);
  pthread_mutex_unlock(&lock);
}

static int handler(const char *database_path) {
  host h;
  host_init(&h);
  handler_core = open_with(&h, database_path, NULL);
  if (handler_core == NULL) return finish("handler");
  expect_status(ac_set_event_handler(handler_core, blocking_handler, NULL), AC_OK, "ac_set_event_handler", NULL);
  expect_status(ac_set_online(handler_core, 0), AC_OK, "ac_set_online(core, 0): an event", NULL);
  pthread_mutex_lock(&lock);
  wait_until(&in_blocking);
  int blocking = in_blocking;
  pthread_mutex_unlock(&lock);
  expect_true(blocking, "the blocking handler runs (an event within 30 s)", NULL);
  if (!blocking) return finish("handler");

  ac_status replace_status = -1;
  pthread_t thread;
  if (pthread_create(&thread, NULL, replace, &replace_status) != 0) {
    printf("pthread_create failed\n");
    return 1;
  }
  /* Give ac_set_event_handler time to return if it would not wait; it must not. */
  struct timespec pause = {0, 300 * 1000 * 1000};
  nanosleep(&pause, NULL);
  pthread_mutex_lock(&lock);
  expect_true(!replaced, "ac_set_event_handler has not returned while the old handler runs (300 ms later)", NULL);
  released = 1;
  pthread_cond_broadcast(&changed);
  pthread_mutex_unlock(&lock);
  pthread_join(thread, NULL);
  expect_status(replace_status, AC_OK, "ac_set_event_handler, replacing a running handler", NULL);
  pthread_mutex_lock(&lock);
  expect_true(replaced_when_returning == 0,
              "ac_set_event_handler returned only after the old handler's call had returned", NULL);
  pthread_mutex_unlock(&lock);

  /* From inside the handler: returns at once (no deadlock), AC_OK. */
  expect_status(ac_set_event_handler(handler_core, reentrant_handler, NULL), AC_OK, "ac_set_event_handler (re-entrant)",
                NULL);
  expect_status(ac_set_online(handler_core, 1), AC_OK, "ac_set_online(core, 1)", NULL);
  expect_status(ac_set_online(handler_core, 0), AC_OK, "ac_set_online(core, 0): an event", NULL);
  pthread_mutex_lock(&lock);
  wait_until(&inside_done);
  int done = inside_done;
  ac_status status = inside_status;
  pthread_mutex_unlock(&lock);
  expect_true(done, "ac_set_event_handler from inside the handler returned (no deadlock, within 30 s)", NULL);
  if (!done) {
    printf("%d of %d checks failed (not closing a core stuck in its handler)\n", expect_failures, expect_checks);
    fflush(stdout);
    _Exit(1);
  }
  expect_status(status, AC_OK, "ac_set_event_handler from inside the handler", NULL);
  ac_close(handler_core);
  return finish("handler");
}

int main(int argc, char **argv) {
  const char *mode = argc == 3 ? argv[1] : "";
  if (strcmp(mode, "answers") == 0) return answers(argv[2]);
  if (strcmp(mode, "core") == 0) return core_misuse(argv[2]);
  if (strcmp(mode, "handler") == 0) return handler(argv[2]);
  fprintf(stderr, "usage: misuse answers|core|handler DATABASE_PATH\n");
  return 2;
}
