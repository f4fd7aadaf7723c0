/*
** json_check.c: see json_check.h. A recursive-descent reader over the
** NUL-terminated text: every function re-reads from the start, which is
** plenty for documents of a few kilobytes and keeps it free of state.
*/
#include "json_check.h"

#include <stdlib.h>
#include <string.h>

/* Deeper than anything the interface returns; bounds the recursion. */
#define JC_MAX_DEPTH 256

/* A growable byte buffer for decoded strings; NULL `bytes` means "only
** validate", so skipping a value allocates nothing. */
typedef struct {
  char *bytes;
  size_t length;
  size_t capacity;
  int failed;
} jc_buffer;

static void buffer_put(jc_buffer *buffer, const char *bytes, size_t count) {
  if (buffer == NULL || buffer->failed) return;
  if (buffer->length + count + 1 > buffer->capacity) {
    size_t capacity = buffer->capacity ? buffer->capacity : 64;
    while (buffer->length + count + 1 > capacity) capacity *= 2;
    char *grown = realloc(buffer->bytes, capacity);
    if (grown == NULL) {
      buffer->failed = 1;
      return;
    }
    buffer->bytes = grown;
    buffer->capacity = capacity;
  }
  memcpy(buffer->bytes + buffer->length, bytes, count);
  buffer->length += count;
  buffer->bytes[buffer->length] = '\0';
}

static void buffer_put_scalar(jc_buffer *buffer, unsigned long scalar) {
  char encoded[4];
  size_t count;
  if (scalar < 0x80) {
    encoded[0] = (char)scalar;
    count = 1;
  } else if (scalar < 0x800) {
    encoded[0] = (char)(0xC0 | (scalar >> 6));
    encoded[1] = (char)(0x80 | (scalar & 0x3F));
    count = 2;
  } else if (scalar < 0x10000) {
    encoded[0] = (char)(0xE0 | (scalar >> 12));
    encoded[1] = (char)(0x80 | ((scalar >> 6) & 0x3F));
    encoded[2] = (char)(0x80 | (scalar & 0x3F));
    count = 3;
  } else {
    encoded[0] = (char)(0xF0 | (scalar >> 18));
    encoded[1] = (char)(0x80 | ((scalar >> 12) & 0x3F));
    encoded[2] = (char)(0x80 | ((scalar >> 6) & 0x3F));
    encoded[3] = (char)(0x80 | (scalar & 0x3F));
    count = 4;
  }
  buffer_put(buffer, encoded, count);
}

static const char *skip_space(const char *p) {
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
  return p;
}

/* The length of the well-formed UTF-8 sequence at `p` (no overlongs, no
** surrogates, nothing past U+10FFFF), or 0. */
static size_t utf8_sequence(const unsigned char *p) {
  if (p[0] < 0x80) return 1;
  if (p[0] >= 0xC2 && p[0] <= 0xDF) return (p[1] & 0xC0) == 0x80 ? 2 : 0;
  if (p[0] >= 0xE0 && p[0] <= 0xEF) {
    unsigned char low = p[0] == 0xE0 ? 0xA0 : 0x80, high = p[0] == 0xED ? 0x9F : 0xBF;
    return p[1] >= low && p[1] <= high && (p[2] & 0xC0) == 0x80 ? 3 : 0;
  }
  if (p[0] >= 0xF0 && p[0] <= 0xF4) {
    unsigned char low = p[0] == 0xF0 ? 0x90 : 0x80, high = p[0] == 0xF4 ? 0x8F : 0xBF;
    return p[1] >= low && p[1] <= high && (p[2] & 0xC0) == 0x80 && (p[3] & 0xC0) == 0x80 ? 4 : 0;
  }
  return 0;
}

static int hex4(const char *p, unsigned long *value) {
  unsigned long result = 0;
  for (int i = 0; i < 4; i++) {
    char c = p[i];
    result <<= 4;
    if (c >= '0' && c <= '9') result |= (unsigned long)(c - '0');
    else if (c >= 'a' && c <= 'f') result |= (unsigned long)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') result |= (unsigned long)(c - 'A' + 10);
    else return 0;
  }
  *value = result;
  return 1;
}

/* Reads the string at `p` (which is at its opening quote), decoding it into
** `out` when given; returns the byte after the closing quote, or NULL. */
static const char *read_string(const char *p, jc_buffer *out) {
  if (*p != '"') return NULL;
  p++;
  for (;;) {
    unsigned char c = (unsigned char)*p;
    if (c == '"') return p + 1;
    if (c < 0x20) return NULL; /* NUL (the end) or an unescaped control */
    if (c == '\\') {
      char escape = p[1];
      static const char escapes[] = "\"\\/bfnrt", decoded[] = "\"\\/\b\f\n\r\t";
      const char *simple = strchr(escapes, escape);
      if (escape != '\0' && simple != NULL) {
        buffer_put(out, &decoded[simple - escapes], 1);
        p += 2;
        continue;
      }
      if (escape != 'u') return NULL;
      unsigned long unit;
      if (!hex4(p + 2, &unit)) return NULL;
      p += 6;
      if (unit >= 0xD800 && unit <= 0xDBFF) {
        unsigned long low;
        if (p[0] != '\\' || p[1] != 'u' || !hex4(p + 2, &low) || low < 0xDC00 || low > 0xDFFF) return NULL;
        unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
        p += 6;
      } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
        return NULL; /* a lone low surrogate is not text */
      }
      buffer_put_scalar(out, unit);
      continue;
    }
    size_t length = utf8_sequence((const unsigned char *)p);
    if (length == 0) return NULL;
    buffer_put(out, p, length);
    p += length;
  }
}

static const char *read_value(const char *p, int depth);

static const char *read_number(const char *p) {
  if (*p == '-') p++;
  if (*p == '0') {
    p++;
  } else if (*p >= '1' && *p <= '9') {
    while (*p >= '0' && *p <= '9') p++;
  } else {
    return NULL;
  }
  if (*p == '.') {
    p++;
    if (!(*p >= '0' && *p <= '9')) return NULL;
    while (*p >= '0' && *p <= '9') p++;
  }
  if (*p == 'e' || *p == 'E') {
    p++;
    if (*p == '+' || *p == '-') p++;
    if (!(*p >= '0' && *p <= '9')) return NULL;
    while (*p >= '0' && *p <= '9') p++;
  }
  return p;
}

/* Reads the object or array at `p`; returns the byte after it, or NULL. */
static const char *read_container(const char *p, int depth) {
  char close = *p == '{' ? '}' : ']';
  int object = *p == '{';
  p = skip_space(p + 1);
  if (*p == close) return p + 1;
  for (;;) {
    if (object) {
      p = read_string(p, NULL);
      if (p == NULL) return NULL;
      p = skip_space(p);
      if (*p != ':') return NULL;
      p = skip_space(p + 1);
    }
    p = read_value(p, depth + 1);
    if (p == NULL) return NULL;
    p = skip_space(p);
    if (*p == close) return p + 1;
    if (*p != ',') return NULL;
    p = skip_space(p + 1);
  }
}

/* Reads any value at `p` (no leading space); returns the byte after it. */
static const char *read_value(const char *p, int depth) {
  if (depth > JC_MAX_DEPTH) return NULL;
  switch (*p) {
    case '{':
    case '[':
      return read_container(p, depth);
    case '"':
      return read_string(p, NULL);
    case 't':
      return strncmp(p, "true", 4) == 0 ? p + 4 : NULL;
    case 'f':
      return strncmp(p, "false", 5) == 0 ? p + 5 : NULL;
    case 'n':
      return strncmp(p, "null", 4) == 0 ? p + 4 : NULL;
    default:
      return read_number(p);
  }
}

int jc_is_object(const char *json) {
  if (json == NULL) return 0;
  const char *p = skip_space(json);
  if (*p != '{') return 0;
  p = read_value(p, 0);
  return p != NULL && *skip_space(p) == '\0';
}

/* Finds the member `name` (of `length` bytes) of the object at `p`. */
static const char *object_member(const char *p, const char *name, size_t length) {
  p = skip_space(p + 1);
  if (*p == '}') return NULL;
  for (;;) {
    jc_buffer key = {NULL, 0, 0, 0};
    const char *after = read_string(p, &key);
    int match = after != NULL && !key.failed && key.length == length &&
                (length == 0 || memcmp(key.bytes, name, length) == 0);
    free(key.bytes);
    if (after == NULL) return NULL;
    p = skip_space(after);
    if (*p != ':') return NULL;
    p = skip_space(p + 1);
    if (match) return p;
    p = read_value(p, 1);
    if (p == NULL) return NULL;
    p = skip_space(p);
    if (*p != ',') return NULL;
    p = skip_space(p + 1);
  }
}

/* Finds element `index` of the array at `p`. */
static const char *array_element(const char *p, long index) {
  p = skip_space(p + 1);
  if (*p == ']') return NULL;
  for (long i = 0;; i++) {
    if (i == index) return p;
    p = read_value(p, 1);
    if (p == NULL) return NULL;
    p = skip_space(p);
    if (*p != ',') return NULL;
    p = skip_space(p + 1);
  }
}

const char *jc_get(const char *json, const char *path) {
  if (!jc_is_object(json) || path == NULL) return NULL;
  const char *p = skip_space(json);
  while (*path != '\0') {
    const char *dot = strchr(path, '.');
    size_t length = dot ? (size_t)(dot - path) : strlen(path);
    if (*p == '{') {
      p = object_member(p, path, length);
    } else if (*p == '[') {
      char *end;
      long index = strtol(path, &end, 10);
      p = (end == path + length && length > 0 && index >= 0) ? array_element(p, index) : NULL;
    } else {
      p = NULL;
    }
    if (p == NULL) return NULL;
    path += length;
    if (*path == '.') path++;
  }
  return p;
}

char *jc_string_dup(const char *json, const char *path) {
  const char *p = jc_get(json, path);
  if (p == NULL || *p != '"') return NULL;
  jc_buffer value = {NULL, 0, 0, 0};
  buffer_put(&value, "", 0); /* so that "" yields an empty string, not NULL */
  if (read_string(p, &value) == NULL || value.failed) {
    free(value.bytes);
    return NULL;
  }
  return value.bytes;
}

int jc_string_is(const char *json, const char *path, const char *expected) {
  char *value = jc_string_dup(json, path);
  int equal = value != NULL && strcmp(value, expected) == 0;
  free(value);
  return equal;
}

int jc_string_contains(const char *json, const char *path, const char *needle) {
  char *value = jc_string_dup(json, path);
  int found = value != NULL && strstr(value, needle) != NULL;
  free(value);
  return found;
}

int jc_is_string(const char *json, const char *path) {
  const char *p = jc_get(json, path);
  return p != NULL && *p == '"';
}

int jc_is_null(const char *json, const char *path) {
  const char *p = jc_get(json, path);
  return p != NULL && strncmp(p, "null", 4) == 0;
}

int jc_number_is(const char *json, const char *path, double expected) {
  const char *p = jc_get(json, path);
  if (p == NULL || !(*p == '-' || (*p >= '0' && *p <= '9'))) return 0;
  char *end;
  double value = strtod(p, &end);
  return end != p && value == expected;
}

int jc_array_count(const char *json, const char *path) {
  const char *p = jc_get(json, path);
  if (p == NULL || *p != '[') return -1;
  p = skip_space(p + 1);
  if (*p == ']') return 0;
  int count = 0;
  for (;;) {
    p = read_value(p, 1);
    if (p == NULL) return -1;
    count++;
    p = skip_space(p);
    if (*p == ']') return count;
    if (*p != ',') return -1;
    p = skip_space(p + 1);
  }
}

int jc_is_error_object(const char *json) {
  const char *error = jc_get(json, "error");
  char *message = jc_string_dup(json, "error.message");
  int valid = error != NULL && *error == '{' && jc_get(json, "error.code") != NULL && message != NULL &&
              message[0] != '\0' && jc_get(json, "error.detail") != NULL &&
              jc_get(json, "error.httpStatus") != NULL && jc_get(json, "error.retryAfter") != NULL;
  free(message);
  return valid;
}
