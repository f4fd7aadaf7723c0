/*
** timezone.c: ac_open's "timezone" takes any offset from UTC-12:00 to
** UTC+14:00 (issue 28), and the core sends X-Timezone only for the 37 the
** servers accept. It opens one core at UTC-08:00 and one at UTC+05:45 and
** asks each for the status; the Swift test reads the emulator's request
** log. UTC-02:30 opens too; UTC+15:00 and a zone name are refused.
**
** Usage: timezone BASE_URL TOKEN DIRECTORY
** Exits 0 when every check held; otherwise prints each failure and exits 1.
*/
#define _POSIX_C_SOURCE 200809L

#include "account_core.h"
#include "expect.h"
#include "json_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Opens a core at `offset` on DIRECTORY/NAME.sqlite, asks for the status
** with the token, closes. */
static void status_at(const char *base_url, const char *token, const char *directory, const char *offset) {
  char path[1024], extra[128];
  snprintf(path, sizeof path, "%s/%s.sqlite", directory, offset);
  snprintf(extra, sizeof extra, "\"timezone\": \"%s\"", offset);
  ac_core *core = open_core(base_url, path, extra);
  if (core == NULL) return;
  expect_status(ac_set_token(core, token), AC_OK, "ac_set_token", NULL);
  char *json = expect_call(core, "status", NULL, AC_OK);
  ac_string_free(json);
  ac_close(core);
}

static void refused(const char *base_url, const char *directory, const char *offset) {
  char path[1024], extra[128], what[256];
  snprintf(path, sizeof path, "%s/refused.sqlite", directory);
  snprintf(extra, sizeof extra, "\"timezone\": \"%s\"", offset);
  char *config = allmine_config(base_url, path, extra);
  ac_core *core = NULL;
  char *error = NULL;
  snprintf(what, sizeof what, "ac_open with \"timezone\": \"%s\"", offset);
  expect_status(ac_open(config, &core, &error), AC_ERR_ARGUMENT, what, error);
  expect_true(core == NULL && error != NULL && strstr(error, "timezone") != NULL, what, error);
  ac_string_free(error);
  ac_close(core);
  free(config);
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s BASE_URL TOKEN DIRECTORY\n", argv[0]);
    return 2;
  }
  status_at(argv[1], argv[2], argv[3], "UTC-08:00");
  status_at(argv[1], argv[2], argv[3], "UTC+05:45");
  status_at(argv[1], argv[2], argv[3], "UTC-02:30");
  refused(argv[1], argv[3], "UTC+15:00");
  refused(argv[1], argv[3], "America/Los_Angeles");
  printf("%d checks, %d failed\n", expect_checks, expect_failures);
  return expect_failures == 0 ? 0 : 1;
}
