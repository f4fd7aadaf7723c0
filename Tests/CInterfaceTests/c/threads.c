/*
** threads.c: one core shared by many threads, as an app's UI, background
** jobs and network monitor share it. The header says every function may be
** called from any thread and calls on one core may run concurrently: 8
** threads each make 50 calls (status, outbox, capabilities in turn) while 2
** more flip the core on and offline, and every call must succeed with one
** JSON object. Then ac_close must return (it waits for calls in flight).
**
** Usage: threads BASE_URL TOKEN DATABASE_PATH
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

#define CALLERS 8
#define CALLS_EACH 50
#define TOGGLERS 2

static ac_core *core;

/* expect.c counts without a lock: every report from a thread goes through
** this one. */
static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static int callers_done = 0;
static long events_received = 0;

static void report(int ok, const char *what, const char *json) {
  if (ok) return;
  pthread_mutex_lock(&report_lock);
  expect_true(0, what, json);
  pthread_mutex_unlock(&report_lock);
}

static void report_status(ac_status got, ac_status want, const char *what, const char *json) {
  pthread_mutex_lock(&report_lock);
  expect_status(got, want, what, json);
  pthread_mutex_unlock(&report_lock);
}

static void count_event(void *context, const char *event_json) {
  (void)context;
  int valid = jc_is_object(event_json);
  pthread_mutex_lock(&state_lock);
  events_received++;
  pthread_mutex_unlock(&state_lock);
  report(valid, "an event is one JSON object", event_json);
}

static void *caller(void *argument) {
  static const char *const operations[] = {"status", "outbox", "capabilities"};
  int index = (int)(long)argument;
  for (int i = 0; i < CALLS_EACH; i++) {
    const char *operation = operations[(i + index) % 3];
    char *json = NULL;
    ac_status status = ac_call(core, operation, NULL, &json);
    char what[160];
    snprintf(what, sizeof what, "thread %d call %d: ac_call(\"%s\") is AC_OK (got %s)", index, i, operation,
             ac_status_name(status));
    report(status == AC_OK, what, json);
    snprintf(what, sizeof what, "thread %d call %d: ac_call(\"%s\") gives one JSON object", index, i, operation);
    report(jc_is_object(json), what, json);
    ac_string_free(json);
  }
  pthread_mutex_lock(&state_lock);
  callers_done++;
  pthread_mutex_unlock(&state_lock);
  return NULL;
}

static void *toggler(void *argument) {
  int index = (int)(long)argument;
  for (int round = 0;; round++) {
    pthread_mutex_lock(&state_lock);
    int done = callers_done == CALLERS;
    pthread_mutex_unlock(&state_lock);
    if (done) break;
    int32_t online = (round + index) % 2;
    ac_status status = ac_set_online(core, online);
    char what[128];
    snprintf(what, sizeof what, "toggler %d: ac_set_online(core, %d) is AC_OK (got %s)", index, (int)online,
             ac_status_name(status));
    report(status == AC_OK, what, NULL);
    struct timespec pause = {0, 2 * 1000 * 1000};
    nanosleep(&pause, NULL);
  }
  return NULL;
}

int main(int argc, char **argv) {
  core = open_allmine_core(argc, argv, "threads");
  if (core == NULL) return 1;
  expect_status(ac_set_event_handler(core, count_event, NULL), AC_OK, "ac_set_event_handler", NULL);
  /* From here on, events may arrive on a library thread: report under the lock. */

  /* One status online first, so that offline ones have a cache to read. */
  char *json = NULL;
  report_status(ac_call(core, "status", NULL, &json), AC_OK, "the first status, online", json);
  ac_string_free(json);

  pthread_t callers[CALLERS], togglers[TOGGLERS];
  for (long i = 0; i < CALLERS; i++) {
    if (pthread_create(&callers[i], NULL, caller, (void *)i) != 0) {
      printf("pthread_create failed\n");
      return 1;
    }
  }
  for (long i = 0; i < TOGGLERS; i++) {
    if (pthread_create(&togglers[i], NULL, toggler, (void *)i) != 0) {
      printf("pthread_create failed\n");
      return 1;
    }
  }
  for (int i = 0; i < CALLERS; i++) pthread_join(callers[i], NULL);
  for (int i = 0; i < TOGGLERS; i++) pthread_join(togglers[i], NULL);

  report_status(ac_set_online(core, 1), AC_OK, "ac_set_online(core, 1) after the storm", NULL);
  json = NULL;
  report_status(ac_call(core, "status", NULL, &json), AC_OK, "status after the storm", json);
  report(jc_string_is(json, "source", "server"), "status after the storm: back online, from the server", json);
  ac_string_free(json);
  ac_close(core);

  /* ac_close has returned: no library thread reports any more. */
  if (expect_failures > 0) {
    printf("%d of %d checks failed\n", expect_failures, expect_checks);
    return 1;
  }
  printf("threads: %d calls on %d threads held; %ld events\n", CALLERS * CALLS_EACH, CALLERS, events_received);
  return 0;
}
