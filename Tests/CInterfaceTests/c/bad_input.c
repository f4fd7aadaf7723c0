/*
** bad_input.c: every function of account_core.h fed what a careless or
** hostile caller might give it. The header promises: NULL where a string
** is required, text that is not UTF-8, not JSON, not an object, an unknown
** key, a wrong type, a bad value, an unknown operation and anything over
** 1 MiB are AC_ERR_ARGUMENT, with an {"error": {...}} object wherever the
** caller gave a pointer for one, and the library never crashes.
**
** Usage: bad_input BASE_URL TOKEN DIRECTORY
** BASE_URL is an emulator the Swift test watches: nothing here may reach it.
** Exits 0 when every check held; otherwise prints each failure and exits 1.
*/
#define _POSIX_C_SOURCE 200809L

#include "account_core.h"
#include "expect.h"
#include "json_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Distinct from anything the library could hand out, so "left untouched"
** can be told from "set". */
static char untouched_string[] = "untouched";
static int untouched_core_storage;
#define UNTOUCHED_CORE ((ac_core *)(void *)&untouched_core_storage)

static char *base_url;      /* JSON-quoted */
static char *database_path; /* JSON-quoted */

/* Ten MiB of 'a', as a JSON-free string. */
static char *ten_megabytes(void) {
  size_t size = 10u * 1024u * 1024u;
  char *text = malloc(size + 1);
  if (text == NULL) {
    printf("out of memory\n");
    exit(2);
  }
  memset(text, 'a', size);
  text[size] = '\0';
  return text;
}

/* `prefix` + `middle` + `suffix`, malloc'd. */
static char *concat3(const char *prefix, const char *middle, const char *suffix) {
  size_t a = strlen(prefix), b = strlen(middle), c = strlen(suffix);
  char *joined = malloc(a + b + c + 1);
  if (joined == NULL) {
    printf("out of memory\n");
    exit(2);
  }
  memcpy(joined, prefix, a);
  memcpy(joined + a, middle, b);
  memcpy(joined + a + b, suffix, c + 1);
  return joined;
}

/* A valid configuration with `members` spliced in (each starting with a
** comma), malloc'd. */
static char *config_with(const char *members) {
  char head[8192];
  snprintf(head, sizeof head, "{\"backend\": \"allmine\", \"baseURL\": %s, \"databasePath\": %s", base_url,
           database_path);
  return concat3(head, members, "}");
}

/* ac_open must refuse `config`: with an error pointer (set to an error
** object) and without one, *out_core NULL both times. */
static void open_refused(const char *what, const char *config) {
  char line[256];
  ac_core *core = UNTOUCHED_CORE;
  char *error = untouched_string;
  ac_status status = ac_open(config, &core, &error);
  const char *shown = error == untouched_string ? NULL : error;
  snprintf(line, sizeof line, "ac_open(%s)", what);
  expect_status(status, AC_ERR_ARGUMENT, line, shown);
  snprintf(line, sizeof line, "ac_open(%s): *out_core is NULL", what);
  expect_true(core == NULL, line, NULL);
  snprintf(line, sizeof line, "ac_open(%s): *out_error_json is an error object", what);
  expect_true(error != untouched_string && jc_is_error_object(error), line, shown);
  if (core != NULL && core != UNTOUCHED_CORE) ac_close(core);
  if (error != untouched_string) ac_string_free(error);

  core = UNTOUCHED_CORE;
  status = ac_open(config, &core, NULL);
  snprintf(line, sizeof line, "ac_open(%s, &core, NULL)", what);
  expect_status(status, AC_ERR_ARGUMENT, line, NULL);
  snprintf(line, sizeof line, "ac_open(%s, &core, NULL): *out_core is NULL", what);
  expect_true(core == NULL, line, NULL);
  if (core != NULL && core != UNTOUCHED_CORE) ac_close(core);
}

/* ac_call must refuse: AC_ERR_ARGUMENT and an error object in *out_json. */
static void call_refused(const char *what, ac_core *core, const char *operation, const char *arguments) {
  char line[256];
  char *json = untouched_string;
  ac_status status = ac_call(core, operation, arguments, &json);
  const char *shown = json == untouched_string ? NULL : json;
  snprintf(line, sizeof line, "ac_call(%s)", what);
  expect_status(status, AC_ERR_ARGUMENT, line, shown);
  snprintf(line, sizeof line, "ac_call(%s): *out_json is an error object", what);
  expect_true(json != untouched_string && jc_is_error_object(json), line, shown);
  if (json != untouched_string) ac_string_free(json);
}

static void status_names(void) {
  static const char *const names[] = {
      "AC_OK",           "AC_QUEUED",         "AC_ERR_ARGUMENT",   "AC_ERR_NETWORK",
      "AC_ERR_UNAUTHORIZED", "AC_ERR_FORBIDDEN", "AC_ERR_NOT_FOUND", "AC_ERR_CONFLICT",
      "AC_ERR_RATE_LIMITED", "AC_ERR_SERVER",   "AC_ERR_UNEXPECTED_RESPONSE", "AC_ERR_STORAGE",
      "AC_ERR_UNSUPPORTED", "AC_ERR_INTERNAL"};
  static const ac_status codes[] = {AC_OK,           AC_QUEUED,        AC_ERR_ARGUMENT,
                                    AC_ERR_NETWORK,  AC_ERR_UNAUTHORIZED, AC_ERR_FORBIDDEN,
                                    AC_ERR_NOT_FOUND, AC_ERR_CONFLICT, AC_ERR_RATE_LIMITED,
                                    AC_ERR_SERVER,   AC_ERR_UNEXPECTED_RESPONSE, AC_ERR_STORAGE,
                                    AC_ERR_UNSUPPORTED, AC_ERR_INTERNAL};
  char line[256];
  for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
    const char *name = ac_status_name(codes[i]);
    snprintf(line, sizeof line, "ac_status_name(%d) is \"%s\"", (int)codes[i], names[i]);
    expect_true(name != NULL && strcmp(name, names[i]) == 0, line, name);
  }
  /* 14 is the first number not yet given out; -1 and 999 never were. */
  static const ac_status unknown[] = {999, 14, -1, INT32_MIN, INT32_MAX};
  for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
    const char *name = ac_status_name(unknown[i]);
    snprintf(line, sizeof line, "ac_status_name(%ld) is \"AC_UNKNOWN\"", (long)unknown[i]);
    expect_true(name != NULL && strcmp(name, "AC_UNKNOWN") == 0, line, name);
  }
}

static void bad_configurations(void) {
  char *big = ten_megabytes();
  char *config, *member;

  /* NULL pointers. */
  ac_core *core = UNTOUCHED_CORE;
  char *error = untouched_string;
  expect_status(ac_open(NULL, &core, &error), AC_ERR_ARGUMENT, "ac_open(NULL, &core, &error)",
                error == untouched_string ? NULL : error);
  expect_true(core == NULL, "ac_open(NULL, &core, &error): *out_core is NULL", NULL);
  expect_true(error != untouched_string && jc_is_error_object(error),
              "ac_open(NULL, &core, &error): *out_error_json is an error object",
              error == untouched_string ? NULL : error);
  if (error != untouched_string) ac_string_free(error);
  core = UNTOUCHED_CORE;
  expect_status(ac_open(NULL, &core, NULL), AC_ERR_ARGUMENT, "ac_open(NULL, &core, NULL)", NULL);
  expect_true(core == NULL, "ac_open(NULL, &core, NULL): *out_core is NULL", NULL);

  config = config_with("");
  expect_status(ac_open(config, NULL, NULL), AC_ERR_ARGUMENT, "ac_open(valid, NULL, NULL)", NULL);
  error = untouched_string;
  expect_status(ac_open(config, NULL, &error), AC_ERR_ARGUMENT, "ac_open(valid, NULL, &error)",
                error == untouched_string ? NULL : error);
  expect_true(error != untouched_string && jc_is_error_object(error),
              "ac_open(valid, NULL, &error): *out_error_json is an error object",
              error == untouched_string ? NULL : error);
  if (error != untouched_string) ac_string_free(error);
  free(config);

  /* Not JSON, or not an object. */
  open_refused("\"\" (empty)", "");
  open_refused("not JSON", "backend: allmine");
  open_refused("a truncated object", "{\"backend\": \"allmine\"");
  open_refused("an object with a trailing comma", "{\"backend\": \"allmine\",}");
  open_refused("a JSON array", "[\"allmine\"]");
  open_refused("a JSON string", "\"allmine\"");
  open_refused("a JSON number", "42");
  open_refused("JSON null", "null");

  /* Not UTF-8: a truncated sequence, an overlong '/', a surrogate, a stray byte. */
  static const struct {
    const char *what, *members;
  } invalid_utf8[] = {
      {"appVersion with a truncated sequence (C3 28)", ", \"appVersion\": \"\xC3\x28\""},
      {"appVersion with an overlong '/' (C0 AF)", ", \"appVersion\": \"\xC0\xAF\""},
      {"deviceId with an encoded surrogate (ED A0 80)", ", \"deviceId\": \"\xED\xA0\x80\""},
      {"a key with a stray FF byte", ", \"\xFF\": 1"},
  };
  for (size_t i = 0; i < sizeof invalid_utf8 / sizeof invalid_utf8[0]; i++) {
    config = config_with(invalid_utf8[i].members);
    open_refused(invalid_utf8[i].what, config);
    free(config);
  }

  /* Unknown keys, wrong types, bad values, missing required keys. */
  static const struct {
    const char *what, *members;
  } bad_members[] = {
      {"an unknown key \"colour\"", ", \"colour\": \"red\""},
      {"\"timeoutSeconds\": \"10\" (a string)", ", \"timeoutSeconds\": \"10\""},
      {"\"language\": true (a boolean)", ", \"language\": true"},
      {"\"appVersion\": 7 (a number)", ", \"appVersion\": 7"},
      {"\"timezone\": \"UTC+15:00\" (past UTC+14:00)", ", \"timezone\": \"UTC+15:00\""},
      {"\"timezone\": \"Europe/Istanbul\"", ", \"timezone\": \"Europe/Istanbul\""},
      {"\"language\": \"de\"", ", \"language\": \"de\""},
      {"\"timeoutSeconds\": 0.05 (below 0.1)", ", \"timeoutSeconds\": 0.05"},
      {"\"timeoutSeconds\": 601 (above 600)", ", \"timeoutSeconds\": 601"},
      {"\"timeoutSeconds\": -1", ", \"timeoutSeconds\": -1"},
      {"\"account\": \"\" (empty)", ", \"account\": \"\""},
      {"\"account\": 7 (a number)", ", \"account\": 7"},
      {"\"account\": \"a\\nb\" (a control character)", ", \"account\": \"a\\nb\""},
      {"\"environment\": \"staging\" (since 1.3.0)", ", \"environment\": \"staging\""},
      {"\"environment\": \"Production\" (not its case)", ", \"environment\": \"Production\""},
      {"\"environment\": true (a boolean)", ", \"environment\": true"},
  };
  for (size_t i = 0; i < sizeof bad_members / sizeof bad_members[0]; i++) {
    config = config_with(bad_members[i].members);
    open_refused(bad_members[i].what, config);
    free(config);
  }

  char whole[8192];
  snprintf(whole, sizeof whole, "{\"backend\": \"nope\", \"baseURL\": %s, \"databasePath\": %s}", base_url,
           database_path);
  open_refused("\"backend\": \"nope\"", whole);
  snprintf(whole, sizeof whole, "{\"backend\": 1, \"baseURL\": %s, \"databasePath\": %s}", base_url, database_path);
  open_refused("\"backend\": 1 (a number)", whole);
  snprintf(whole, sizeof whole, "{\"backend\": \"allmine\", \"baseURL\": \"ftp://127.0.0.1/\", \"databasePath\": %s}",
           database_path);
  open_refused("\"baseURL\": \"ftp://...\"", whole);
  /* Clear text off the device (since 1.3.0), however dressed up as loopback. */
  static const char *const cleartext[] = {
      "http://example.com",         "http://127.0.0.1.example.com", "http://localhost.example.com",
      "http://user@example.com",    "http://127.0.0.1@example.com", "http://[::1]@example.com",
      "http://0177.0.0.1",          "http://[::2]",
  };
  for (size_t i = 0; i < sizeof cleartext / sizeof cleartext[0]; i++) {
    char what[256];
    snprintf(whole, sizeof whole, "{\"backend\": \"allmine\", \"baseURL\": \"%s\", \"databasePath\": %s}", cleartext[i],
             database_path);
    snprintf(what, sizeof what, "\"baseURL\": \"%s\" without allowInsecureHTTP", cleartext[i]);
    open_refused(what, whole);
  }
  snprintf(whole, sizeof whole,
           "{\"backend\": \"allmine\", \"baseURL\": \"http://example.com\", \"allowInsecureHTTP\": \"yes\", "
           "\"databasePath\": %s}",
           database_path);
  open_refused("\"allowInsecureHTTP\": \"yes\" (a string)", whole);
  {
    /* The refusal names the rule, in the configured language. */
    char *error = NULL;
    ac_core *refused = NULL;
    snprintf(whole, sizeof whole,
             "{\"backend\": \"allmine\", \"baseURL\": \"http://example.com\", \"language\": \"tr\", "
             "\"databasePath\": %s}",
             database_path);
    expect_status(ac_open(whole, &refused, &error), AC_ERR_ARGUMENT, "ac_open(http://example.com, tr)", error);
    expect_true(jc_string_is(error, "error.code", "invalidInput"), "the clear-text refusal is invalidInput", error);
    expect_true(error != NULL && strstr(error, "allowInsecureHTTP") != NULL && strstr(error, "https://") != NULL,
                "the clear-text refusal says what to do", error);
    ac_string_free(error);
    /* Allowed in so many words, it opens (nothing is queued: nothing is sent). */
    snprintf(whole, sizeof whole,
             "{\"backend\": \"allmine\", \"baseURL\": \"http://app.invalid\", \"allowInsecureHTTP\": true, "
             "\"databasePath\": %s}",
             database_path);
    error = NULL;
    expect_status(ac_open(whole, &refused, &error), AC_OK, "ac_open(http://app.invalid, allowInsecureHTTP)", error);
    ac_string_free(error);
    ac_close(refused);
  }
  snprintf(whole, sizeof whole, "{\"backend\": \"allmine\", \"baseURL\": null, \"databasePath\": %s}", database_path);
  open_refused("\"baseURL\": null", whole);
  snprintf(whole, sizeof whole, "{\"baseURL\": %s, \"databasePath\": %s}", base_url, database_path);
  open_refused("no \"backend\"", whole);
  snprintf(whole, sizeof whole, "{\"backend\": \"allmine\", \"databasePath\": %s}", database_path);
  open_refused("no \"baseURL\"", whole);
  snprintf(whole, sizeof whole, "{\"backend\": \"allmine\", \"baseURL\": %s}", base_url);
  open_refused("no \"databasePath\"", whole);

  /* An account over 256 bytes. */
  char long_account[300];
  memset(long_account, 'a', 257);
  long_account[257] = '\0';
  member = concat3(", \"account\": \"", long_account, "\"");
  config = config_with(member);
  open_refused("a 257-byte \"account\"", config);
  free(config);
  free(member);

  /* Over 1 MiB: ten, in a value that is otherwise fine. */
  member = concat3(", \"appVersion\": \"", big, "\"");
  config = config_with(member);
  open_refused("a 10 MB appVersion", config);
  free(config);
  free(member);
  free(big);
}

static void bad_calls(ac_core *core) {
  char *big = ten_megabytes();

  /* NULL pointers. */
  call_refused("NULL, \"status\", NULL, &out", NULL, "status", NULL);
  call_refused("core, NULL, NULL, &out", core, NULL, NULL);
  expect_status(ac_call(core, "status", NULL, NULL), AC_ERR_ARGUMENT, "ac_call(core, \"status\", NULL, NULL)", NULL);
  expect_status(ac_call(NULL, NULL, NULL, NULL), AC_ERR_ARGUMENT, "ac_call(NULL, NULL, NULL, NULL)", NULL);

  /* The operation: unknown, not UTF-8, huge. */
  call_refused("\"teleport\" (unknown)", core, "teleport", NULL);
  call_refused("\"\" (empty)", core, "", NULL);
  call_refused("\"Status\" (names are exact)", core, "Status", NULL);
  call_refused("\"stat\\xFFus\" (not UTF-8)", core, "stat\xFFus", NULL);
  call_refused("a 10 MB operation name", core, big, NULL);

  /* The arguments: not JSON, not an object, not UTF-8, wrong types, huge. */
  static const struct {
    const char *what, *operation, *arguments;
  } bad_arguments[] = {
      {"\"status\", \"{\" (not JSON)", "status", "{"},
      {"\"requestDeletion\", \"days=10\" (not JSON)", "requestDeletion", "days=10"},
      {"\"requestDeletion\", \"\" (empty)", "requestDeletion", ""},
      {"\"requestDeletion\", \"[]\" (an array)", "requestDeletion", "[]"},
      {"\"requestDeletion\", \"\\\"x\\\"\" (a string)", "requestDeletion", "\"x\""},
      {"\"requestDeletion\", \"7\" (a number)", "requestDeletion", "7"},
      {"\"requestDeletion\", reason with C3 28 (not UTF-8)", "requestDeletion", "{\"reason\": \"\xC3\x28\"}"},
      {"\"requestDeletion\", {\"days\": \"ten\"}", "requestDeletion", "{\"days\": \"ten\"}"},
      {"\"requestDeletion\", {\"wipe\": \"yes\"}", "requestDeletion", "{\"wipe\": \"yes\"}"},
      {"\"requestDeletion\", {\"reason\": 42}", "requestDeletion", "{\"reason\": 42}"},
      {"\"cancelDeletion\", {\"email\": 5}", "cancelDeletion", "{\"email\": 5}"},
      {"\"changeUsername\", {\"newUsername\": 42}", "changeUsername", "{\"newUsername\": 42}"},
      {"\"changeUsername\", {} (newUsername missing)", "changeUsername", "{}"},
      {"\"erase\", {\"confirmation\": true}", "erase", "{\"confirmation\": true}"},
      {"\"outbox\", {\"all\": 1}", "outbox", "{\"all\": 1}"},
      {"\"signOut\", {\"discard\": \"yes\"}", "signOut", "{\"discard\": \"yes\"}"},
  };
  for (size_t i = 0; i < sizeof bad_arguments / sizeof bad_arguments[0]; i++) {
    call_refused(bad_arguments[i].what, core, bad_arguments[i].operation, bad_arguments[i].arguments);
  }
  char *arguments = concat3("{\"reason\": \"", big, "\"}");
  call_refused("\"requestDeletion\", a 10 MB reason", core, "requestDeletion", arguments);
  free(arguments);

  /* The token: NULL core, not UTF-8, huge; NULL clears it and is fine. */
  expect_status(ac_set_token(NULL, "token"), AC_ERR_ARGUMENT, "ac_set_token(NULL, \"token\")", NULL);
  expect_status(ac_set_token(core, "tok\xFF\xFEn"), AC_ERR_ARGUMENT, "ac_set_token(core, not UTF-8)", NULL);
  expect_status(ac_set_token(core, big), AC_ERR_ARGUMENT, "ac_set_token(core, 10 MB)", NULL);
  /* Not an RFC 6750 b64token (since 1.3.0): it never reaches a header. */
  static const struct {
    const char *what, *token;
  } not_bearer[] = {
      {"CR LF and a field", "tok\r\nX-Injected: yes"}, {"a space", "tok en"}, {"a tab", "tok\ten"},
      {"a LF", "tok\n"}, {"DEL", "tok\x7F"}, {"a non-ASCII letter", "t\xC3\xB6k"}, {"= not at the end", "a=b"},
      {"only =", "=="}, {"a comma", "tok,x"},
  };
  char line[256];
  for (size_t i = 0; i < sizeof not_bearer / sizeof not_bearer[0]; i++) {
    snprintf(line, sizeof line, "ac_set_token(core, a token with %s)", not_bearer[i].what);
    expect_status(ac_set_token(core, not_bearer[i].token), AC_ERR_ARGUMENT, line, NULL);
    snprintf(line, sizeof line, "ac_sign_in(core, \"u1\", a token with %s)", not_bearer[i].what);
    expect_status(ac_sign_in(core, "u1", not_bearer[i].token), AC_ERR_ARGUMENT, line, NULL);
  }
  expect_status(ac_set_token(core, "Ab0-._~+/9=="), AC_OK, "ac_set_token(core, letters, digits, -._~+/ and = padding)",
                NULL);
  expect_status(ac_set_token(core, NULL), AC_OK, "ac_set_token(core, NULL) clears the token", NULL);

  /* Signing in: a NULL core, nothing at all, empty, not UTF-8, huge. */
  expect_status(ac_sign_in(NULL, "u1", "token"), AC_ERR_ARGUMENT, "ac_sign_in(NULL, \"u1\", \"token\")", NULL);
  expect_status(ac_sign_in(core, NULL, NULL), AC_ERR_ARGUMENT, "ac_sign_in(core, NULL, NULL)", NULL);
  expect_status(ac_sign_in(core, NULL, ""), AC_ERR_ARGUMENT, "ac_sign_in(core, NULL, \"\")", NULL);
  expect_status(ac_sign_in(core, "", "token"), AC_ERR_ARGUMENT, "ac_sign_in(core, \"\", \"token\")", NULL);
  expect_status(ac_sign_in(core, "u\xFF", "token"), AC_ERR_ARGUMENT, "ac_sign_in(core, not UTF-8, \"token\")", NULL);
  expect_status(ac_sign_in(core, "u1", "tok\xFF\xFEn"), AC_ERR_ARGUMENT, "ac_sign_in(core, \"u1\", not UTF-8)", NULL);
  expect_status(ac_sign_in(core, big, "token"), AC_ERR_ARGUMENT, "ac_sign_in(core, 10 MB, \"token\")", NULL);
  expect_status(ac_sign_in(core, NULL, big), AC_ERR_ARGUMENT, "ac_sign_in(core, NULL, 10 MB)", NULL);

  /* Online is 0 or 1, nothing else. */
  expect_status(ac_set_online(core, 2), AC_ERR_ARGUMENT, "ac_set_online(core, 2)", NULL);
  expect_status(ac_set_online(core, -1), AC_ERR_ARGUMENT, "ac_set_online(core, -1)", NULL);
  expect_status(ac_set_online(NULL, 1), AC_ERR_ARGUMENT, "ac_set_online(NULL, 1)", NULL);
  expect_status(ac_set_online(core, 0), AC_OK, "ac_set_online(core, 0)", NULL);

  /* The handler: a NULL core is refused; a NULL handler removes it. */
  expect_status(ac_set_event_handler(NULL, NULL, NULL), AC_ERR_ARGUMENT, "ac_set_event_handler(NULL, ...)", NULL);
  expect_status(ac_set_event_handler(core, NULL, NULL), AC_OK, "ac_set_event_handler(core, NULL, NULL)", NULL);

  free(big);

  /* After all that, the core still answers. */
  char *json = NULL;
  expect_status(ac_call(core, "outbox", NULL, &json), AC_OK, "ac_call(\"outbox\") after the bad input", json);
  expect_true(jc_array_count(json, "queued") == 0, "the outbox is empty: nothing bad was queued", json);
  ac_string_free(json);
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: bad_input BASE_URL TOKEN DIRECTORY\n");
    return 2;
  }
  char *path = concat3(argv[3], "/bad-input.sqlite", "");
  base_url = json_quote(argv[1]);
  database_path = json_quote(path);

  /* No-ops, by the header's word: these must simply return. */
  ac_close(NULL);
  ac_string_free(NULL);

  status_names();
  bad_configurations();

  char *config = config_with("");
  ac_core *core = NULL;
  char *error = NULL;
  ac_status opened = ac_open(config, &core, &error);
  expect_status(opened, AC_OK, "ac_open(valid)", error);
  ac_string_free(error);
  free(config);
  if (opened == AC_OK && core != NULL) {
    expect_status(ac_set_token(core, argv[2]), AC_OK, "ac_set_token(core, token)", NULL);
    bad_calls(core);
    ac_close(core);
  }

  free(base_url);
  free(database_path);
  free(path);
  if (expect_failures > 0) {
    printf("%d of %d checks failed\n", expect_failures, expect_checks);
    return 1;
  }
  printf("bad_input: all %d checks held\n", expect_checks);
  return 0;
}
