#include "CLibcurl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// libcurl's ABI (stable since 7.x): the few types and option numbers used here, so building
// promptops needs no curl headers and running it needs libcurl only for `eval` and the gate's
// evals (`check` and the hooks never load it).
typedef void CURL;
typedef void CURLSH;
struct curl_slist;
typedef int CURLcode;
typedef int CURLoption;
typedef int CURLINFO;
typedef int64_t curl_off_t;

enum {
  PROMPTOPS_CURLE_OK = 0,
  PROMPTOPS_CURLE_OPERATION_TIMEDOUT = 28,
  PROMPTOPS_CURLOPT_WRITEDATA = 10001,
  PROMPTOPS_CURLOPT_URL = 10002,
  PROMPTOPS_CURLOPT_POSTFIELDS = 10015,
  PROMPTOPS_CURLOPT_HTTPHEADER = 10023,
  PROMPTOPS_CURLOPT_HEADERDATA = 10029,
  PROMPTOPS_CURLOPT_CUSTOMREQUEST = 10036,
  PROMPTOPS_CURLOPT_NOSIGNAL = 99,
  PROMPTOPS_CURLOPT_MAXCONNECTS = 71,
  PROMPTOPS_CURLOPT_TIMEOUT_MS = 155,
  PROMPTOPS_CURLOPT_CONNECTTIMEOUT_MS = 156,
  PROMPTOPS_CURLOPT_WRITEFUNCTION = 20011,
  PROMPTOPS_CURLOPT_HEADERFUNCTION = 20079,
  PROMPTOPS_CURLOPT_POSTFIELDSIZE_LARGE = 30120,
  PROMPTOPS_CURLOPT_PROTOCOLS_STR = 10318,
  PROMPTOPS_CURLOPT_SHARE = 10100,
  PROMPTOPS_CURLSHOPT_SHARE = 1,
  PROMPTOPS_CURLSHOPT_LOCKFUNC = 3,
  PROMPTOPS_CURLSHOPT_UNLOCKFUNC = 4,
  PROMPTOPS_CURL_LOCK_DATA_DNS = 3,
  PROMPTOPS_CURL_LOCK_DATA_SSL_SESSION = 4,
  PROMPTOPS_CURL_LOCK_DATA_CONNECT = 5,
  PROMPTOPS_CURL_LOCK_DATA_LAST = 8,
  PROMPTOPS_CURLINFO_RESPONSE_CODE = 0x200002,
  PROMPTOPS_CURL_GLOBAL_DEFAULT = 3,
};

static struct {
  CURLcode (*global_init)(long);
  CURL *(*easy_init)(void);
  CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
  CURLcode (*easy_perform)(CURL *);
  CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
  void (*easy_cleanup)(CURL *);
  const char *(*easy_strerror)(CURLcode);
  struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
  void (*slist_free_all)(struct curl_slist *);
  CURLSH *(*share_init)(void);
  int (*share_setopt)(CURLSH *, int, ...);
  // Connections, DNS answers and TLS sessions shared by every request of the run: the next
  // request to the same server reuses a kept-alive connection instead of a new TCP (and TLS)
  // handshake. NULL when the library cannot share; requests then connect each time.
  CURLSH *share;
  char load_error[400];
  int loaded;
} curl;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t share_locks[PROMPTOPS_CURL_LOCK_DATA_LAST];

static void share_lock(CURL *handle, int data, int access, void *user) {
  (void)handle, (void)access, (void)user;
  if (data >= 0 && data < PROMPTOPS_CURL_LOCK_DATA_LAST) pthread_mutex_lock(&share_locks[data]);
}

static void share_unlock(CURL *handle, int data, void *user) {
  (void)handle, (void)user;
  if (data >= 0 && data < PROMPTOPS_CURL_LOCK_DATA_LAST) pthread_mutex_unlock(&share_locks[data]);
}

static void make_share(void) {
  if (curl.share_init == NULL || curl.share_setopt == NULL) return;
  for (int i = 0; i < PROMPTOPS_CURL_LOCK_DATA_LAST; i++) pthread_mutex_init(&share_locks[i], NULL);
  CURLSH *share = curl.share_init();
  if (share == NULL) return;
  if (curl.share_setopt(share, PROMPTOPS_CURLSHOPT_LOCKFUNC, share_lock) != 0
      || curl.share_setopt(share, PROMPTOPS_CURLSHOPT_UNLOCKFUNC, share_unlock) != 0
      || curl.share_setopt(share, PROMPTOPS_CURLSHOPT_SHARE, (int)PROMPTOPS_CURL_LOCK_DATA_CONNECT) != 0) {
    return;  // Leaked on purpose: a half-configured share must not be used, and this happens once.
  }
  // DNS and TLS sessions are a bonus: a library that refuses them still shares connections.
  curl.share_setopt(share, PROMPTOPS_CURLSHOPT_SHARE, (int)PROMPTOPS_CURL_LOCK_DATA_DNS);
  curl.share_setopt(share, PROMPTOPS_CURLSHOPT_SHARE, (int)PROMPTOPS_CURL_LOCK_DATA_SSL_SESSION);
  curl.share = share;
}

static const char *const library_names[] = {"libcurl.so.4", "libcurl-gnutls.so.4", "libcurl.so", "libcurl.4.dylib", "libcurl.dylib"};

static void load_libcurl(void) {
  void *library = NULL;
  for (size_t i = 0; i < sizeof library_names / sizeof library_names[0] && library == NULL; i++) {
    library = dlopen(library_names[i], RTLD_NOW | RTLD_LOCAL);
  }
  if (library == NULL) {
    snprintf(curl.load_error, sizeof curl.load_error,
             "libcurl is not installed (HTTP providers need it; on Debian or Ubuntu: apt-get install libcurl4)");
    return;
  }
#define PROMPTOPS_LOAD(field, symbol)                                                                  \
  *(void **)(&curl.field) = dlsym(library, symbol);                                                    \
  if (curl.field == NULL) {                                                                            \
    snprintf(curl.load_error, sizeof curl.load_error, "the installed libcurl lacks %s", symbol);        \
    return;                                                                                            \
  }
  PROMPTOPS_LOAD(global_init, "curl_global_init")
  PROMPTOPS_LOAD(easy_init, "curl_easy_init")
  PROMPTOPS_LOAD(easy_setopt, "curl_easy_setopt")
  PROMPTOPS_LOAD(easy_perform, "curl_easy_perform")
  PROMPTOPS_LOAD(easy_getinfo, "curl_easy_getinfo")
  PROMPTOPS_LOAD(easy_cleanup, "curl_easy_cleanup")
  PROMPTOPS_LOAD(easy_strerror, "curl_easy_strerror")
  PROMPTOPS_LOAD(slist_append, "curl_slist_append")
  PROMPTOPS_LOAD(slist_free_all, "curl_slist_free_all")
#undef PROMPTOPS_LOAD
  *(void **)(&curl.share_init) = dlsym(library, "curl_share_init");
  *(void **)(&curl.share_setopt) = dlsym(library, "curl_share_setopt");
  if (curl.global_init(PROMPTOPS_CURL_GLOBAL_DEFAULT) != PROMPTOPS_CURLE_OK) {
    snprintf(curl.load_error, sizeof curl.load_error, "libcurl could not initialise");
    return;
  }
  make_share();
  curl.loaded = 1;
}

typedef struct buffer {
  char *data;
  size_t length;
  size_t capacity;
  int failed;
  /// The most the buffer may hold; past it the transfer is stopped and `exceeded` set.
  size_t limit;
  int exceeded;
} buffer;

static int buffer_append(buffer *target, const char *bytes, size_t count) {
  if (count > target->limit - target->length) {
    target->exceeded = 1;
    return 0;
  }
  if (target->length + count + 1 > target->capacity) {
    size_t capacity = target->capacity ? target->capacity : 4096;
    while (capacity < target->length + count + 1) capacity *= 2;
    char *grown = realloc(target->data, capacity);
    if (grown == NULL) {
      target->failed = 1;
      return 0;
    }
    target->data = grown;
    target->capacity = capacity;
  }
  memcpy(target->data + target->length, bytes, count);
  target->length += count;
  target->data[target->length] = 0;
  return 1;
}

static size_t on_body(char *bytes, size_t size, size_t count, void *context) {
  return buffer_append(context, bytes, size * count) ? size * count : 0;
}

static size_t on_header(char *bytes, size_t size, size_t count, void *context) {
  buffer *headers = context;
  // A new status line starts the headers of a new response (after a redirect or 100 Continue).
  if (size * count >= 5 && memcmp(bytes, "HTTP/", 5) == 0) headers->length = 0;
  return buffer_append(headers, bytes, size * count) ? size * count : 0;
}

void promptops_http_preload(void) {
  // The handle is kept: load_libcurl's own dlopen of the same name then finds it mapped.
  for (size_t i = 0; i < sizeof library_names / sizeof library_names[0]; i++) {
    if (dlopen(library_names[i], RTLD_NOW | RTLD_LOCAL) != NULL) return;
  }
}

/// Response headers kept at most: far beyond any real server's, short of a hostile one's.
#define PROMPTOPS_MAX_HEADERS ((size_t)1 << 20)

int promptops_http_exchange(
  const char *method, const char *url, const char *const *header_lines, size_t header_count, const void *body,
  size_t body_length, long timeout_ms, size_t max_body, promptops_http_answer *answer) {
  memset(answer, 0, sizeof *answer);
  pthread_once(&load_once, load_libcurl);
  if (!curl.loaded) {
    snprintf(answer->error, sizeof answer->error, "%s", curl.load_error);
    return PROMPTOPS_HTTP_UNAVAILABLE;
  }
  CURL *handle = curl.easy_init();
  if (handle == NULL) {
    snprintf(answer->error, sizeof answer->error, "libcurl could not make a request handle");
    return PROMPTOPS_HTTP_CONNECTION;
  }
  struct curl_slist *list = NULL;
  for (size_t i = 0; i < header_count; i++) list = curl.slist_append(list, header_lines[i]);
  // No "Expect: 100-continue" round trip before larger bodies.
  list = curl.slist_append(list, "Expect:");

  buffer headers = {0}, received = {0};
  headers.limit = PROMPTOPS_MAX_HEADERS;
  received.limit = max_body;
  curl.easy_setopt(handle, PROMPTOPS_CURLOPT_NOSIGNAL, 1L);
  if (curl.share != NULL) {
    curl.easy_setopt(handle, PROMPTOPS_CURLOPT_SHARE, curl.share);
    // A finished request leaves its connection in the shared cache, which libcurl trims to this
    // many (5 by default): at concurrency 32 nearly every request would connect anew. The cache
    // never holds more connections than were in use at once, so the cap only matters below the
    // concurrency; it stays well under the usual limit of 1024 open files.
    curl.easy_setopt(handle, PROMPTOPS_CURLOPT_MAXCONNECTS, 256L);
  }
  curl.easy_setopt(handle, PROMPTOPS_CURLOPT_URL, url);
  curl.easy_setopt(handle, PROMPTOPS_CURLOPT_PROTOCOLS_STR, "http,https");
  curl.easy_setopt(handle, PROMPTOPS_CURLOPT_CUSTOMREQUEST, method);
  if (body != NULL) {
    curl.easy_setopt(handle, PROMPTOPS_CURLOPT_POSTFIELDS, body);
    curl.easy_setopt(handle, PROMPTOPS_CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_length);
  }
  curl.easy_setopt(handle, PROMPTOPS_CURLOPT_HTTPHEADER, list);
  curl.easy_setopt(handle, PROMPTOPS_CURLOPT_TIMEOUT_MS, timeout_ms);
  curl.easy_setopt(handle, PROMPTOPS_CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl.easy_setopt(handle, PROMPTOPS_CURLOPT_WRITEFUNCTION, on_body);
  curl.easy_setopt(handle, PROMPTOPS_CURLOPT_WRITEDATA, &received);
  curl.easy_setopt(handle, PROMPTOPS_CURLOPT_HEADERFUNCTION, on_header);
  curl.easy_setopt(handle, PROMPTOPS_CURLOPT_HEADERDATA, &headers);

  CURLcode code = curl.easy_perform(handle);
  int outcome = PROMPTOPS_HTTP_OK;
  if (headers.exceeded || received.exceeded) {
    outcome = PROMPTOPS_HTTP_TOO_LARGE;
    snprintf(answer->error, sizeof answer->error, "%s", headers.exceeded ? "headers" : "body");
  } else if (code == PROMPTOPS_CURLE_OPERATION_TIMEDOUT) {
    outcome = PROMPTOPS_HTTP_TIMED_OUT;
    snprintf(answer->error, sizeof answer->error, "%s", curl.easy_strerror(code));
  } else if (code != PROMPTOPS_CURLE_OK || headers.failed || received.failed) {
    outcome = PROMPTOPS_HTTP_CONNECTION;
    snprintf(answer->error, sizeof answer->error, "%s",
             code != PROMPTOPS_CURLE_OK ? curl.easy_strerror(code) : "out of memory reading the answer");
  } else {
    curl.easy_getinfo(handle, PROMPTOPS_CURLINFO_RESPONSE_CODE, &answer->status);
  }
  curl.slist_free_all(list);
  curl.easy_cleanup(handle);
  if (outcome == PROMPTOPS_HTTP_OK) {
    answer->headers = headers.data;
    answer->headers_length = headers.length;
    answer->body = received.data;
    answer->body_length = received.length;
  } else {
    free(headers.data);
    free(received.data);
  }
  return outcome;
}

void promptops_http_answer_free(promptops_http_answer *answer) {
  free(answer->headers);
  free(answer->body);
  answer->headers = NULL;
  answer->body = NULL;
}
