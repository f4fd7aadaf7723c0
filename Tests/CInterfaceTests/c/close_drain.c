/*
** close_drain.c: ac_close() during a drain ends it. The Swift test makes the
** emulator hold the answer to the queued request for 8 s; the core's
** background drain sends it; ac_close must cancel that transfer and return,
** not wait for the answer, and the request must stay queued (it is sent
** again, with the same key, by the next drain).
**
** Usage: close_drain BASE_URL TOKEN DATABASE_PATH CHECKPOINT_DIR
** Exits 0 when every check held; otherwise prints each failure and exits 1.
*/
#define _POSIX_C_SOURCE 200809L

#include "account_core.h"
#include "expect.h"
#include "json_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double seconds_now(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: close_drain BASE_URL TOKEN DATABASE_PATH CHECKPOINT_DIR\n");
    return 2;
  }
  ac_core *core = open_allmine_core(argc, argv, "close_drain");
  if (core == NULL) return 1;

  /* Online once, so the server has said whose the token is: the drain then
  ** sends the request itself, nothing before it. */
  char *json = NULL;
  expect_status(ac_call(core, "status", NULL, &json), AC_OK, "status online", json);
  ac_string_free(json);
  expect_status(ac_set_online(core, 0), AC_OK, "ac_set_online(0)", NULL);
  json = NULL;
  expect_status(ac_call(core, "requestDeletion", NULL, &json), AC_QUEUED, "requestDeletion offline", json);
  ac_string_free(json);
  /* Online: the background drain sends it, and the server holds the answer. */
  expect_status(ac_set_online(core, 1), AC_OK, "ac_set_online(1)", NULL);
  int sending = 0;
  for (double until = seconds_now() + 20; !sending && seconds_now() < until;) {
    json = NULL;
    ac_call(core, "outbox", NULL, &json);
    sending = json != NULL && strstr(json, "\"state\":\"sending\"") != NULL;
    ac_string_free(json);
    if (!sending) {
      struct timespec pause = {0, 5 * 1000 * 1000};
      nanosleep(&pause, NULL);
    }
  }
  expect_true(sending, "the queued request is being sent before ac_close (else this proves nothing)", NULL);
  /* The Swift test lets this go once the server has the request. */
  expect_checkpoint(argv[4], "sent");

  double before = seconds_now();
  ac_close(core);
  double took = seconds_now() - before;
  char what[160];
  snprintf(what, sizeof what, "ac_close cancels the transfer under way and returns (it took %.2f s; the answer takes 8 s)",
           took);
  expect_true(took < 5, what, NULL);

  if (expect_failures > 0) {
    printf("%d of %d checks failed\n", expect_failures, expect_checks);
    return 1;
  }
  printf("close_drain: all %d checks held (ac_close took %.2f s)\n", expect_checks, took);
  return 0;
}
