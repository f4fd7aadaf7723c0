/*
** dlopen.c: loads libAccountCoreC.so at run time, as Python's ctypes, a
** Flutter FFI or any other foreign-function layer does: no link-time
** dependency, every function found by name with dlsym. It requests a
** deletion on the emulator and reads the status, to show that the file
** works alone.
**
**   dlopen LIBRARY BASE_URL TOKEN DATABASE_PATH
*/
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "account_core.h"
#include "json_check.h"

static int failures = 0;

static void check(int ok, const char *what, const char *detail) {
  if (!ok) {
    failures++;
    fprintf(stderr, "FAILED: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
  }
}

/* dlsym, checked: a missing symbol is a failure, not a crash. */
static void *find(void *library, const char *name) {
  void *symbol = dlsym(library, name);
  check(symbol != NULL, "dlsym", name);
  return symbol;
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: %s LIBRARY BASE_URL TOKEN DATABASE_PATH\n", argv[0]);
    return 2;
  }
  void *library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (library == NULL) {
    fprintf(stderr, "FAILED: dlopen: %s\n", dlerror());
    return 1;
  }
  /* The signatures, as a ctypes program writes them by hand. */
  uint32_t (*abi_version)(void) = (uint32_t (*)(void))find(library, "ac_abi_version");
  const char *(*version)(void) = (const char *(*)(void))find(library, "ac_version");
  ac_status (*open)(const char *, ac_core **, char **) =
      (ac_status (*)(const char *, ac_core **, char **))find(library, "ac_open");
  ac_status (*set_token)(ac_core *, const char *) = (ac_status (*)(ac_core *, const char *))find(library, "ac_set_token");
  ac_status (*call)(ac_core *, const char *, const char *, char **) =
      (ac_status (*)(ac_core *, const char *, const char *, char **))find(library, "ac_call");
  void (*string_free)(char *) = (void (*)(char *))find(library, "ac_string_free");
  void (*close_core)(ac_core *) = (void (*)(ac_core *))find(library, "ac_close");
  /* Nothing but the C interface is exported: a Swift symbol is not found. */
  check(dlsym(library, "swift_retain") == NULL, "the Swift runtime is not exported", "swift_retain");
  if (failures > 0) return 1;

  check(abi_version() == AC_ABI_VERSION, "ac_abi_version", NULL);
  check(version() != NULL && strlen(version()) > 0, "ac_version", NULL);

  char config[8192];
  snprintf(config, sizeof config, "{\"backend\": \"allmine\", \"baseURL\": \"%s\", \"databasePath\": \"%s\"}", argv[2],
           argv[4]);
  ac_core *core = NULL;
  char *error = NULL;
  check(open(config, &core, &error) == AC_OK && core != NULL, "ac_open", error);
  string_free(error);
  if (core == NULL) return 1;
  check(set_token(core, argv[3]) == AC_OK, "ac_set_token", NULL);

  char *json = NULL;
  check(call(core, "requestDeletion", "{\"reason\": \"loaded with dlopen\"}", &json) == AC_OK, "requestDeletion", json);
  check(json != NULL && jc_string_is(json, "deletion.status", "pending"), "the deletion is pending", json);
  string_free(json);
  json = NULL;
  check(call(core, "status", NULL, &json) == AC_OK, "status", json);
  check(json != NULL && jc_string_is(json, "source", "server"), "the status comes from the server", json);
  string_free(json);
  close_core(core);
  dlclose(library);
  printf("%d failure(s)\n", failures);
  return failures == 0 ? 0 : 1;
}
