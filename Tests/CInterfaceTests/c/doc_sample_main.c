/*
** doc_sample_main.c: runs the sample transport of docs/c-interface.md
** ("Using your app's HTTP stack") as written. DocSampleTests copies that
** code block out of the page into doc_sample.c, which this file includes,
** so the page and the test can never differ.
**
** This file is the rest of the app: its "HTTP stack" (my_stack_perform)
** answers each request after the core's timeout (0.1 s), as a slow mobile
** network does, half with a response and half with no response. So the
** core gives up on every request, the sample's cancel answers it, and the
** sample's exchange answers it again when it ends: the first answer is
** taken (AC_OK), the second refused (AC_ERR_ARGUMENT), and nothing else
** happens. The answers are counted by wrapping ac_http_respond and
** ac_http_fail, and the sample's exchange threads are kept to be joined at
** the end (so the tools see every copy freed) by wrapping pthread_detach:
** macros defined before the sample is included; its code is not changed.
**
** Usage: doc_sample DATABASE_PATH REQUESTS
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

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int performs = 0;          /* requests the stack performed */
static int bad_requests = 0;      /* performed with something missing */
static int answers_taken = 0;     /* answers the library took (AC_OK) */
static int answers_refused = 0;   /* answers it refused (AC_ERR_ARGUMENT) */
static int answers_other = 0;     /* anything else: a broken promise */
static int exchange_answers = 0;  /* answers of the sample's exchanges, when they ended */

static void count_answer(ac_status status, int by_exchange) {
  pthread_mutex_lock(&lock);
  if (by_exchange) exchange_answers++;
  if (status == AC_OK) {
    answers_taken++;
  } else if (status == AC_ERR_ARGUMENT) {
    answers_refused++;
  } else {
    answers_other++;
  }
  pthread_mutex_unlock(&lock);
}

static ac_status counted_respond(ac_http_request *request, int32_t status, const ac_http_header *headers,
                                 size_t header_count, const uint8_t *body, size_t body_length) {
  ac_status answered = ac_http_respond(request, status, headers, header_count, body, body_length);
  count_answer(answered, 1);
  return answered;
}

static ac_status counted_fail(ac_http_request *request, ac_http_failure failure, const char *detail) {
  ac_status answered = ac_http_fail(request, failure, detail);
  /* The sample's cancel answers AC_HTTP_CANCELLED, its exchanges never. */
  count_answer(answered, failure != AC_HTTP_CANCELLED);
  return answered;
}

/* The sample's exchange threads, which it detaches: kept here instead, and joined at the end. */
#define MAX_THREADS 1024
static pthread_t threads[MAX_THREADS];
static int thread_count = 0;

static int kept_detach(pthread_t thread) {
  pthread_mutex_lock(&lock);
  int kept = thread_count < MAX_THREADS;
  if (kept) threads[thread_count++] = thread;
  pthread_mutex_unlock(&lock);
  return kept ? 0 : pthread_detach(thread);
}

#define ac_http_respond counted_respond
#define ac_http_fail counted_fail
#define pthread_detach kept_detach
#include "doc_sample.c"
#undef ac_http_respond
#undef ac_http_fail
#undef pthread_detach

/* The app's stack: each exchange takes 2 s, far longer than the core's
** 100 ms timeout; every other one ends without a response. */
static const ac_http_header response_headers[] = {{"Content-Type", "application/json"}};

int my_stack_perform(const char *method, const char *url, const ac_http_header *headers, size_t header_count,
                     const uint8_t *body, size_t body_length, uint32_t timeout_ms, my_response *response) {
  int ok = method != NULL && url != NULL && strncmp(url, "https://app.invalid/", 20) == 0 && timeout_ms == 100 &&
           (header_count == 0 || headers != NULL) && (body_length == 0 || body != NULL);
  for (size_t i = 0; ok && i < header_count; i++) ok = headers[i].name != NULL && headers[i].value != NULL;
  pthread_mutex_lock(&lock);
  int number = ++performs;
  if (!ok) bad_requests++;
  pthread_mutex_unlock(&lock);

  struct timespec pause = {2, 0};
  nanosleep(&pause, NULL);
  if (number % 2 == 0) return -1;
  uint8_t *bytes = malloc(2);
  if (bytes == NULL) return -1;
  memcpy(bytes, "{}", 2);
  response->status = 200;
  response->headers = response_headers;
  response->header_count = 1;
  response->body = bytes;
  response->body_length = 2;
  return 0;
}

void my_stack_free(my_response *response) { free((void *)response->body); }

/* Joins every exchange thread of the sample: each has answered and freed its copy. */
static void join_exchanges(void) {
  pthread_mutex_lock(&lock);
  int count = thread_count;
  pthread_mutex_unlock(&lock);
  for (int i = 0; i < count; i++) pthread_join(threads[i], NULL);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: doc_sample DATABASE_PATH REQUESTS\n");
    return 2;
  }
  int requests = atoi(argv[2]);
  char *config = allmine_config("https://app.invalid", argv[1], "\"timeoutSeconds\": 0.1");
  ac_core *core = NULL;
  char *error = NULL;
  ac_status opened = my_open(config, &core, &error);
  free(config);
  expect_status(opened, AC_OK, "my_open (the sample's ac_open_with_transport)", error);
  ac_string_free(error);
  if (opened != AC_OK) return 1;
  expect_status(ac_set_token(core, "token-of-the-doc-sample-00001"), AC_OK, "ac_set_token", NULL);

  for (int i = 0; i < requests; i++) {
    char *json = NULL;
    ac_status status = ac_call(core, "profile", NULL, &json);
    char what[120];
    snprintf(what, sizeof what, "request %d: the core's timeout ran out first", i + 1);
    expect_status(status, AC_ERR_NETWORK, what, json);
    expect_true(jc_string_contains(json, "error.detail", "timeout: "), what, json);
    ac_string_free(json);
  }
  ac_close(core);

  join_exchanges();
  pthread_mutex_lock(&lock);
  expect_true(thread_count == performs && thread_count < MAX_THREADS, "each request had its exchange thread", NULL);
  char line[240];
  snprintf(line, sizeof line,
           "each of the %d requests: its first answer taken, the second refused (%d taken, %d refused, %d other)",
           performs, answers_taken, answers_refused, answers_other);
  expect_true(performs >= requests && answers_taken == performs && answers_refused == exchange_answers &&
                  answers_other == 0,
              line, NULL);
  expect_true(bad_requests == 0, "every request the stack got was complete", NULL);
  pthread_mutex_unlock(&lock);

  if (expect_failures > 0) {
    printf("%d of %d checks failed\n", expect_failures, expect_checks);
    return 1;
  }
  printf("doc_sample: all %d checks held (%d requests)\n", expect_checks, performs);
  return 0;
}
