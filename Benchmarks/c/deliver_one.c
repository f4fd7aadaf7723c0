/* A new process that delivers one queued operation: what benchmark 7 of
** accountcore-benchmarks counts in instructions under callgrind, against
** curl making the same request.
**
**   AC_BENCH_TOKEN=... deliver_one [seed] BASE_URL DATABASE_PATH ACCOUNT
**
** Links the shipped libAccountCoreC.so and sends through its libcurl
** transport. The store holds one operation of ACCOUNT, queued, and knows
** the token already (it was seen there), so the one request the process
** makes is the operation's. The token comes from the environment, not the
** command line. Opens the core, gives it the token, asks for a sync, waits
** for the operationSynced event when the background sync took the
** operation first, and closes. Exits 0 once the operation was delivered. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "account_core.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int synced = 0;
static int failed = 0;

static void on_event(void *context, const char *event_json) {
  (void)context;
  pthread_mutex_lock(&lock);
  if (strstr(event_json, "\"operationSynced\"") != NULL) synced = 1;
  if (strstr(event_json, "\"operationFailed\"") != NULL) failed = 1;
  pthread_cond_broadcast(&changed);
  pthread_mutex_unlock(&lock);
}

/* Calls `operation` and says whether it returned `expected`. */
static int call(ac_core *core, const char *operation, ac_status expected) {
  char *json = NULL;
  ac_status status = ac_call(core, operation, NULL, &json);
  if (status != expected) fprintf(stderr, "%s: %s: %s\n", operation, ac_status_name(status), json ? json : "(nothing)");
  ac_string_free(json);
  return status == expected;
}

int main(int argc, char **argv) {
  const char *token = getenv("AC_BENCH_TOKEN");
  int seed = argc > 1 && strcmp(argv[1], "seed") == 0;
  if (seed) {
    argc--;
    argv++;
  }
  if (argc < 4 || token == NULL) {
    fprintf(stderr, "usage: AC_BENCH_TOKEN=... deliver_one [seed] BASE_URL DATABASE_PATH ACCOUNT\n");
    return 2;
  }
  char config[8192];
  int length = snprintf(config, sizeof config,
                        "{\"backend\": \"allmine\", \"baseURL\": \"%s\", \"databasePath\": \"%s\", \"account\": \"%s\"}",
                        argv[1], argv[2], argv[3]);
  if (length < 0 || (size_t)length >= sizeof config) return 2;

  ac_core *core = NULL;
  char *error = NULL;
  ac_status opened = ac_open(config, &core, &error);
  if (opened != AC_OK) {
    fprintf(stderr, "ac_open: %s: %s\n", ac_status_name(opened), error ? error : "(no error)");
    ac_string_free(error);
    return 1;
  }
  if (seed) {
    int good = ac_set_token(core, token) == AC_OK && call(core, "profile", AC_OK) && ac_set_online(core, 0) == AC_OK &&
               call(core, "requestDeletion", AC_QUEUED);
    ac_close(core);
    return good ? 0 : 1;
  }
  if (ac_set_event_handler(core, on_event, NULL) != AC_OK || ac_set_token(core, token) != AC_OK) {
    fprintf(stderr, "ac_set_event_handler or ac_set_token refused\n");
    return 1;
  }
  char *json = NULL;
  ac_status status = ac_call(core, "sync", NULL, &json);
  if (status != AC_OK) fprintf(stderr, "sync: %s: %s\n", ac_status_name(status), json ? json : "(nothing)");
  int sent = status == AC_OK && json != NULL &&
             (strstr(json, "\"sent\":1") != NULL || strstr(json, "\"sent\": 1") != NULL);
  ac_string_free(json);

  /* The background sync the token starts may have taken the operation
  ** before "sync" came: its event says when it is delivered. */
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += 60;
  pthread_mutex_lock(&lock);
  while (!sent && !synced && !failed) {
    if (pthread_cond_timedwait(&changed, &lock, &deadline) != 0) break;
  }
  int delivered = (sent || synced) && !failed;
  pthread_mutex_unlock(&lock);
  if (!delivered) fprintf(stderr, "no operationSynced event (failed: %d)\n", failed);
  ac_close(core);
  return delivered ? 0 : 1;
}
