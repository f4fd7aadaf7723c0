/* A new process that opens a core on an existing store and answers the
** status from it, offline: what benchmark 7 of accountcore-benchmarks
** counts in instructions under callgrind.
**
**   open_status DATABASE_PATH ACCOUNT [app-transport]
**
** Links the shipped libAccountCoreC.so. With "app-transport" the core is
** opened with ac_open_with_transport and a transport that never connects,
** as the build without libcurl (build-library --no-curl) must be: it has no
** HTTP client of its own. Offline, no request is made either way.
** Exits 0 when the status came from the store and shows the cached
** pending deletion; prints what went wrong otherwise. */
#include <stdio.h>
#include <string.h>

#include "account_core.h"

/* Never called offline; answers that nothing left the device. */
static void send_nothing(void *context, ac_http_request *request, const ac_http_request_info *info) {
  (void)context;
  (void)info;
  ac_http_fail(request, AC_HTTP_NO_CONNECTION, "the benchmark's transport never connects");
}

static void cancel_nothing(void *context, ac_http_request *request) {
  (void)context;
  (void)request;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: open_status DATABASE_PATH ACCOUNT [app-transport]\n");
    return 2;
  }
  int app_transport = argc > 3 && strcmp(argv[3], "app-transport") == 0;
  char config[8192];
  int length = snprintf(config, sizeof config,
                        "{\"backend\": \"allmine\", \"baseURL\": \"http://127.0.0.1:1\", "
                        "\"databasePath\": \"%s\", \"account\": \"%s\"}",
                        argv[1], argv[2]);
  if (length < 0 || (size_t)length >= sizeof config) return 2;

  ac_core *core = NULL;
  char *error = NULL;
  ac_status opened;
  if (app_transport) {
    ac_transport transport = {AC_TRANSPORT_VERSION, NULL, send_nothing, cancel_nothing};
    opened = ac_open_with_transport(config, &transport, &core, &error);
  } else {
    opened = ac_open(config, &core, &error);
  }
  if (opened != AC_OK) {
    fprintf(stderr, "ac_open: %s: %s\n", ac_status_name(opened), error ? error : "(no error)");
    ac_string_free(error);
    return 1;
  }
  if (ac_set_online(core, 0) != AC_OK) {
    fprintf(stderr, "ac_set_online refused\n");
    return 1;
  }
  char *json = NULL;
  ac_status status = ac_call(core, "status", NULL, &json);
  int good = status == AC_OK && json != NULL && strstr(json, "\"source\":\"cache\"") != NULL &&
             strstr(json, "\"status\":\"pending\"") != NULL;
  if (!good) fprintf(stderr, "status: %s: %s\n", ac_status_name(status), json ? json : "(nothing)");
  ac_string_free(json);
  ac_close(core);
  return good ? 0 : 1;
}
