/*
** json_check.h: a small, strict JSON reader for the C interface tests.
**
** The tests check what the library hands back by value and by path
** ("deletion.status", "queued.0.kind"), never by comparing text, so they
** hold whatever spacing, member order or escaping the library chooses
** (a Turkish "ı" may come as itself or as \u0131). It is strict where the
** header makes a promise: a document must be exactly one JSON value in
** valid UTF-8.
*/
#ifndef JSON_CHECK_H
#define JSON_CHECK_H

#include <stddef.h>

/* 1 when `json` is exactly one JSON object (optionally surrounded by
** whitespace) in valid UTF-8; 0 otherwise, NULL included. */
int jc_is_object(const char *json);

/* The first byte of the value at `path` in `json`, or NULL when there is
** none. A path is member names and array indexes joined by dots:
** "error.message", "queued.0.kind"; "" is the document itself. Names with
** dots cannot be reached, and none of the interface's have any. */
const char *jc_get(const char *json, const char *path);

/* 1 when the value at `path` is a string equal to `expected` (UTF-8). */
int jc_string_is(const char *json, const char *path, const char *expected);

/* 1 when the value at `path` is a string that contains `needle`. */
int jc_string_contains(const char *json, const char *path, const char *needle);

/* 1 when the value at `path` is a string, of any content. */
int jc_is_string(const char *json, const char *path);

/* 1 when the value at `path` is the literal null. */
int jc_is_null(const char *json, const char *path);

/* 1 when the value at `path` is a number equal to `expected`. */
int jc_number_is(const char *json, const char *path, double expected);

/* The number of elements of the array at `path`; -1 when it is not an array. */
int jc_array_count(const char *json, const char *path);

/* The decoded string at `path`, malloc'd (free() it); NULL when the value
** is not a string. */
char *jc_string_dup(const char *json, const char *path);

/* 1 when `json` is an {"error": {...}} object as the header describes:
** "code" present, "message" a non-empty string, and "detail", "httpStatus"
** and "retryAfter" present (each may be null). */
int jc_is_error_object(const char *json);

#endif /* JSON_CHECK_H */
