/*
** expect.h: how the C test programs report. Each check prints what failed
** (with the JSON it was about) and counts it; a program exits non-zero
** when any failed, so the Swift test shows every failure of one run at
** once instead of only the first.
*/
#ifndef EXPECT_H
#define EXPECT_H

#include "account_core.h"

/* How many checks failed so far, and how many were made. */
extern int expect_failures;
extern int expect_checks;

/* Counts a failure, printing `what` and `json` (may be NULL), unless `ok`. */
void expect_true(int ok, const char *what, const char *json);

/* Counts a failure unless `got` is `want`; prints both by name. */
void expect_status(ac_status got, ac_status want, const char *what, const char *json);

/* `text` as a JSON string literal (quotes and escapes added), malloc'd. */
char *json_quote(const char *text);

/* The configuration object of an Allmine core on `base_url` and
   `database_path`, with `extra` (NULL, or more members, e.g.
   "\"language\": \"tr\""); malloc'd (free it). */
char *allmine_config(const char *base_url, const char *database_path, const char *extra);

/* Runs `operation`, checks its status and that the result is one JSON
   object, and returns the result (free with ac_string_free). */
char *expect_call(ac_core *core, const char *operation, const char *arguments, ac_status want);

/* Opens an Allmine core on `base_url` and `database_path`, with `extra`
   (NULL, or more members for the configuration object, e.g.
   "\"language\": \"tr\""); checks that it opened and that *out_error_json
   was set to NULL. Returns NULL (reported) when ac_open fails. */
ac_core *open_core(const char *base_url, const char *database_path, const char *extra);

/* Opens an Allmine core on argv[1] (base URL) and argv[3] (database file),
   and gives it the token argv[2]: what every program here starts with.
   Exits 2 with a usage line naming `program` when arguments are missing;
   returns NULL (reported) when ac_open fails. */
ac_core *open_allmine_core(int argc, char **argv, const char *program);

/* Stops at checkpoint `name`: creates DIRECTORY/NAME.reached, then waits
   (up to 60 s) until the Swift test, having looked at the server, creates
   DIRECTORY/NAME.go. */
void expect_checkpoint(const char *directory, const char *name);

#endif /* EXPECT_H */
