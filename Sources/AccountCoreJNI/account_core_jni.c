/*
** account_core_jni.c: the JNI layer between org.accountcore.AccountCore
** (java/) and account_core.h. An Android app copies it in as it is and
** builds it into a library of its own, libAccountCoreJNI.so, linked to
** libAccountCoreC.so (docs/c-interface.md, "Android").
**
** STRINGS cross as real UTF-8 both ways. JNI's GetStringUTFChars and
** NewStringUTF speak "modified UTF-8" (NUL as C0 80, a character outside
** the BMP as two 3-byte surrogates), which the library rightly refuses and
** which CheckJNI aborts on when it comes back; so this file converts
** between UTF-16 and UTF-8 itself. A lone surrogate, which is no character,
** is passed on as its three bytes, which are not UTF-8: the library refuses
** it with its own error (AC_ERR_ARGUMENT), in the core's language.
**
** REFERENCES. Every local reference made in a loop is deleted in the loop;
** every callback from a library thread runs in a local frame of its own
** (PushLocalFrame / PopLocalFrame), since such a thread never returns to
** Java to free them. The Java object of each core is held by one global
** reference from open until close; the class and its methods are looked up
** once, in JNI_OnLoad, where the app's class loader is the one in force.
**
** THREADS. The library calls the transport and the event handler on
** threads of its own: each is attached to the VM the first time (as a
** daemon, named "AccountCore") and detached when it ends, by a pthread key's
** destructor. Java threads call in as they please: AccountCore.java keeps
** calls and close apart.
**
** Every string the library hands out is freed with ac_string_free(), never
** free(); every answer to a request is given exactly once (TransportRequest
** makes sure of it).
*/
#include <jni.h>

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "account_core.h"

/* What JNI_OnLoad looked up, for every thread after. */
static JavaVM *java_vm;
static jclass core_class;
static jmethodID send_method;   /* void sendFromNative(long, String, String, String[], byte[], int) */
static jmethodID cancel_method; /* void cancelFromNative(long) */
static jmethodID event_method;  /* void eventFromNative(String) */
static jclass string_class;
static pthread_key_t detach_key;

/* One open core: its handle and the Java object its callbacks go to. */
typedef struct jni_core {
  ac_core *core;
  jobject peer; /* global reference to the org.accountcore.AccountCore */
} jni_core;

static jni_core *jni_core_of(jlong handle) { return (jni_core *)(intptr_t)handle; }

/* ---- UTF-16 <-> UTF-8 ---------------------------------------------------- */

/* The UTF-8 of `string`, malloc'd; NULL for a Java null or when out of
** memory (*failed 1, with an OutOfMemoryError pending). A lone surrogate is
** written as its 3 bytes (not UTF-8): the library refuses it. */
static char *utf8_from_java(JNIEnv *env, jstring string, int *failed) {
  *failed = 0;
  if (string == NULL) return NULL;
  jsize length = (*env)->GetStringLength(env, string);
  jchar *units = malloc(((size_t)length + 1) * sizeof(jchar));
  /* At most 3 bytes per UTF-16 unit (a pair's 4 bytes come from 2 units). */
  char *utf8 = malloc((size_t)length * 3 + 1);
  if (units == NULL || utf8 == NULL) {
    free(units);
    free(utf8);
    *failed = 1;
    jclass error = (*env)->FindClass(env, "java/lang/OutOfMemoryError");
    if (error != NULL) (*env)->ThrowNew(env, error, "AccountCore: converting a string to UTF-8");
    return NULL;
  }
  (*env)->GetStringRegion(env, string, 0, length, units);
  size_t out = 0;
  for (jsize i = 0; i < length; i++) {
    uint32_t scalar = units[i];
    if (scalar >= 0xD800 && scalar <= 0xDBFF && i + 1 < length && units[i + 1] >= 0xDC00 && units[i + 1] <= 0xDFFF) {
      scalar = 0x10000 + ((scalar - 0xD800) << 10) + (uint32_t)(units[i + 1] - 0xDC00);
      i++;
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

/* A Java string of the `length` bytes of UTF-8 at `text`; NULL for NULL (or
** out of memory, an exception pending). A malformed sequence (the library
** promises none) becomes U+FFFD rather than a crash. */
static jstring java_from_utf8_bytes(JNIEnv *env, const char *text, size_t length) {
  if (text == NULL) return NULL;
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

static jstring java_from_utf8(JNIEnv *env, const char *text) {
  return text == NULL ? NULL : java_from_utf8_bytes(env, text, strlen(text));
}

/* Stores the library's string in out[0] (when the array is given) and frees it. */
static void hand_over(JNIEnv *env, jobjectArray out, char *text) {
  if (out != NULL && text != NULL && (*env)->GetArrayLength(env, out) > 0) {
    jstring string = java_from_utf8(env, text);
    if (string != NULL) {
      (*env)->SetObjectArrayElement(env, out, 0, string);
      (*env)->DeleteLocalRef(env, string);
    }
  }
  ac_string_free(text);
}

/* Overwrites a secret before its memory is freed. */
static void wipe_and_free(char *secret) {
  if (secret == NULL) return;
  volatile char *p = secret;
  while (*p) *p++ = 0;
  free(secret);
}

/* ---- Library threads --------------------------------------------------- */

static void detach_thread(void *unused) {
  (void)unused;
  (*java_vm)->DetachCurrentThread(java_vm);
}

/* The JNIEnv of the calling thread, attaching it (as a daemon) the first
** time: the library's threads run our callbacks. NULL when it cannot be. */
static JNIEnv *attached_env(void) {
  JNIEnv *env = NULL;
  jint got = (*java_vm)->GetEnv(java_vm, (void **)&env, JNI_VERSION_1_6);
  if (got == JNI_OK) return env;
  if (got != JNI_EDETACHED) return NULL;
  JavaVMAttachArgs arguments = {JNI_VERSION_1_6, "AccountCore", NULL};
#ifdef __ANDROID__
  if ((*java_vm)->AttachCurrentThreadAsDaemon(java_vm, &env, &arguments) != JNI_OK) return NULL;
#else
  if ((*java_vm)->AttachCurrentThreadAsDaemon(java_vm, (void **)&env, &arguments) != JNI_OK) return NULL;
#endif
  /* Any non-NULL value makes the destructor run when the thread ends. */
  pthread_setspecific(detach_key, env);
  return env;
}

/* Starts a callback on a library thread: its JNIEnv (the thread attached
** if need be) with a local frame of `capacity` references; NULL when it
** cannot, and nothing is to be undone. */
static JNIEnv *begin_callback(jint capacity) {
  JNIEnv *env = attached_env();
  if (env == NULL) return NULL;
  if ((*env)->PushLocalFrame(env, capacity) != 0) {
    (*env)->ExceptionClear(env);
    return NULL;
  }
  return env;
}

/* Ends a callback: an exception the Java side let through is reported and
** cleared (a library thread has nobody to throw it to), and the frame's
** local references are freed. */
static void end_callback(JNIEnv *env) {
  if ((*env)->ExceptionCheck(env)) {
    (*env)->ExceptionDescribe(env);
    (*env)->ExceptionClear(env);
  }
  (*env)->PopLocalFrame(env, NULL);
}

/* ---- Callbacks from the library ---------------------------------------- */

static void on_send(void *context, ac_http_request *request, const ac_http_request_info *info) {
  jni_core *core = context;
  JNIEnv *env = begin_callback(16);
  if (env == NULL) {
    ac_http_fail(request, AC_HTTP_OTHER, "the JNI layer could not run Java on this thread");
    return;
  }
  jstring method = java_from_utf8(env, info->method);
  jstring url = java_from_utf8(env, info->url);
  jobjectArray headers = (*env)->NewObjectArray(env, (jsize)(info->header_count * 2), string_class, NULL);
  jbyteArray body = NULL;
  int ready = method != NULL && url != NULL && headers != NULL;
  for (size_t i = 0; ready && i < info->header_count; i++) {
    jstring name = java_from_utf8(env, info->headers[i].name);
    jstring value = java_from_utf8(env, info->headers[i].value);
    ready = name != NULL && value != NULL;
    if (ready) {
      (*env)->SetObjectArrayElement(env, headers, (jsize)(i * 2), name);
      (*env)->SetObjectArrayElement(env, headers, (jsize)(i * 2 + 1), value);
    }
    if (name != NULL) (*env)->DeleteLocalRef(env, name);
    if (value != NULL) (*env)->DeleteLocalRef(env, value);
  }
  if (ready && info->body != NULL) {
    body = (*env)->NewByteArray(env, (jsize)info->body_length);
    ready = body != NULL;
    if (ready) (*env)->SetByteArrayRegion(env, body, 0, (jsize)info->body_length, (const jbyte *)info->body);
  }
  if (ready) {
    /* The Java side answers, now or later; it catches what the app throws. */
    (*env)->CallVoidMethod(env, core->peer, send_method, (jlong)(intptr_t)request, method, url, headers, body,
                           (jint)info->timeout_ms);
  } else {
    (*env)->ExceptionClear(env);
    ac_http_fail(request, AC_HTTP_OTHER, "the JNI layer is out of memory");
  }
  end_callback(env);
}

static void on_cancel(void *context, ac_http_request *request) {
  jni_core *core = context;
  JNIEnv *env = begin_callback(4);
  if (env == NULL) return;
  (*env)->CallVoidMethod(env, core->peer, cancel_method, (jlong)(intptr_t)request);
  end_callback(env);
}

static void on_event(void *context, const char *event_json) {
  jni_core *core = context;
  JNIEnv *env = begin_callback(4);
  if (env == NULL) return;
  jstring json = java_from_utf8(env, event_json);
  if (json != NULL) (*env)->CallVoidMethod(env, core->peer, event_method, json);
  end_callback(env);
}

/* ---- Loading ----------------------------------------------------------- */

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved) {
  (void)reserved;
  JNIEnv *env = NULL;
  if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_6) != JNI_OK) return JNI_ERR;
  java_vm = vm;
  jclass core = (*env)->FindClass(env, "org/accountcore/AccountCore");
  jclass string = (*env)->FindClass(env, "java/lang/String");
  if (core == NULL || string == NULL) return JNI_ERR;
  send_method = (*env)->GetMethodID(env, core, "sendFromNative",
                                    "(JLjava/lang/String;Ljava/lang/String;[Ljava/lang/String;[BI)V");
  cancel_method = (*env)->GetMethodID(env, core, "cancelFromNative", "(J)V");
  event_method = (*env)->GetMethodID(env, core, "eventFromNative", "(Ljava/lang/String;)V");
  if (send_method == NULL || cancel_method == NULL || event_method == NULL) return JNI_ERR;
  core_class = (*env)->NewGlobalRef(env, core);
  string_class = (*env)->NewGlobalRef(env, string);
  (*env)->DeleteLocalRef(env, core);
  (*env)->DeleteLocalRef(env, string);
  if (core_class == NULL || string_class == NULL) return JNI_ERR;
  if (pthread_key_create(&detach_key, detach_thread) != 0) return JNI_ERR;
  return JNI_VERSION_1_6;
}

JNIEXPORT void JNICALL JNI_OnUnload(JavaVM *vm, void *reserved) {
  (void)reserved;
  JNIEnv *env = NULL;
  if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_6) != JNI_OK) return;
  (*env)->DeleteGlobalRef(env, core_class);
  (*env)->DeleteGlobalRef(env, string_class);
  /* No destructor may run into this library once it is unloaded. */
  pthread_key_delete(detach_key);
}

/* ---- org.accountcore.AccountCore's natives ----------------------------- */

JNIEXPORT jint JNICALL Java_org_accountcore_AccountCore_nativeAbiVersion(JNIEnv *env, jclass class) {
  (void)env;
  (void)class;
  return (jint)ac_abi_version();
}

JNIEXPORT jstring JNICALL Java_org_accountcore_AccountCore_nativeVersion(JNIEnv *env, jclass class) {
  (void)class;
  return java_from_utf8(env, ac_version());
}

JNIEXPORT jstring JNICALL Java_org_accountcore_AccountCore_nativeStatusName(JNIEnv *env, jclass class, jint status) {
  (void)class;
  return java_from_utf8(env, ac_status_name((ac_status)status));
}

JNIEXPORT jint JNICALL Java_org_accountcore_AccountCore_nativeOpen(JNIEnv *env, jclass class, jobject peer,
                                                                   jstring config, jboolean with_transport,
                                                                   jlongArray out_handle, jobjectArray out_error) {
  (void)class;
  int failed;
  char *config_utf8 = utf8_from_java(env, config, &failed);
  if (failed) return AC_ERR_INTERNAL;
  jni_core *core = calloc(1, sizeof *core);
  jobject global = (*env)->NewGlobalRef(env, peer);
  if (core == NULL || global == NULL) {
    free(config_utf8);
    free(core);
    if (global != NULL) (*env)->DeleteGlobalRef(env, global);
    return AC_ERR_INTERNAL;
  }
  core->peer = global;
  ac_transport transport = {AC_TRANSPORT_VERSION, core, on_send, on_cancel};
  char *error = NULL;
  ac_status status = ac_open_with_transport(config_utf8, with_transport ? &transport : NULL, &core->core, &error);
  free(config_utf8);
  hand_over(env, out_error, error);
  if (status != AC_OK) {
    (*env)->DeleteGlobalRef(env, core->peer);
    free(core);
    return status;
  }
  ac_set_event_handler(core->core, on_event, core);
  jlong handle = (jlong)(intptr_t)core;
  (*env)->SetLongArrayRegion(env, out_handle, 0, 1, &handle);
  return status;
}

JNIEXPORT void JNICALL Java_org_accountcore_AccountCore_nativeClose(JNIEnv *env, jclass class, jlong handle) {
  (void)class;
  jni_core *core = jni_core_of(handle);
  if (core == NULL) return;
  /* No callback comes after ac_close returns: the global reference can go. */
  ac_close(core->core);
  (*env)->DeleteGlobalRef(env, core->peer);
  free(core);
}

JNIEXPORT jint JNICALL Java_org_accountcore_AccountCore_nativeSetToken(JNIEnv *env, jclass class, jlong handle,
                                                                       jstring token) {
  (void)class;
  int failed;
  char *token_utf8 = utf8_from_java(env, token, &failed);
  if (failed) return AC_ERR_INTERNAL;
  ac_status status = ac_set_token(jni_core_of(handle)->core, token_utf8);
  /* A bearer token is a secret: do not leave it in freed memory. */
  wipe_and_free(token_utf8);
  return status;
}

JNIEXPORT jint JNICALL Java_org_accountcore_AccountCore_nativeSignIn(JNIEnv *env, jclass class, jlong handle,
                                                                     jstring account, jstring token) {
  (void)class;
  int failed_account, failed_token = 0;
  char *account_utf8 = utf8_from_java(env, account, &failed_account);
  char *token_utf8 = failed_account ? NULL : utf8_from_java(env, token, &failed_token);
  ac_status status = AC_ERR_INTERNAL;
  if (!failed_account && !failed_token) status = ac_sign_in(jni_core_of(handle)->core, account_utf8, token_utf8);
  free(account_utf8);
  wipe_and_free(token_utf8);
  return status;
}

JNIEXPORT jint JNICALL Java_org_accountcore_AccountCore_nativeSetOnline(JNIEnv *env, jclass class, jlong handle,
                                                                        jboolean online) {
  (void)env;
  (void)class;
  return ac_set_online(jni_core_of(handle)->core, online ? 1 : 0);
}

JNIEXPORT jint JNICALL Java_org_accountcore_AccountCore_nativeCall(JNIEnv *env, jclass class, jlong handle,
                                                                   jstring operation, jstring arguments,
                                                                   jobjectArray out_json) {
  (void)class;
  int failed_operation, failed_arguments = 0;
  char *operation_utf8 = utf8_from_java(env, operation, &failed_operation);
  char *arguments_utf8 = failed_operation ? NULL : utf8_from_java(env, arguments, &failed_arguments);
  ac_status status = AC_ERR_INTERNAL;
  if (!failed_operation && !failed_arguments) {
    char *json = NULL;
    status = ac_call(jni_core_of(handle)->core, operation_utf8, arguments_utf8, &json);
    hand_over(env, out_json, json);
  }
  free(operation_utf8);
  free(arguments_utf8);
  return status;
}

/* ---- org.accountcore.TransportRequest's natives ------------------------ */

JNIEXPORT jint JNICALL Java_org_accountcore_TransportRequest_nativeRespond(JNIEnv *env, jclass class, jlong request,
                                                                           jint status, jobjectArray headers,
                                                                           jbyteArray body) {
  (void)class;
  ac_http_request *handle = (ac_http_request *)(intptr_t)request;
  size_t count = headers == NULL ? 0 : (size_t)(*env)->GetArrayLength(env, headers) / 2;
  ac_http_header *fields = calloc(count > 0 ? count : 1, sizeof *fields);
  size_t length = body == NULL ? 0 : (size_t)(*env)->GetArrayLength(env, body);
  uint8_t *bytes = length > 0 ? malloc(length) : NULL;
  int ready = fields != NULL && (length == 0 || bytes != NULL);
  for (size_t i = 0; ready && i < count; i++) {
    int failed_name, failed_value = 0;
    jstring name = (*env)->GetObjectArrayElement(env, headers, (jsize)(i * 2));
    jstring value = (*env)->GetObjectArrayElement(env, headers, (jsize)(i * 2 + 1));
    fields[i].name = utf8_from_java(env, name, &failed_name);
    fields[i].value = failed_name ? NULL : utf8_from_java(env, value, &failed_value);
    ready = !failed_name && !failed_value;
    if (name != NULL) (*env)->DeleteLocalRef(env, name);
    if (value != NULL) (*env)->DeleteLocalRef(env, value);
  }
  if (ready && length > 0) (*env)->GetByteArrayRegion(env, body, 0, (jsize)length, (jbyte *)bytes);
  ac_status answered;
  if (ready) {
    answered = ac_http_respond(handle, status, fields, count, bytes, length);
  } else {
    /* The request is answered whatever happens: the core must not wait for it. */
    answered = ac_http_fail(handle, AC_HTTP_OTHER, "the JNI layer is out of memory");
  }
  for (size_t i = 0; fields != NULL && i < count; i++) {
    free((char *)fields[i].name);
    free((char *)fields[i].value);
  }
  free(fields);
  free(bytes);
  return answered;
}

JNIEXPORT jint JNICALL Java_org_accountcore_TransportRequest_nativeFail(JNIEnv *env, jclass class, jlong request,
                                                                        jint failure, jstring detail) {
  (void)class;
  int failed;
  char *detail_utf8 = utf8_from_java(env, detail, &failed);
  ac_status answered = ac_http_fail((ac_http_request *)(intptr_t)request, (ac_http_failure)failure, detail_utf8);
  free(detail_utf8);
  return answered;
}
