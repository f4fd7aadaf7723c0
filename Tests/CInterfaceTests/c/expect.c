/* expect.c: see expect.h. */
#define _POSIX_C_SOURCE 200809L

#include "expect.h"
#include "json_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int expect_failures = 0;
int expect_checks = 0;

void expect_true(int ok, const char *what, const char *json) {
  expect_checks++;
  if (ok) return;
  expect_failures++;
  fprintf(stdout, "FAIL: %s\n", what);
  if (json != NULL) {
    /* Long inputs (the 10 MB cases) would drown the report. */
    size_t length = strlen(json);
    fprintf(stdout, "      got: %.*s%s\n", length > 600 ? 600 : (int)length, json, length > 600 ? "..." : "");
  }
  fflush(stdout);
}

void expect_status(ac_status got, ac_status want, const char *what, const char *json) {
  if (got == want) {
    expect_checks++;
    return;
  }
  char line[512];
  snprintf(line, sizeof line, "%s: status %s (%d), expected %s (%d)", what, ac_status_name(got), (int)got,
           ac_status_name(want), (int)want);
  expect_true(0, line, json);
}

char *json_quote(const char *text) {
  size_t length = strlen(text);
  char *quoted = malloc(length * 6 + 3), *out = quoted;
  if (quoted == NULL) return NULL;
  *out++ = '"';
  for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
    if (*p == '"' || *p == '\\') {
      *out++ = '\\';
      *out++ = (char)*p;
    } else if (*p < 0x20) {
      out += sprintf(out, "\\u%04x", *p);
    } else {
      *out++ = (char)*p;
    }
  }
  *out++ = '"';
  *out = '\0';
  return quoted;
}

char *allmine_config(const char *base_url, const char *database_path, const char *extra) {
  char *url = json_quote(base_url), *path = json_quote(database_path);
  size_t size = strlen(url) + strlen(path) + (extra ? strlen(extra) : 0) + 100;
  char *config = malloc(size);
  if (config != NULL) {
    snprintf(config, size, "{\"backend\": \"allmine\", \"baseURL\": %s, \"databasePath\": %s%s%s}", url, path,
             extra ? ", " : "", extra ? extra : "");
  }
  free(url);
  free(path);
  return config;
}

char *expect_call(ac_core *core, const char *operation, const char *arguments, ac_status want) {
  char *json = NULL;
  ac_status got = ac_call(core, operation, arguments, &json);
  char what[256];
  snprintf(what, sizeof what, "ac_call(\"%s\", %s)", operation, arguments ? arguments : "NULL");
  expect_status(got, want, what, json);
  snprintf(what, sizeof what, "ac_call(\"%s\", %s) sets *out_json to one JSON object", operation,
           arguments ? arguments : "NULL");
  expect_true(jc_is_object(json), what, json);
  return json;
}

ac_core *open_core(const char *base_url, const char *database_path, const char *extra) {
  char *config = allmine_config(base_url, database_path, extra);
  ac_core *core = NULL;
  char *error = NULL;
  ac_status opened = ac_open(config, &core, &error);
  free(config);
  expect_status(opened, AC_OK, "ac_open", error);
  expect_true(opened != AC_OK || error == NULL, "ac_open sets *out_error_json to NULL on success", error);
  ac_string_free(error);
  return opened == AC_OK ? core : NULL;
}

ac_core *open_allmine_core(int argc, char **argv, const char *program) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s BASE_URL TOKEN DATABASE_PATH\n", program);
    exit(2);
  }
  ac_core *core = open_core(argv[1], argv[3], NULL);
  if (core == NULL) return NULL;
  expect_status(ac_set_token(core, argv[2]), AC_OK, "ac_set_token", NULL);
  return core;
}

void expect_checkpoint(const char *directory, const char *name) {
  char reached[4096], go[4096];
  snprintf(reached, sizeof reached, "%s/%s.reached", directory, name);
  snprintf(go, sizeof go, "%s/%s.go", directory, name);
  fflush(stdout);
  FILE *file = fopen(reached, "w");
  expect_true(file != NULL, "the checkpoint file can be created", reached);
  if (file == NULL) return;
  fclose(file);
  struct timespec now, pause = {0, 20 * 1000 * 1000};
  clock_gettime(CLOCK_MONOTONIC, &now);
  time_t until = now.tv_sec + 60;
  while (access(go, F_OK) != 0 && now.tv_sec < until) {
    nanosleep(&pause, NULL);
    clock_gettime(CLOCK_MONOTONIC, &now);
  }
  char what[4200];
  snprintf(what, sizeof what, "the test let checkpoint %s go within 60 s", name);
  expect_true(access(go, F_OK) == 0, what, NULL);
}
