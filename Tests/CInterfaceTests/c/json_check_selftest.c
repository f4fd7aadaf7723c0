/*
** json_check_selftest.c: the reader the other programs judge the library
** with, judged itself. If it accepted anything, or found values that are
** not there, every check built on it could not fail; so each function is
** shown to say no as well as yes.
**
** Exits 0 when every check held; otherwise prints each failure and exits 1.
*/
#include "json_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;

static void check(int ok, const char *what) {
  if (ok) return;
  failures++;
  printf("FAIL: %s\n", what);
}

int main(void) {
  /* Objects accepted, with any spacing and escaping. */
  check(jc_is_object("{}"), "{} is an object");
  check(jc_is_object(" \n{ \"a\" : [ 1 , -2.5e3 , true , false , null , \"x\" , { } , [ ] ] }\t"),
        "a spaced object with every kind of value");
  check(jc_is_object("{\"k\":\"\\u0131\\ud83d\\ude00\\n\\\"\"}"), "escapes and a surrogate pair");
  check(jc_is_object("{\"k\":\"kullanıcı 😀\"}"), "raw UTF-8");

  /* Everything else refused. */
  static const char *const refused[] = {
      "", "   ", "[]", "\"x\"", "42", "null", "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{,}",
      "{\"a\":1}{}", "{\"a\":1} x", "{'a':1}", "{a:1}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}",
      "{\"a\":tru}", "{\"a\":nul}", "{\"a\":\"\x01\"}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}",
      "{\"a\":\"\\udc00\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\xC3\x28\"}", "{\"a\":\"\xC0\xAF\"}",
      "{\"a\":\"\xED\xA0\x80\"}", "{\"a\":\"\xF4\x90\x80\x80\"}", "{\"a\":\"\xFF\"}", "{\"a\":\"open}",
  };
  for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
    char what[160];
    snprintf(what, sizeof what, "refused: %s", refused[i]);
    check(!jc_is_object(refused[i]), what);
  }
  check(!jc_is_object(NULL), "NULL refused");

  /* Paths, strings, numbers, nulls, arrays. */
  const char *doc = "{\"deletion\": {\"status\": \"pending\", \"remainingDays\": 28, \"finalizedAt\": null},"
                    " \"queued\": [{\"kind\": \"cancelDeletion\", \"deadline\": \"2026-05-01T12:00:00Z\"}],"
                    " \"message\": \"\\u201c\\u0130\\u201d kullan\\u0131c\\u0131 ad\\u0131nda\", \"remaining\": 0,"
                    " \"empty\": [], \"a.b\": 1}";
  check(jc_string_is(doc, "deletion.status", "pending"), "deletion.status is pending");
  check(!jc_string_is(doc, "deletion.status", "pendin"), "deletion.status is not pendin");
  check(!jc_string_is(doc, "deletion.status", "pending2"), "deletion.status is not pending2");
  check(!jc_string_is(doc, "status", "pending"), "status is not at the top");
  check(jc_string_is(doc, "queued.0.kind", "cancelDeletion"), "queued.0.kind");
  check(jc_get(doc, "queued.1") == NULL, "queued.1 does not exist");
  check(jc_get(doc, "queued.x") == NULL, "queued.x is not an index");
  check(jc_is_string(doc, "queued.0.deadline"), "the deadline is a string");
  check(!jc_is_string(doc, "deletion.finalizedAt"), "null is not a string");
  check(jc_is_null(doc, "deletion.finalizedAt"), "finalizedAt is null");
  check(!jc_is_null(doc, "deletion.status"), "status is not null");
  check(!jc_is_null(doc, "nothing"), "a missing member is not null");
  check(jc_number_is(doc, "remaining", 0), "remaining is 0");
  check(!jc_number_is(doc, "remaining", 1), "remaining is not 1");
  check(jc_number_is(doc, "deletion.remainingDays", 28), "remainingDays is 28");
  check(!jc_number_is(doc, "deletion.status", 0), "a string is not a number");
  check(jc_array_count(doc, "queued") == 1, "one queued");
  check(jc_array_count(doc, "empty") == 0, "empty is empty");
  check(jc_array_count(doc, "remaining") == -1, "a number is not an array");
  check(jc_string_contains(doc, "message", "kullanıcı adında"), "\\u escapes decode to UTF-8");
  check(jc_string_contains(doc, "message", "“İ”"), "the quoted İ decodes");
  check(!jc_string_contains(doc, "message", "kullanici"), "no ASCII folding");
  char *message = jc_string_dup(doc, "message");
  check(message != NULL && strcmp(message, "“İ” kullanıcı adında") == 0, "jc_string_dup decodes all of it");
  free(message);
  check(jc_string_dup(doc, "remaining") == NULL, "jc_string_dup of a number is NULL");
  check(jc_get(doc, "") == doc, "the empty path is the document");
  check(jc_get("{\"a\": 1", "a") == NULL, "nothing is found in a broken document");

  /* The header's error shape. */
  check(jc_is_error_object("{\"error\": {\"code\": \"invalidInput\", \"message\": \"No.\", \"detail\": null,"
                           " \"httpStatus\": null, \"retryAfter\": null}}"),
        "a full error object");
  check(!jc_is_error_object("{\"error\": {\"code\": \"x\", \"message\": \"\", \"detail\": null,"
                            " \"httpStatus\": null, \"retryAfter\": null}}"),
        "an empty message is not enough");
  check(!jc_is_error_object("{\"error\": {\"code\": \"x\", \"message\": \"No.\"}}"), "members missing");
  check(!jc_is_error_object("{\"deletion\": {}}"), "no error member");
  check(!jc_is_error_object("{\"error\": \"No.\"}"), "error is not an object");

  if (failures > 0) {
    printf("%d check(s) failed\n", failures);
    return 1;
  }
  printf("json_check: all checks held\n");
  return 0;
}
