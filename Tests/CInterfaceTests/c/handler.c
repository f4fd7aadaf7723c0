/*
** handler.c: the event handler's contract, from the header: it runs on a
** library thread; it must not call ac_close() on its core (so it may make
** other calls, as a shell that refreshes its screen on "statusChanged"
** does); and once ac_close() has returned it no longer runs, so the caller
** may free its context.
**
** Usage: handler BASE_URL TOKEN DATABASE_PATH
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

static ac_core *core;
static pthread_t main_thread;

/* What the handler saw, under the lock. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int calls = 0;
static int on_main_thread = 0;
static int reentrant_done = 0;
static ac_status reentrant_status = -1;
static char *reentrant_json = NULL;
static int slow = 0;        /* the handler takes 300 ms per event */
static int inside = 0;      /* a handler call is running */
static int closed = 0;      /* ac_close has returned */
static int after_close = 0; /* handler calls that began after that */

static double seconds_now(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

static void pause_ms(long milliseconds) {
  struct timespec pause = {milliseconds / 1000, (milliseconds % 1000) * 1000 * 1000};
  nanosleep(&pause, NULL);
}

static void handle(void *context, const char *event_json) {
  (void)context;
  (void)event_json;
  pthread_mutex_lock(&lock);
  calls++;
  if (pthread_equal(pthread_self(), main_thread)) on_main_thread = 1;
  if (closed) after_close++;
  int first = !reentrant_done && reentrant_status == -1;
  if (first) reentrant_status = -2; /* taken: only one re-entrant call */
  int take_time = slow;
  inside = 1;
  pthread_mutex_unlock(&lock);

  if (first) {
    /* A call back into the core from its own handler. */
    char *json = NULL;
    ac_status status = ac_call(core, "outbox", NULL, &json);
    pthread_mutex_lock(&lock);
    reentrant_status = status;
    reentrant_json = json;
    reentrant_done = 1;
    pthread_mutex_unlock(&lock);
  }
  if (take_time) pause_ms(300);

  pthread_mutex_lock(&lock);
  inside = 0;
  pthread_mutex_unlock(&lock);
}

/* Waits up to `seconds` for `flag` (read under the lock) to become nonzero. */
static int wait_for(int *flag, double seconds) {
  double until = seconds_now() + seconds;
  for (;;) {
    pthread_mutex_lock(&lock);
    int value = *flag;
    pthread_mutex_unlock(&lock);
    if (value || seconds_now() >= until) return value;
    pause_ms(10);
  }
}

int main(int argc, char **argv) {
  main_thread = pthread_self();
  core = open_allmine_core(argc, argv, "handler");
  if (core == NULL) return 1;
  expect_status(ac_set_event_handler(core, handle, NULL), AC_OK, "ac_set_event_handler", NULL);

  /* 1. Going offline is an event ("syncPaused"); its handler calls back in. */
  expect_status(ac_set_online(core, 0), AC_OK, "ac_set_online(core, 0)", NULL);
  int done = wait_for(&reentrant_done, 10);
  pthread_mutex_lock(&lock);
  expect_true(done, "a handler that calls ac_call(\"outbox\") on its own core gets an answer within 10 s", NULL);
  if (done) {
    expect_status(reentrant_status, AC_OK, "ac_call(\"outbox\") from inside the handler", reentrant_json);
    expect_true(jc_is_object(reentrant_json), "ac_call from inside the handler gives one JSON object", reentrant_json);
  }
  expect_true(!on_main_thread, "the handler runs on a library thread, not the caller's", NULL);
  pthread_mutex_unlock(&lock);
  if (!done) {
    /* The library is stuck inside the handler: closing would hang too. */
    printf("%d of %d checks failed (not closing a core stuck in its handler)\n", expect_failures, expect_checks);
    fflush(stdout);
    _Exit(1);
  }
  ac_string_free(reentrant_json);

  /* 2. A slow handler is running when ac_close is called: ac_close must
  **    wait for it, and no call may begin after ac_close returned. */
  pthread_mutex_lock(&lock);
  slow = 1;
  int before = calls;
  pthread_mutex_unlock(&lock);
  expect_status(ac_set_online(core, 1), AC_OK, "ac_set_online(core, 1)", NULL);
  expect_status(ac_set_online(core, 0), AC_OK, "ac_set_online(core, 0) again", NULL);
  double until = seconds_now() + 10;
  int started = 0;
  while (!started && seconds_now() < until) {
    pthread_mutex_lock(&lock);
    started = inside && calls > before;
    pthread_mutex_unlock(&lock);
    if (!started) pause_ms(5);
  }
  expect_true(started, "going offline again makes an event within 10 s", NULL);

  ac_close(core);
  pthread_mutex_lock(&lock);
  int still_inside = inside;
  closed = 1;
  pthread_mutex_unlock(&lock);
  expect_true(!started || !still_inside,
              "ac_close waits for the handler call in progress (it was still running when ac_close returned)", NULL);
  pause_ms(700);
  pthread_mutex_lock(&lock);
  char line[160];
  snprintf(line, sizeof line, "no handler call begins after ac_close returned (%d did)", after_close);
  expect_true(after_close == 0, line, NULL);
  pthread_mutex_unlock(&lock);

  if (expect_failures > 0) {
    printf("%d of %d checks failed\n", expect_failures, expect_checks);
    return 1;
  }
  printf("handler: all %d checks held (%d events)\n", expect_checks, calls);
  return 0;
}
