/*
** small_stack.c: JSON nested as deep as the library reads (512 arrays and
** objects), and one level deeper, given to ac_call and ac_open from a
** thread with a 64 KiB stack, as an app's worker thread may have. The
** library must read, refuse and free it all on that stack: each call
** answers AC_ERR_ARGUMENT with an error object (or its normal answer), and
** the process survives. On the main thread, 200 000-deep nesting is still
** refused. A core is also opened, called and closed on the small stack.
**
** Usage: small_stack DATABASE_PATH (and DATABASE_PATH-small-stack, made here)
** Exits 0 when every check held; otherwise prints each failure and exits 1.
** A stack overflow kills the process (SIGSEGV), which the Swift test sees.
*/
#define _POSIX_C_SOURCE 200809L

#include "account_core.h"
#include "expect.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The library's depth limit (account_core.h: "nested up to 512 deep"). */
#define LIMIT 512
#define SMALL_STACK 65536

/* No server is reached: every call here is refused or answered locally. */
static const char *base_url = "http://127.0.0.1:9";
static const char *database_path;
static char second_database_path[4096];
static ac_core *core;

/* `prefix`, then `depth` times `open`, then `middle`, then `depth` times
** `close`, then `suffix`; malloc'd. */
static char *nested(const char *prefix, size_t depth, const char *open, const char *middle, const char *close,
                    const char *suffix) {
  size_t o = strlen(open), c = strlen(close), p = strlen(prefix), m = strlen(middle), s = strlen(suffix);
  char *text = malloc(p + depth * (o + c) + m + s + 1);
  if (text == NULL) {
    printf("out of memory\n");
    exit(2);
  }
  char *cursor = text;
  memcpy(cursor, prefix, p);
  cursor += p;
  for (size_t level = 0; level < depth; level++, cursor += o) memcpy(cursor, open, o);
  memcpy(cursor, middle, m);
  cursor += m;
  for (size_t level = 0; level < depth; level++, cursor += c) memcpy(cursor, close, c);
  memcpy(cursor, suffix, s + 1);
  return text;
}

/* ac_call(core, "requestDeletion", arguments): `want`, with an object. */
static void call(const char *what, const char *arguments, ac_status want) {
  char *json = expect_call(core, "requestDeletion", arguments, want);
  if (json == NULL) printf("FAIL %s: no answer\n", what);
  ac_string_free(json);
}

/* ac_open(config) is refused with AC_ERR_ARGUMENT and an error object. */
static void open_refused(const char *what, const char *config) {
  ac_core *opened = NULL;
  char *error = NULL;
  ac_status status = ac_open(config, &opened, &error);
  expect_status(status, AC_ERR_ARGUMENT, what, error);
  expect_true(opened == NULL, what, error);
  expect_true(error != NULL && error[0] == '{', what, error);
  ac_string_free(error);
  ac_close(opened);
}

static void *small_stack_calls(void *unused) {
  (void)unused;
  /* The object of the arguments is one level: LIMIT - 1 more fill it. */
  char *at_limit = nested("{\"reason\": ", LIMIT - 1, "[", "1", "]", "}");
  char *past_limit = nested("{\"reason\": ", LIMIT, "[", "1", "]", "}");
  call("arrays at the limit in an argument", at_limit, AC_ERR_ARGUMENT);
  call("arrays past the limit", past_limit, AC_ERR_ARGUMENT);
  free(at_limit);
  free(past_limit);

  char *objects_at_limit = nested("", LIMIT, "{\"a\": ", "1", "}", "");
  char *objects_past_limit = nested("", LIMIT + 1, "{\"a\": ", "1", "}", "");
  call("objects at the limit", objects_at_limit, AC_ERR_ARGUMENT);
  call("objects past the limit", objects_past_limit, AC_ERR_ARGUMENT);
  free(objects_at_limit);
  free(objects_past_limit);

  /* A value at the limit read whole, then the text fails after it: what
  ** was read is freed on this stack too. */
  char *then_fails = nested("{\"reason\": ", LIMIT - 1, "[", "1", "]", ", }");
  call("a complete deep value, then a trailing comma", then_fails, AC_ERR_ARGUMENT);
  free(then_fails);
  char *unclosed = nested("{\"reason\": ", LIMIT - 1, "[", "1", "]", "");
  call("a complete deep value in an unclosed object", unclosed, AC_ERR_ARGUMENT);
  free(unclosed);
  /* A duplicate key: the first member wins and the later, deep value is
  ** dropped; the call goes on with reason "bye", and gets its normal
  ** answer: nobody is signed in. */
  char *duplicate = nested("{\"reason\": \"bye\", \"reason\": ", LIMIT - 1, "[", "1", "]", "}");
  call("a deep duplicate member", duplicate, AC_ERR_UNAUTHORIZED);
  free(duplicate);

  /* Far past the limit: refused at level 513, on this stack too. */
  char *very_deep = nested("", 200000, "[", "1", "]", "");
  call("200 000 arrays deep on the small stack", very_deep, AC_ERR_ARGUMENT);
  free(very_deep);

  /* The normal answer on this stack: a local call. */
  char *json = expect_call(core, "capabilities", NULL, AC_OK);
  ac_string_free(json);

  /* ac_open with configurations nested at and past the limit. */
  char *plain = allmine_config(base_url, database_path, NULL);
  plain[strlen(plain) - 1] = '\0'; /* drop its closing brace */
  char *prefix = malloc(strlen(plain) + 16);
  if (prefix == NULL) {
    printf("out of memory\n");
    exit(2);
  }
  sprintf(prefix, "%s, \"extra\": ", plain);
  char *config_at_limit = nested(prefix, LIMIT - 1, "[", "1", "]", "}");
  char *config_past_limit = nested(prefix, LIMIT, "[", "1", "]", "}");
  open_refused("ac_open: a configuration at the limit", config_at_limit);
  open_refused("ac_open: a configuration past the limit", config_past_limit);
  free(config_at_limit);
  free(config_past_limit);
  free(prefix);
  free(plain);

  /* A core opened, called and closed on this stack, on a store of its own. */
  ac_core *small = open_core(base_url, second_database_path, NULL);
  if (small != NULL) {
    json = expect_call(small, "status", NULL, AC_OK);
    ac_string_free(json);
    ac_close(small);
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s DATABASE_PATH\n", argv[0]);
    return 2;
  }
  database_path = argv[1];
  snprintf(second_database_path, sizeof second_database_path, "%s-small-stack", database_path);
  core = open_core(base_url, database_path, NULL);
  if (core == NULL) return 1;

  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  if (pthread_attr_setstacksize(&attributes, SMALL_STACK) != 0) {
    printf("pthread_attr_setstacksize(%d) failed\n", SMALL_STACK);
    return 2;
  }
  pthread_t thread;
  if (pthread_create(&thread, &attributes, small_stack_calls, NULL) != 0) {
    printf("pthread_create failed\n");
    return 2;
  }
  pthread_join(thread, NULL);
  pthread_attr_destroy(&attributes);

  /* On the main thread's stack: 200 000 levels, far past the limit. */
  char *very_deep = nested("", 200000, "[", "1", "]", "");
  call("200 000 arrays deep", very_deep, AC_ERR_ARGUMENT);
  free(very_deep);

  ac_close(core);
  printf("%d checks, %d failed\n", expect_checks, expect_failures);
  return expect_failures == 0 ? 0 : 1;
}
