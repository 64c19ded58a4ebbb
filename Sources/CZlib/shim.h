#ifndef PROMPTOPS_CZLIB_SHIM_H
#define PROMPTOPS_CZLIB_SHIM_H
#include <zlib.h>
// inflateInit2 is a macro, which Swift cannot call.
static inline int promptops_inflate_init_gzip(z_stream *stream) {
  return inflateInit2(stream, 15 + 32);  // zlib or gzip header, detected
}
#endif
