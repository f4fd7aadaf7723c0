/*
** store_edge.c: the file's edge through account_core.h (issue 27, items 6
** and 8): the app's fingerprint key, a tampered store, a row this version
** cannot read.
**
** Usage: store_edge SCENE BASE_URL TOKEN DATABASE_PATH [ACCOUNT]
**
** SCENE is one of
**   key        "fingerprintKey" of a bad length or not base64: AC_ERR_ARGUMENT,
**              error.code "invalidInput", no file made; a good one opens,
**              and the status counts "unreadable"
**   planted    the store at DATABASE_PATH holds a planted trigger: ac_open is
**              AC_ERR_STORAGE naming it, never the file's path
**   unreadable the store at DATABASE_PATH holds a row of the signed-in user
**              that this version cannot read: "outbox" lists it as
**              "unreadable" with its id and kind; a cancel is delivered;
**              "signOut" with "discard" drops it
** Exits 0 when every check held; otherwise prints each failure and exits 1.
*/
#define _POSIX_C_SOURCE 200809L

#include "account_core.h"
#include "expect.h"
#include "json_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *base_url, *token, *database_path, *account;

/* ac_open with `extra` members; expects `want`, and on failure an error
   object whose code is `code`. Returns the core on AC_OK. */
static ac_core *open_expecting(const char *extra, ac_status want, const char *code, const char *what) {
  char *config = allmine_config(base_url, database_path, extra);
  ac_core *core = NULL;
  char *error = NULL;
  ac_status status = ac_open(config, &core, &error);
  expect_status(status, want, what, error);
  if (want != AC_OK) {
    expect_true(core == NULL, "no core on failure", NULL);
    expect_true(error != NULL && jc_string_is(error, "error.code", code), "the error's code", error);
    expect_true(error != NULL && strstr(error, database_path) == NULL, "the error does not name the file's path", error);
    if (strcmp(code, "storage") == 0) {
      expect_true(jc_string_contains(error, "error.detail", "trigger copy_outbox"), "the detail names the trigger", error);
      expect_true(jc_string_contains(error, "error.message", "copy_outbox"), "the message names it", error);
    }
  }
  free(config);
  ac_string_free(error);
  return core;
}

static void key_scene(void) {
  const char *bad[] = {
    "\"fingerprintKey\": \"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==\"",   /* 31 bytes */
    "\"fingerprintKey\": \"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gIQ==\"", /* 34 bytes */
    "\"fingerprintKey\": \"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd-h8=\"",   /* URL-safe */
    "\"fingerprintKey\": \"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\"",    /* no padding */
    "\"fingerprintKey\": 32",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    open_expecting(bad[i], AC_ERR_ARGUMENT, "invalidInput", bad[i]);
  }
  expect_true(access(database_path, F_OK) != 0, "no store file made for a bad key", NULL);

  ac_core *core = open_expecting("\"fingerprintKey\": \"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\"",
                                 AC_OK, NULL, "a 32-byte key");
  if (core == NULL) return;
  expect_status(ac_set_online(core, 0), AC_OK, "offline", NULL);
  char *status = expect_call(core, "status", NULL, AC_OK);
  expect_true(jc_number_is(status, "counts.unreadable", 0), "the status counts unreadable rows", status);
  ac_string_free(status);
  ac_close(core);
}

static void unreadable_scene(void) {
  char extra[200];
  snprintf(extra, sizeof extra, "\"account\": \"%s\"", account);
  ac_core *core = open_expecting(extra, AC_OK, NULL, "a store with an unreadable row");
  if (core == NULL) return;
  expect_status(ac_set_token(core, token), AC_OK, "ac_set_token", NULL);
  char *outbox = expect_call(core, "outbox", NULL, AC_OK);
  expect_true(jc_array_count(outbox, "queued") == 1, "one row", outbox);
  expect_true(jc_string_is(outbox, "queued.0.state", "unreadable"), "set aside as unreadable", outbox);
  expect_true(jc_string_is(outbox, "queued.0.kind", "transferAccount"), "its kind as stored", outbox);
  expect_true(jc_string_is(outbox, "queued.0.id", "7D0C2B1A-0000-4000-8000-00000000F001"), "its id", outbox);
  ac_string_free(outbox);

  char *all = expect_call(core, "outbox", "{\"all\": true}", AC_OK);
  expect_true(jc_string_is(all, "queued.0.state", "unreadable"), "listed with all too", all);
  ac_string_free(all);

  /* The deletion the server has pending is cancelled, past the row. */
  char *cancel = expect_call(core, "cancelDeletion", NULL, AC_OK);
  expect_true(jc_string_is(cancel, "deletion.status", "cancelled"), "the cancel was delivered", cancel);
  ac_string_free(cancel);

  char *signed_out = expect_call(core, "signOut", "{\"discard\": true}", AC_OK);
  expect_true(jc_array_count(signed_out, "signedOut.unsent") == 1, "the row among the unsent", signed_out);
  expect_true(jc_string_is(signed_out, "signedOut.unsent.0.state", "unreadable"), "as unreadable", signed_out);
  ac_string_free(signed_out);
  char *after = expect_call(core, "outbox", "{\"all\": true}", AC_OK);
  expect_true(jc_array_count(after, "queued") == 0, "dropped by the discarding sign-out", after);
  ac_string_free(after);
  ac_close(core);
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: store_edge SCENE BASE_URL TOKEN DATABASE_PATH\n");
    return 2;
  }
  base_url = argv[2];
  token = argv[3];
  database_path = argv[4];
  account = argc > 5 ? argv[5] : "";
  if (strcmp(argv[1], "key") == 0) {
    key_scene();
  } else if (strcmp(argv[1], "planted") == 0) {
    open_expecting(NULL, AC_ERR_STORAGE, "storage", "a store with a planted trigger");
  } else if (strcmp(argv[1], "unreadable") == 0) {
    unreadable_scene();
  } else {
    fprintf(stderr, "unknown scene %s\n", argv[1]);
    return 2;
  }
  printf("%d checks, %d failed\n", expect_checks, expect_failures);
  return expect_failures == 0 ? 0 : 1;
}
