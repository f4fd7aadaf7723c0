/* http_host.c: see http_host.h. */
#define _POSIX_C_SOURCE 200809L

#include "http_host.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/* The most this stack reads of one response: the core takes 1 MiB of body. */
#define MAX_RESPONSE (2 * 1024 * 1024)
#define MAX_HEADERS 64

static ac_status fail(ac_http_request *request, ac_http_failure kind, const char *what) {
  char detail[256];
  snprintf(detail, sizeof detail, "test host: %s", what);
  return ac_http_fail(request, kind, detail);
}

static int send_all(int descriptor, const void *bytes, size_t length) {
  const char *p = bytes;
  while (length > 0) {
    ssize_t sent = send(descriptor, p, length, MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return 0;
    p += sent;
    length -= (size_t)sent;
  }
  return 1;
}

/* Connects to http://HOST:PORT/...; writes the path's start into *path.
** Returns the socket, -1 when refused or unreachable, -2 for a URL it
** cannot serve. */
static int connect_to(const char *url, const char **path, char *host_header, size_t host_size) {
  if (strncmp(url, "http://", 7) != 0) return -2;
  const char *authority = url + 7;
  size_t authority_length = strcspn(authority, "/");
  *path = authority[authority_length] ? authority + authority_length : "/";
  if (authority_length == 0 || authority_length >= host_size) return -2;
  memcpy(host_header, authority, authority_length);
  host_header[authority_length] = '\0';

  char host[256], port[16] = "80";
  const char *colon = strrchr(host_header, ':');
  size_t host_length = colon ? (size_t)(colon - host_header) : authority_length;
  if (host_length == 0 || host_length >= sizeof host) return -2;
  memcpy(host, host_header, host_length);
  host[host_length] = '\0';
  if (colon) snprintf(port, sizeof port, "%s", colon + 1);

  struct addrinfo hints, *addresses = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(host, port, &hints, &addresses) != 0) return -1;
  int descriptor = -1;
  for (struct addrinfo *a = addresses; a != NULL && descriptor < 0; a = a->ai_next) {
    descriptor = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (descriptor < 0) continue;
    if (connect(descriptor, a->ai_addr, a->ai_addrlen) != 0) {
      close(descriptor);
      descriptor = -1;
    }
  }
  freeaddrinfo(addresses);
  return descriptor;
}

/* Writes the request head and body. */
static int write_request(int descriptor, const ac_http_request_info *info, const char *path, const char *host) {
  size_t size = 1024 + strlen(path) + strlen(host);
  for (size_t i = 0; i < info->header_count; i++) {
    size += strlen(info->headers[i].name) + strlen(info->headers[i].value) + 4;
  }
  char *head = malloc(size);
  if (head == NULL) return 0;
  size_t used = (size_t)snprintf(head, size, "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\nConnection: close\r\n",
                                 info->method, path, host, HTTP_HOST_USER_AGENT);
  for (size_t i = 0; i < info->header_count; i++) {
    used += (size_t)snprintf(head + used, size - used, "%s: %s\r\n", info->headers[i].name, info->headers[i].value);
  }
  if (info->body != NULL) used += (size_t)snprintf(head + used, size - used, "Content-Length: %zu\r\n", info->body_length);
  used += (size_t)snprintf(head + used, size - used, "\r\n");
  int ok = send_all(descriptor, head, used) && (info->body == NULL || send_all(descriptor, info->body, info->body_length));
  free(head);
  return ok;
}

/* Reads until the peer closes, or MAX_RESPONSE. Returns the byte count; -1 on an error. */
static long read_all(int descriptor, char *buffer) {
  long total = 0;
  while (total < MAX_RESPONSE) {
    ssize_t got = recv(descriptor, buffer + total, (size_t)(MAX_RESPONSE - total), 0);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return -1;
    if (got == 0) break;
    total += got;
  }
  return total;
}

ac_status http_host_perform(ac_http_request *request, const ac_http_request_info *info) {
  const char *path = NULL;
  char host[512];
  int descriptor = connect_to(info->url, &path, host, sizeof host);
  if (descriptor == -2) return fail(request, AC_HTTP_OTHER, "not an http:// URL it can serve");
  if (descriptor < 0) return fail(request, AC_HTTP_NO_CONNECTION, "connection refused");
  if (!write_request(descriptor, info, path, host)) {
    close(descriptor);
    return fail(request, AC_HTTP_INTERRUPTED, "the request could not be written");
  }
  char *response = malloc(MAX_RESPONSE + 1);
  if (response == NULL) {
    close(descriptor);
    return fail(request, AC_HTTP_OTHER, "no memory");
  }
  long length = read_all(descriptor, response);
  close(descriptor);
  if (length <= 0) {
    free(response);
    return fail(request, AC_HTTP_INTERRUPTED, "the connection closed before any answer");
  }
  response[length] = '\0';
  char *end_of_head = strstr(response, "\r\n\r\n");
  int status = 0;
  if (end_of_head == NULL || sscanf(response, "HTTP/1.%*d %d", &status) != 1) {
    free(response);
    return fail(request, AC_HTTP_INTERRUPTED, "the answer broke off in its head");
  }
  *end_of_head = '\0';
  const char *body = end_of_head + 4;
  size_t body_length = (size_t)(response + length - body);

  /* Header fields, split in place: "Name: value\r\n". */
  ac_http_header headers[MAX_HEADERS];
  size_t count = 0;
  char *line = strstr(response, "\r\n");
  while (line != NULL && count < MAX_HEADERS) {
    *line = '\0';
    line += 2;
    char *next = strstr(line, "\r\n");
    char *colon = strchr(line, ':');
    if (colon != NULL) {
      *colon = '\0';
      char *value = colon + 1;
      while (*value == ' ' || *value == '\t') value++;
      headers[count].name = line;
      headers[count].value = value;
      if (strcasecmp(line, "Content-Length") == 0) {
        size_t declared = (size_t)strtoul(value, NULL, 10);
        if (declared > body_length) {
          free(response);
          return fail(request, AC_HTTP_INTERRUPTED, "the body broke off");
        }
        body_length = declared;
      }
      count++;
    }
    line = next;
  }
  /* Each field ends where the next line starts (set to NUL above); the last at the head's end. */
  if (line != NULL) *line = '\0';
  ac_status answered = ac_http_respond(request, status, headers, count, (const uint8_t *)body, body_length);
  free(response);
  return answered;
}
