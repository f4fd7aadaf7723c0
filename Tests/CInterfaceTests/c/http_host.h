/*
** http_host.h: an app's HTTP stack, as small as one can be, for the tests
** of ac_open_with_transport(): a blocking HTTP/1.1 client over a socket,
** for http:// URLs (the emulator on loopback). One exchange per
** connection ("Connection: close"); every request carries this stack's own
** User-Agent, so the emulator's request log shows what went through it.
*/
#ifndef HTTP_HOST_H
#define HTTP_HOST_H

#include "account_core.h"

/* The User-Agent every request of this stack carries. */
#define HTTP_HOST_USER_AGENT "AccountCore-C-test-host/1.0"

/* Performs what `info` describes and answers `request` with the response
** (ac_http_respond) or why none came (ac_http_fail): AC_HTTP_NO_CONNECTION
** when the connection is refused, AC_HTTP_INTERRUPTED when it closes before
** a whole response, AC_HTTP_OTHER for a URL it cannot serve. Blocks until
** the exchange is over; `info` must stay valid meanwhile (it does, until
** the answer). Returns the status ac_http_respond or ac_http_fail gave. */
ac_status http_host_perform(ac_http_request *request, const ac_http_request_info *info);

#endif /* HTTP_HOST_H */
