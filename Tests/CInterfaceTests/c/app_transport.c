/*
** app_transport.c: the core's HTTP through the app's own stack
** (ac_open_with_transport), as an Android or iOS shell would give it.
**
** Usage:
**   app_transport flow thread|inline BASE_URL TOKEN DATABASE_PATH [WAIT_SECONDS]
**       The whole story (status, request, offline cancel, back online, sync)
**       against the emulator through http_host.c, each request answered
**       from a thread of the app's (thread) or at once inside send (inline).
**   app_transport failures DATABASE_PATH
**       A transport that fails each request with a kind: every kind is
**       AC_ERR_NETWORK with the kind in error.detail; malformed answers,
**       a 503, a body over 1 MiB and transports the core cannot use.
**   app_transport silent DATABASE_PATH
**       A transport that never answers: the call's timeout (0.5 s) gives
**       AC_ERR_NETWORK and a cancel; ac_close cancels a request under way
**       and returns with no callback after; answers after that are refused
**       (AC_ERR_ARGUMENT) and change nothing.
**   app_transport local DATABASE_PATH
**       failures, then silent (one process, for valgrind).
**   app_transport builtin curl|no-curl DATABASE_PATH
**       ac_open without a transport: opens with libcurl, or, in a library
**       built without it, refuses clearly and creates nothing.
** Exits 0 when every check held; otherwise prints each failure and exits 1.
*/
#define _POSIX_C_SOURCE 200809L

#include "account_core.h"
#include "expect.h"
#include "http_host.h"
#include "json_check.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- The app's transport under test ------------------------------------ */

typedef enum {
  ANSWER_ON_THREAD, /* performs the exchange on a thread of its own, answers from there */
  ANSWER_INLINE,    /* performs the exchange inside send, answers before returning */
  FAIL,             /* answers ac_http_fail(failure) (or `answer`), inside send or from a thread */
  SILENT            /* never answers by itself */
} host_mode;

/* How FAIL answers, besides ac_http_fail(failure). */
typedef enum { WITH_FAILURE, WITH_BAD_STATUS, WITH_503, WITH_HUGE_BODY } fail_answer;

#define MAX_REQUESTS 64

typedef struct {
  ac_http_request *request;
  const ac_http_request_info *info;
  int send_returned;
  int cancelled;
  int answered;
} held_request;

typedef struct host {
  pthread_mutex_t lock;
  pthread_cond_t changed;
  host_mode mode;
  ac_http_failure failure;
  fail_answer answer;
  int answer_on_thread;    /* FAIL: from a thread rather than inside send */
  int answer_in_cancel;    /* SILENT: answer AC_HTTP_CANCELLED inside cancel */
  const char *base_url;    /* every URL starts with it (NULL: not checked) */
  uint32_t timeout_ms;     /* every request says so */
  int sends, answers, cancels, threads_running;
  int bad_info, bad_cancel, callbacks_after_close, answer_refused;
  ac_status last_answer_status;
  int closed;              /* ac_close returned */
  held_request held[MAX_REQUESTS];
  int held_count;
} host;

static void host_init(host *h, host_mode mode, const char *base_url, uint32_t timeout_ms) {
  memset(h, 0, sizeof *h);
  pthread_mutex_init(&h->lock, NULL);
  pthread_cond_init(&h->changed, NULL);
  h->mode = mode;
  h->base_url = base_url;
  h->timeout_ms = timeout_ms;
}

static void host_destroy(host *h) {
  pthread_mutex_destroy(&h->lock);
  pthread_cond_destroy(&h->changed);
}

static int info_is_sane(const host *h, const ac_http_request_info *info) {
  if (info == NULL || info->method == NULL || info->url == NULL) return 0;
  if (h->base_url != NULL && strncmp(info->url, h->base_url, strlen(h->base_url)) != 0) return 0;
  if (info->timeout_ms != h->timeout_ms) return 0;
  if (info->header_count > 0 && info->headers == NULL) return 0;
  for (size_t i = 0; i < info->header_count; i++) {
    if (info->headers[i].name == NULL || info->headers[i].value == NULL) return 0;
  }
  /* A body comes with the methods that carry one, and only with them. */
  int carries = strcmp(info->method, "GET") != 0 && strcmp(info->method, "DELETE") != 0;
  if (info->body == NULL && info->body_length != 0) return 0;
  if (info->body != NULL && !carries) return 0;
  return 1;
}

/* Notes that an answer was given, with the status the library returned for it. */
static void note_answer(host *h, ac_status status) {
  pthread_mutex_lock(&h->lock);
  h->answers++;
  h->last_answer_status = status;
  if (status != AC_OK) h->answer_refused++;
  pthread_cond_broadcast(&h->changed);
  pthread_mutex_unlock(&h->lock);
}

static ac_status answer_failing(host *h, ac_http_request *request) {
  pthread_mutex_lock(&h->lock);
  fail_answer answer = h->answer;
  ac_http_failure failure = h->failure;
  pthread_mutex_unlock(&h->lock);
  switch (answer) {
    case WITH_BAD_STATUS:
      return ac_http_respond(request, 42, NULL, 0, NULL, 0);
    case WITH_503: {
      ac_http_header headers[] = {{"Content-Type", "text/plain"}};
      return ac_http_respond(request, 503, headers, 1, NULL, 0);
    }
    case WITH_HUGE_BODY: {
      size_t length = (1 << 20) + 1;
      uint8_t *body = calloc(length, 1);
      ac_status status = ac_http_respond(request, 200, NULL, 0, body, length);
      free(body);
      return status;
    }
    case WITH_FAILURE:
      break;
  }
  return ac_http_fail(request, failure, "test host failed on purpose");
}

typedef struct {
  host *h;
  ac_http_request *request;
  const ac_http_request_info *info;
} answer_job;

static void *answer_thread(void *argument) {
  answer_job *job = argument;
  host *h = job->h;
  ac_status status = h->mode == FAIL ? answer_failing(h, job->request) : http_host_perform(job->request, job->info);
  free(job);
  note_answer(h, status);
  pthread_mutex_lock(&h->lock);
  h->threads_running--;
  pthread_cond_broadcast(&h->changed);
  pthread_mutex_unlock(&h->lock);
  return NULL;
}

static void host_send(void *context, ac_http_request *request, const ac_http_request_info *info) {
  host *h = context;
  pthread_mutex_lock(&h->lock);
  h->sends++;
  if (h->closed) h->callbacks_after_close++;
  if (!info_is_sane(h, info)) h->bad_info++;
  int index = h->held_count < MAX_REQUESTS ? h->held_count++ : -1;
  if (index >= 0) h->held[index] = (held_request){request, info, 0, 0, 0};
  int on_thread = h->mode == ANSWER_ON_THREAD || (h->mode == FAIL && h->answer_on_thread);
  if (on_thread) h->threads_running++;
  pthread_cond_broadcast(&h->changed);
  pthread_mutex_unlock(&h->lock);

  if (on_thread) {
    answer_job *job = malloc(sizeof *job);
    pthread_t thread;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    *job = (answer_job){h, request, info};
    if (pthread_create(&thread, &attributes, answer_thread, job) != 0) {
      free(job);
      note_answer(h, ac_http_fail(request, AC_HTTP_OTHER, "no thread"));
      pthread_mutex_lock(&h->lock);
      h->threads_running--;
      pthread_mutex_unlock(&h->lock);
    }
    pthread_attr_destroy(&attributes);
  } else if (h->mode == ANSWER_INLINE) {
    note_answer(h, http_host_perform(request, info));
  } else if (h->mode == FAIL) {
    note_answer(h, answer_failing(h, request));
  }
  /* SILENT: kept in `held`, answered by cancel or at the end. */

  pthread_mutex_lock(&h->lock);
  if (index >= 0) h->held[index].send_returned = 1;
  pthread_mutex_unlock(&h->lock);
}

static void host_cancel(void *context, ac_http_request *request) {
  host *h = context;
  int answer_now = 0;
  pthread_mutex_lock(&h->lock);
  h->cancels++;
  if (h->closed) h->callbacks_after_close++;
  held_request *found = NULL;
  for (int i = 0; i < h->held_count; i++) {
    if (h->held[i].request == request && !h->held[i].answered) found = &h->held[i];
  }
  /* Only a request sent, whose send returned, not answered, and once. */
  if (found == NULL || !found->send_returned || found->cancelled) {
    h->bad_cancel++;
  } else {
    found->cancelled = 1;
    if (h->answer_in_cancel) {
      found->answered = 1;
      answer_now = 1;
    }
  }
  pthread_cond_broadcast(&h->changed);
  pthread_mutex_unlock(&h->lock);
  if (answer_now) note_answer(h, ac_http_fail(request, AC_HTTP_CANCELLED, "cancelled as asked"));
}

static ac_transport transport_of(host *h) {
  ac_transport transport = {AC_TRANSPORT_VERSION, h, host_send, host_cancel};
  return transport;
}

/* Waits until `done(h)` holds, at most `seconds`. */
static int wait_for(host *h, int (*done)(const host *), double seconds) {
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += (time_t)seconds;
  pthread_mutex_lock(&h->lock);
  int rc = 0;
  while (!done(h) && rc != ETIMEDOUT) rc = pthread_cond_timedwait(&h->changed, &h->lock, &until);
  int held = done(h);
  pthread_mutex_unlock(&h->lock);
  return held;
}

static int no_thread_running(const host *h) { return h->threads_running == 0; }
static int something_sent(const host *h) { return h->sends > 0; }

/* Marks the core closed: from now on, any callback is a broken promise. */
static void close_core(host *h, ac_core *core) {
  ac_close(core);
  pthread_mutex_lock(&h->lock);
  h->closed = 1;
  pthread_mutex_unlock(&h->lock);
}

/* ---- Helpers ----------------------------------------------------------- */

static ac_core *open_with(host *h, const char *base_url, const char *database_path, const char *extra) {
  char *config = allmine_config(base_url, database_path, extra);
  ac_transport transport = transport_of(h);
  ac_core *core = NULL;
  char *error = NULL;
  ac_status opened = ac_open_with_transport(config, &transport, &core, &error);
  free(config);
  expect_status(opened, AC_OK, "ac_open_with_transport", error);
  ac_string_free(error);
  return opened == AC_OK ? core : NULL;
}

/* A network failure whose detail starts with `prefix`. */
static void expect_network_failure(const char *json, const char *prefix, const char *what) {
  char line[256];
  snprintf(line, sizeof line, "%s: error.code is network", what);
  expect_true(jc_string_is(json, "error.code", "network"), line, json);
  char *detail = jc_string_dup(json, "error.detail");
  snprintf(line, sizeof line, "%s: error.detail starts with \"%s\"", what, prefix);
  expect_true(detail != NULL && strncmp(detail, prefix, strlen(prefix)) == 0, line, json);
  free(detail);
}

static int finish(const char *name) {
  if (expect_failures > 0) {
    printf("%d of %d checks failed\n", expect_failures, expect_checks);
    return 1;
  }
  printf("app_transport %s: all %d checks held\n", name, expect_checks);
  return 0;
}

/* ---- Events ------------------------------------------------------------ */

static pthread_mutex_t events_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t events_changed = PTHREAD_COND_INITIALIZER;
static int cancel_synced = 0;

static void on_event(void *context, const char *event_json) {
  (void)context;
  pthread_mutex_lock(&events_lock);
  if (jc_string_is(event_json, "type", "operationSynced") && strstr(event_json, "\"cancelDeletion\"") != NULL) {
    cancel_synced = 1;
  }
  pthread_cond_broadcast(&events_changed);
  pthread_mutex_unlock(&events_lock);
}

static int wait_for_cancel_synced(double seconds) {
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += (time_t)seconds;
  pthread_mutex_lock(&events_lock);
  int rc = 0;
  while (!cancel_synced && rc != ETIMEDOUT) rc = pthread_cond_timedwait(&events_changed, &events_lock, &until);
  int synced = cancel_synced;
  pthread_mutex_unlock(&events_lock);
  return synced;
}

/* ---- flow -------------------------------------------------------------- */

static int flow(host_mode mode, const char *base_url, const char *token, const char *database_path, double wait) {
  host h;
  host_init(&h, mode, base_url, 30000);
  ac_core *core = open_with(&h, base_url, database_path, "\"language\": \"tr\"");
  if (core == NULL) return finish("flow");
  expect_status(ac_set_token(core, token), AC_OK, "ac_set_token", NULL);
  expect_status(ac_set_event_handler(core, on_event, NULL), AC_OK, "ac_set_event_handler", NULL);

  char *json = expect_call(core, "status", NULL, AC_OK);
  expect_true(jc_string_is(json, "source", "server"), "status: source is server", json);
  expect_true(jc_string_is(json, "deletion.status", "none"), "status: no deletion yet", json);
  ac_string_free(json);

  json = expect_call(core, "requestDeletion", "{\"reason\": \"Ayrılıyorum 👋\"}", AC_OK);
  expect_true(jc_string_is(json, "deletion.status", "pending"), "requestDeletion: pending", json);
  ac_string_free(json);

  expect_status(ac_set_online(core, 0), AC_OK, "ac_set_online(core, 0)", NULL);
  json = expect_call(core, "cancelDeletion", NULL, AC_QUEUED);
  expect_true(jc_string_is(json, "queued.kind", "cancelDeletion"), "offline cancel: queued", json);
  ac_string_free(json);

  expect_status(ac_set_online(core, 1), AC_OK, "ac_set_online(core, 1)", NULL);
  expect_true(wait_for_cancel_synced(wait), "back online, the queued cancel is delivered (operationSynced)", NULL);

  json = expect_call(core, "sync", NULL, AC_OK);
  expect_true(jc_number_is(json, "remaining", 0), "sync: nothing remains", json);
  ac_string_free(json);

  json = expect_call(core, "status", NULL, AC_OK);
  expect_true(jc_string_is(json, "source", "server"), "status at the end: source is server", json);
  expect_true(jc_string_is(json, "deletion.status", "cancelled"), "status at the end: cancelled", json);
  ac_string_free(json);

  close_core(&h, core);
  expect_true(wait_for(&h, no_thread_running, wait), "every answering thread ended", NULL);
  pthread_mutex_lock(&h.lock);
  char counts[200];
  snprintf(counts, sizeof counts, "every request sent was answered once (%d sent, %d answered)", h.sends, h.answers);
  expect_true(h.sends >= 5 && h.sends == h.answers, counts, NULL);
  expect_true(h.answer_refused == 0, "the library took every well-formed answer (AC_OK)", NULL);
  expect_true(h.cancels == 0, "nothing was cancelled", NULL);
  expect_true(h.bad_info == 0, "every request info is complete: method, the base URL, headers, 30000 ms", NULL);
  expect_true(h.callbacks_after_close == 0, "no callback after ac_close returned", NULL);
  pthread_mutex_unlock(&h.lock);
  host_destroy(&h);
  return finish(mode == ANSWER_INLINE ? "flow inline" : "flow thread");
}

/* ---- failures ---------------------------------------------------------- */

static void profile_fails(ac_core *core, host *h, const char *prefix, ac_status want, const char *what) {
  char *json = expect_call(core, "profile", NULL, want);
  if (want == AC_ERR_NETWORK) expect_network_failure(json, prefix, what);
  expect_true(jc_is_error_object(json), "the failure is an {\"error\": {...}} object", json);
  ac_string_free(json);
  expect_true(wait_for(h, no_thread_running, 120), "the answering thread ended", NULL);
}

static int failures(const char *database_path) {
  /* ac_open_with_transport, ac_http_respond and ac_http_fail came in 1.2.0. */
  int major = 0, minor = 0;
  const char *version = ac_version();
  expect_true(version != NULL && sscanf(version, "%d.%d", &major, &minor) == 2 &&
                  (major > 1 || (major == 1 && minor >= 2)),
              "ac_version() is 1.2.0 or later", version);

  host h;
  host_init(&h, FAIL, "https://app.invalid", 30000);
  ac_core *core = open_with(&h, "https://app.invalid", database_path, NULL);
  if (core == NULL) return finish("failures");
  expect_status(ac_set_token(core, "token-of-the-failure-tests-0001"), AC_OK, "ac_set_token", NULL);

  static const struct {
    ac_http_failure kind;
    const char *prefix;
  } kinds[] = {
      {AC_HTTP_NO_CONNECTION, "noConnection: test host failed on purpose"},
      {AC_HTTP_TIMEOUT, "timeout: test host failed on purpose"},
      {AC_HTTP_TLS, "tls: test host failed on purpose"},
      {AC_HTTP_CANCELLED, "cancelled: test host failed on purpose"},
      {AC_HTTP_INTERRUPTED, "interrupted: test host failed on purpose"},
      {AC_HTTP_OTHER, "other: test host failed on purpose"},
  };
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    for (int on_thread = 0; on_thread <= 1; on_thread++) {
      pthread_mutex_lock(&h.lock);
      h.failure = kinds[i].kind;
      h.answer = WITH_FAILURE;
      h.answer_on_thread = on_thread;
      pthread_mutex_unlock(&h.lock);
      char what[160];
      snprintf(what, sizeof what, "failure kind %d answered %s", (int)kinds[i].kind,
               on_thread ? "from a thread" : "inside send");
      profile_fails(core, &h, kinds[i].prefix, AC_ERR_NETWORK, what);
      pthread_mutex_lock(&h.lock);
      expect_status(h.last_answer_status, AC_OK, "ac_http_fail with a known kind", NULL);
      pthread_mutex_unlock(&h.lock);
    }
  }

  /* An unknown kind counts as other, and the app is told it is unknown. */
  pthread_mutex_lock(&h.lock);
  h.failure = 99;
  h.answer_on_thread = 0;
  pthread_mutex_unlock(&h.lock);
  profile_fails(core, &h, "other: test host failed on purpose", AC_ERR_NETWORK, "an unknown failure kind");
  pthread_mutex_lock(&h.lock);
  expect_status(h.last_answer_status, AC_ERR_ARGUMENT, "ac_http_fail with kind 99", NULL);
  h.answer = WITH_BAD_STATUS;
  pthread_mutex_unlock(&h.lock);

  /* A malformed answer still answers, as a failure. */
  profile_fails(core, &h, "other: the app's transport answered status 42", AC_ERR_NETWORK, "status 42");
  pthread_mutex_lock(&h.lock);
  expect_status(h.last_answer_status, AC_ERR_ARGUMENT, "ac_http_respond with status 42", NULL);
  h.answer = WITH_HUGE_BODY;
  pthread_mutex_unlock(&h.lock);

  profile_fails(core, &h, "responseTooLarge: ", AC_ERR_NETWORK, "a body of 1 MiB + 1");

  /* A 503 is the server's answer: a server error, not a network failure. */
  pthread_mutex_lock(&h.lock);
  h.answer = WITH_503;
  h.answer_on_thread = 1;
  pthread_mutex_unlock(&h.lock);
  profile_fails(core, &h, NULL, AC_ERR_SERVER, "a 503");

  expect_status(ac_http_respond(NULL, 200, NULL, 0, NULL, 0), AC_ERR_ARGUMENT, "ac_http_respond(NULL, ...)", NULL);
  expect_status(ac_http_fail(NULL, AC_HTTP_TLS, NULL), AC_ERR_ARGUMENT, "ac_http_fail(NULL, ...)", NULL);

  close_core(&h, core);
  pthread_mutex_lock(&h.lock);
  expect_true(h.sends == h.answers, "every request was answered once", NULL);
  expect_true(h.cancels == 0 && h.bad_cancel == 0, "nothing was cancelled", NULL);
  expect_true(h.callbacks_after_close == 0, "no callback after ac_close returned", NULL);
  pthread_mutex_unlock(&h.lock);

  /* Transports the core cannot use are refused at open, naming "transport". */
  char *config = allmine_config("https://app.invalid", database_path, NULL);
  static const char *const names[] = {"version 0", "a version newer than the library's", "a NULL send",
                                      "a NULL cancel"};
  for (int i = 0; i < 4; i++) {
    ac_transport transport = transport_of(&h);
    if (i == 0) transport.version = 0;
    if (i == 1) transport.version = AC_TRANSPORT_VERSION + 1;
    if (i == 2) transport.send = NULL;
    if (i == 3) transport.cancel = NULL;
    ac_core *refused = (ac_core *)&h; /* must be set to NULL */
    char *error = NULL;
    char what[200];
    snprintf(what, sizeof what, "ac_open_with_transport with %s", names[i]);
    expect_status(ac_open_with_transport(config, &transport, &refused, &error), AC_ERR_ARGUMENT, what, error);
    expect_true(refused == NULL, "a refused open sets *out_core to NULL", NULL);
    expect_true(jc_is_error_object(error) && jc_string_contains(error, "error.message", "transport"),
                "the refusal names the transport", error);
    ac_string_free(error);
  }
  free(config);
  host_destroy(&h);
  return finish("failures");
}

/* ---- silent ------------------------------------------------------------ */

typedef struct {
  ac_core *core;
  ac_status status;
  char *json;
} pending_call;

static void *call_profile(void *argument) {
  pending_call *pending = argument;
  pending->status = ac_call(pending->core, "profile", NULL, &pending->json);
  return NULL;
}

/* Answers every request the app still holds, as an app whose exchanges end
** after the core closed: ac_close dropped those requests (their info is
** freed, and is not read here), so each answer is refused with
** AC_ERR_ARGUMENT and touches nothing. */
static void answer_late(host *h, const char *what) {
  pthread_mutex_lock(&h->lock);
  int count = h->held_count;
  pthread_mutex_unlock(&h->lock);
  for (int i = 0; i < count; i++) {
    pthread_mutex_lock(&h->lock);
    held_request held = h->held[i];
    h->held[i].answered = 1;
    pthread_mutex_unlock(&h->lock);
    if (held.answered) continue;
    ac_http_header header = {"Content-Type", "application/json"};
    const char *body = "{}";
    char line[200];
    snprintf(line, sizeof line, "%s: a late answer is AC_ERR_ARGUMENT, and ignored", what);
    expect_status(ac_http_respond(held.request, 200, &header, 1, (const uint8_t *)body, 2), AC_ERR_ARGUMENT, line,
                  NULL);
  }
}

static int silent(const char *database_path) {
  /* The call's timeout: the app never answers, the core gives up after 0.5 s. */
  host timing_out;
  host_init(&timing_out, SILENT, "https://app.invalid", 500);
  timing_out.answer_in_cancel = 1;
  ac_core *core = open_with(&timing_out, "https://app.invalid", database_path, "\"timeoutSeconds\": 0.5");
  if (core == NULL) return finish("silent");
  expect_status(ac_set_token(core, "token-of-the-silent-tests-00001"), AC_OK, "ac_set_token", NULL);
  char *json = expect_call(core, "profile", NULL, AC_ERR_NETWORK);
  expect_network_failure(json, "timeout: no answer from the app's transport within 500 ms", "never answered");
  ac_string_free(json);
  pthread_mutex_lock(&timing_out.lock);
  expect_true(timing_out.sends >= 1 && timing_out.cancels >= 1, "the timed-out request was cancelled", NULL);
  pthread_mutex_unlock(&timing_out.lock);
  close_core(&timing_out, core);
  pthread_mutex_lock(&timing_out.lock);
  char counts[200];
  snprintf(counts, sizeof counts, "each request cancelled once, after its send returned (%d sent, %d cancelled)",
           timing_out.sends, timing_out.cancels);
  expect_true(timing_out.cancels == timing_out.sends && timing_out.bad_cancel == 0, counts, NULL);
  expect_true(timing_out.answers == timing_out.cancels && timing_out.answer_refused == 0,
              "each answered inside its cancel, AC_OK", NULL);
  expect_true(timing_out.bad_info == 0, "every request info says 500 ms", NULL);
  expect_true(timing_out.callbacks_after_close == 0, "no callback after ac_close returned", NULL);
  pthread_mutex_unlock(&timing_out.lock);
  host_destroy(&timing_out);

  /* ac_close while a call waits for an answer that never comes. */
  host closing;
  host_init(&closing, SILENT, "https://app.invalid", 30000);
  char second_path[4200];
  snprintf(second_path, sizeof second_path, "%s-closing", database_path);
  core = open_with(&closing, "https://app.invalid", second_path, NULL);
  if (core == NULL) return finish("silent");
  expect_status(ac_set_token(core, "token-of-the-silent-tests-00002"), AC_OK, "ac_set_token", NULL);
  pending_call pending = {core, -1, NULL};
  pthread_t thread;
  expect_true(pthread_create(&thread, NULL, call_profile, &pending) == 0, "pthread_create", NULL);
  expect_true(wait_for(&closing, something_sent, 120), "the call's request reached the app", NULL);
  close_core(&closing, core);
  pthread_join(thread, NULL);
  expect_status(pending.status, AC_ERR_NETWORK, "the call waiting when ac_close came", pending.json);
  expect_network_failure(pending.json, "cancelled: the core was closed", "cancelled by ac_close");
  ac_string_free(pending.json);
  pthread_mutex_lock(&closing.lock);
  snprintf(counts, sizeof counts, "ac_close cancelled each request under way once (%d sent, %d cancelled)",
           closing.sends, closing.cancels);
  expect_true(closing.sends >= 1 && closing.cancels == closing.sends && closing.bad_cancel == 0, counts, NULL);
  expect_true(closing.answers == 0, "nothing was answered before ac_close returned", NULL);
  pthread_mutex_unlock(&closing.lock);

  /* The app's exchanges end after the core closed: harmless. */
  answer_late(&closing, "after ac_close");
  pthread_mutex_lock(&closing.lock);
  expect_true(closing.callbacks_after_close == 0, "no callback after ac_close returned, answers included", NULL);
  pthread_mutex_unlock(&closing.lock);
  host_destroy(&closing);
  return finish("silent");
}

/* ---- builtin ----------------------------------------------------------- */

static int builtin(int with_curl, const char *database_path) {
  char *config = allmine_config("http://127.0.0.1:9", database_path, "\"language\": \"tr\"");
  ac_core *core = NULL;
  char *error = NULL;
  ac_status opened = ac_open(config, &core, &error);
  free(config);
  if (with_curl) {
    expect_status(opened, AC_OK, "ac_open with libcurl", error);
    ac_close(core);
  } else {
    expect_status(opened, AC_ERR_ARGUMENT, "ac_open in a library without libcurl", error);
    expect_true(core == NULL, "no core", NULL);
    expect_true(jc_string_is(error, "error.code", "invalidInput"), "error.code is invalidInput", error);
    expect_true(jc_string_contains(error, "error.message", "ac_open_with_transport") &&
                    jc_string_contains(error, "error.message", "HTTP"),
                "the message (Turkish) says to open with the app's transport", error);
    expect_true(access(database_path, F_OK) != 0, "nothing was created", database_path);
  }
  ac_string_free(error);
  return finish(with_curl ? "builtin curl" : "builtin no-curl");
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "flow") == 0 && argc >= 6 && (strcmp(argv[2], "thread") == 0 || strcmp(argv[2], "inline") == 0)) {
    return flow(strcmp(argv[2], "inline") == 0 ? ANSWER_INLINE : ANSWER_ON_THREAD, argv[3], argv[4], argv[5],
                argc > 6 ? atof(argv[6]) : 30);
  }
  if (strcmp(mode, "failures") == 0 && argc == 3) return failures(argv[2]);
  if (strcmp(mode, "silent") == 0 && argc == 3) return silent(argv[2]);
  if (strcmp(mode, "local") == 0 && argc == 3) {
    char path[4200];
    snprintf(path, sizeof path, "%s-silent", argv[2]);
    int failed = failures(argv[2]);
    return silent(path) || failed;
  }
  if (strcmp(mode, "builtin") == 0 && argc == 4) return builtin(strcmp(argv[2], "curl") == 0, argv[3]);
  fprintf(stderr, "usage: app_transport flow thread|inline BASE_URL TOKEN DATABASE_PATH [WAIT_SECONDS]\n"
                  "       app_transport failures|silent|local DATABASE_PATH\n"
                  "       app_transport builtin curl|no-curl DATABASE_PATH\n");
  return 2;
}
