#ifndef PROMPTOPS_CLIBCURL_H
#define PROMPTOPS_CLIBCURL_H

#include <stddef.h>

/// One HTTP exchange through the system's libcurl, loaded with dlopen on first use.
///
/// promptops links no HTTP stack: a pre-commit hook must not load libcurl and its twenty
/// shared libraries (TLS, HTTP/2, LDAP, IDN…) on every commit when only evals talk to a model.

typedef struct promptops_http_answer {
  long status;
  /// Raw response header lines ("Name: value\r\n"), those of the final response only.
  char *headers;
  size_t headers_length;
  char *body;
  size_t body_length;
  /// Why the exchange failed, for PROMPTOPS_HTTP_TIMED_OUT, _CONNECTION and _UNAVAILABLE.
  char error[512];
} promptops_http_answer;

enum {
  PROMPTOPS_HTTP_OK = 0,
  PROMPTOPS_HTTP_TIMED_OUT = 1,
  PROMPTOPS_HTTP_CONNECTION = 2,
  PROMPTOPS_HTTP_UNAVAILABLE = 3,
  /// The answer's body passed `max_body` bytes (or its headers 1 MiB): the transfer was stopped
  /// there, and nothing of it is returned.
  PROMPTOPS_HTTP_TOO_LARGE = 4,
};

/// Sends one request and waits for the whole answer, at most `timeout_ms`, reading at most
/// `max_body` bytes of body. `headers` holds `header_count` lines "Name: value". Thread-safe;
/// blocks the calling thread.
int promptops_http_exchange(
  const char *method, const char *url, const char *const *headers, size_t header_count, const void *body,
  size_t body_length, long timeout_ms, size_t max_body, promptops_http_answer *answer);

/// Maps libcurl and the libraries it needs (about twenty; their constructors run, GnuTLS's and
/// p11-kit's setting themselves up) so that the first exchange does not wait for the loading;
/// `curl_global_init` is left to the first exchange. Safe on a thread of its own while the
/// process may exit, with glibc: dlopen holds the loader's lock while constructors run, and exit
/// takes the same lock before running destructors, so it waits for the load to finish.
void promptops_http_preload(void);

/// Frees the buffers of an answer.
void promptops_http_answer_free(promptops_http_answer *answer);

#endif
