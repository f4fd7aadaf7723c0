#ifndef CCURL_H
#define CCURL_H

/* Typed wrappers of libcurl's variadic setters and getters, which Swift
   cannot call. One function per argument type that curl documents for an
   option: long, string, pointer, curl_off_t, string list and callbacks.
   Each returns curl's own code. */

#include <curl/curl.h>

CURLcode ccurl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ccurl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode ccurl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode ccurl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
CURLcode ccurl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode ccurl_setopt_write_function(CURL *handle, CURLoption option, curl_write_callback value);
CURLcode ccurl_setopt_xferinfo_function(CURL *handle, curl_xferinfo_callback value);

CURLcode ccurl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode ccurl_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value);
CURLcode ccurl_getinfo_string(CURL *handle, CURLINFO info, const char **value);

#endif
