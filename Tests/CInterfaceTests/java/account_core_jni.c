/*
** account_core_jni.c: the JNI layer between AccountCore.java and
** account_core.h, written as an Android shell's would be.
**
** Strings cross as real UTF-8 both ways. JNI's GetStringUTFChars and
** NewStringUTF speak "modified UTF-8" (NUL as C0 80, a character outside
** the BMP as two 3-byte surrogates), which the library rightly refuses as
** not UTF-8 and which CheckJNI aborts on when it comes back; so this shim
** converts from and to UTF-16 itself. Every string the library hands out
** is freed with ac_string_free(), never free().
*/
#include <jni.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "account_core.h"

/* The UTF-8 of `string`, malloc'd; NULL for a Java null (*invalid 0) or
** for text that is not Unicode (a lone surrogate: *invalid 1) or no memory. */
static char *utf8_from_java(JNIEnv *env, jstring string, int *invalid) {
  *invalid = 0;
  if (string == NULL) return NULL;
  jsize length = (*env)->GetStringLength(env, string);
  jchar *units = malloc(((size_t)length + 1) * sizeof(jchar));
  /* At most 3 bytes per UTF-16 unit (a pair's 4 bytes come from 2 units). */
  char *utf8 = malloc((size_t)length * 3 + 1);
  if (units == NULL || utf8 == NULL) {
    free(units);
    free(utf8);
    *invalid = 1;
    return NULL;
  }
  (*env)->GetStringRegion(env, string, 0, length, units);
  size_t out = 0;
  for (jsize i = 0; i < length; i++) {
    uint32_t scalar = units[i];
    if (scalar >= 0xD800 && scalar <= 0xDBFF && i + 1 < length && units[i + 1] >= 0xDC00 && units[i + 1] <= 0xDFFF) {
      scalar = 0x10000 + ((scalar - 0xD800) << 10) + (uint32_t)(units[i + 1] - 0xDC00);
      i++;
    } else if (scalar >= 0xD800 && scalar <= 0xDFFF) {
      free(units);
      free(utf8);
      *invalid = 1;
      return NULL;
    }
    if (scalar < 0x80) {
      utf8[out++] = (char)scalar;
    } else if (scalar < 0x800) {
      utf8[out++] = (char)(0xC0 | (scalar >> 6));
      utf8[out++] = (char)(0x80 | (scalar & 0x3F));
    } else if (scalar < 0x10000) {
      utf8[out++] = (char)(0xE0 | (scalar >> 12));
      utf8[out++] = (char)(0x80 | ((scalar >> 6) & 0x3F));
      utf8[out++] = (char)(0x80 | (scalar & 0x3F));
    } else {
      utf8[out++] = (char)(0xF0 | (scalar >> 18));
      utf8[out++] = (char)(0x80 | ((scalar >> 12) & 0x3F));
      utf8[out++] = (char)(0x80 | ((scalar >> 6) & 0x3F));
      utf8[out++] = (char)(0x80 | (scalar & 0x3F));
    }
  }
  utf8[out] = '\0';
  free(units);
  return utf8;
}

/* A Java string of the UTF-8 `text`; NULL for NULL. A malformed sequence
** (the library promises none) becomes U+FFFD rather than a crash. */
static jstring java_from_utf8(JNIEnv *env, const char *text) {
  if (text == NULL) return NULL;
  size_t length = strlen(text);
  jchar *units = malloc((length + 1) * sizeof(jchar));
  if (units == NULL) return NULL;
  const unsigned char *p = (const unsigned char *)text, *end = p + length;
  jsize count = 0;
  while (p < end) {
    uint32_t scalar = 0xFFFD;
    size_t size = 1;
    if (p[0] < 0x80) {
      scalar = p[0];
    } else if (p[0] >= 0xC2 && p[0] <= 0xDF && end - p >= 2 && (p[1] & 0xC0) == 0x80) {
      scalar = ((uint32_t)(p[0] & 0x1F) << 6) | (p[1] & 0x3F);
      size = 2;
    } else if (p[0] >= 0xE0 && p[0] <= 0xEF && end - p >= 3 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
      scalar = ((uint32_t)(p[0] & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
      size = 3;
      if (scalar < 0x800 || (scalar >= 0xD800 && scalar <= 0xDFFF)) scalar = 0xFFFD;
    } else if (p[0] >= 0xF0 && p[0] <= 0xF4 && end - p >= 4 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 &&
               (p[3] & 0xC0) == 0x80) {
      scalar = ((uint32_t)(p[0] & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) | ((uint32_t)(p[2] & 0x3F) << 6) |
               (p[3] & 0x3F);
      size = 4;
      if (scalar < 0x10000 || scalar > 0x10FFFF) scalar = 0xFFFD;
    }
    if (scalar >= 0x10000) {
      units[count++] = (jchar)(0xD800 + ((scalar - 0x10000) >> 10));
      units[count++] = (jchar)(0xDC00 + ((scalar - 0x10000) & 0x3FF));
    } else {
      units[count++] = (jchar)scalar;
    }
    p += size;
  }
  jstring string = (*env)->NewString(env, units, count);
  free(units);
  return string;
}

/* Stores the library's string in out[0] (when the array is given) and frees it. */
static void hand_over(JNIEnv *env, jobjectArray out, char *text) {
  if (out != NULL && (*env)->GetArrayLength(env, out) > 0) {
    jstring string = java_from_utf8(env, text);
    (*env)->SetObjectArrayElement(env, out, 0, string);
    if (string != NULL) (*env)->DeleteLocalRef(env, string);
  }
  ac_string_free(text);
}

static ac_core *core_of(jlong handle) { return (ac_core *)(intptr_t)handle; }

JNIEXPORT jint JNICALL Java_AccountCore_abiVersion(JNIEnv *env, jclass class) {
  (void)env;
  (void)class;
  return (jint)ac_abi_version();
}

JNIEXPORT jstring JNICALL Java_AccountCore_version(JNIEnv *env, jclass class) {
  (void)class;
  return java_from_utf8(env, ac_version());
}

JNIEXPORT jstring JNICALL Java_AccountCore_statusName(JNIEnv *env, jclass class, jint status) {
  (void)class;
  return java_from_utf8(env, ac_status_name((ac_status)status));
}

JNIEXPORT jint JNICALL Java_AccountCore_open(JNIEnv *env, jclass class, jstring config, jlongArray out_core,
                                             jobjectArray out_error) {
  (void)class;
  int invalid;
  char *config_utf8 = utf8_from_java(env, config, &invalid);
  if (invalid) return AC_ERR_ARGUMENT;
  ac_core *core = NULL;
  char *error = NULL;
  ac_status status = ac_open(config_utf8, &core, &error);
  free(config_utf8);
  if (out_core != NULL && (*env)->GetArrayLength(env, out_core) > 0) {
    jlong handle = (jlong)(intptr_t)core;
    (*env)->SetLongArrayRegion(env, out_core, 0, 1, &handle);
  } else if (core != NULL) {
    ac_close(core); /* nowhere to hand it: do not leak it */
  }
  hand_over(env, out_error, error);
  return status;
}

JNIEXPORT void JNICALL Java_AccountCore_close(JNIEnv *env, jclass class, jlong core) {
  (void)env;
  (void)class;
  ac_close(core_of(core));
}

JNIEXPORT jint JNICALL Java_AccountCore_setToken(JNIEnv *env, jclass class, jlong core, jstring token) {
  (void)class;
  int invalid;
  char *token_utf8 = utf8_from_java(env, token, &invalid);
  if (invalid) return AC_ERR_ARGUMENT;
  ac_status status = ac_set_token(core_of(core), token_utf8);
  if (token_utf8 != NULL) {
    /* A bearer token is a secret: do not leave it in freed memory. */
    volatile char *wipe = token_utf8;
    while (*wipe) *wipe++ = 0;
  }
  free(token_utf8);
  return status;
}

JNIEXPORT jint JNICALL Java_AccountCore_setOnline(JNIEnv *env, jclass class, jlong core, jint online) {
  (void)env;
  (void)class;
  return ac_set_online(core_of(core), (int32_t)online);
}

JNIEXPORT jint JNICALL Java_AccountCore_call(JNIEnv *env, jclass class, jlong core, jstring operation,
                                             jstring arguments, jobjectArray out_json) {
  (void)class;
  int invalid_operation, invalid_arguments;
  char *operation_utf8 = utf8_from_java(env, operation, &invalid_operation);
  char *arguments_utf8 = utf8_from_java(env, arguments, &invalid_arguments);
  ac_status status = AC_ERR_ARGUMENT;
  if (!invalid_operation && !invalid_arguments) {
    char *json = NULL;
    status = ac_call(core_of(core), operation_utf8, arguments_utf8, &json);
    hand_over(env, out_json, json);
  }
  free(operation_utf8);
  free(arguments_utf8);
  return status;
}
