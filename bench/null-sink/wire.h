/* Bounds-checked big-endian readers and growable writers for the null sink's few messages. */
#ifndef NULL_SINK_WIRE_H
#define NULL_SINK_WIRE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static inline int32_t be_i32(const uint8_t *p) {
  return (int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]);
}
static inline void put_i32(uint8_t *p, int32_t v) {
  p[0] = (uint8_t)((uint32_t)v >> 24); p[1] = (uint8_t)((uint32_t)v >> 16);
  p[2] = (uint8_t)((uint32_t)v >> 8);  p[3] = (uint8_t)v;
}

/* Reader: any out-of-bounds access sets err and returns zeros/NULL from then on. */
typedef struct {
  const uint8_t *p, *end;
  int err;
} rbuf_t;

static inline const uint8_t *r_skip(rbuf_t *r, int32_t n) {
  if (r->err || n < 0 || r->end - r->p < n) { r->err = 1; return NULL; }
  const uint8_t *at = r->p;
  r->p += n;
  return at;
}
static inline int16_t r_i16(rbuf_t *r) {
  const uint8_t *p = r_skip(r, 2);
  return p ? (int16_t)(p[0] << 8 | p[1]) : 0;
}
static inline int32_t r_i32(rbuf_t *r) {
  const uint8_t *p = r_skip(r, 4);
  return p ? be_i32(p) : 0;
}
/* Nullable STRING (int16 length); returns NULL for null or on error. */
static inline const char *r_str(rbuf_t *r, int *len) {
  int16_t n = r_i16(r);
  *len = 0;
  if (n < 0) return NULL;
  const uint8_t *p = r_skip(r, n);
  if (p) *len = n;
  return (const char *)p;
}
static inline uint64_t r_uvarint(rbuf_t *r) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    const uint8_t *p = r_skip(r, 1);
    if (!p) return 0;
    v |= (uint64_t)(*p & 0x7f) << shift;
    if (!(*p & 0x80)) return v;
  }
  r->err = 1;
  return 0;
}
/* Skips a tagged-field section (KIP-482). */
static inline void r_tagged(rbuf_t *r) {
  uint64_t n = r_uvarint(r);
  for (uint64_t i = 0; i < n && !r->err; i++) {
    r_uvarint(r);
    r_skip(r, (int32_t)r_uvarint(r));
  }
}

/* Writer appending to a connection's output buffer (grown with realloc). */
typedef struct {
  uint8_t **buf;
  size_t *len, *cap;
  int err;
} wbuf_t;

static inline uint8_t *w_room(wbuf_t *w, size_t n) {
  if (*w->len + n > *w->cap) {
    size_t cap = (*w->cap ? *w->cap * 2 : 4096) + n;
    uint8_t *b = realloc(*w->buf, cap);
    if (!b) { w->err = 1; return NULL; }
    *w->buf = b;
    *w->cap = cap;
  }
  uint8_t *p = *w->buf + *w->len;
  *w->len += n;
  return p;
}
static inline void w_u8(wbuf_t *w, uint8_t v) { uint8_t *p = w_room(w, 1); if (p) *p = v; }
static inline void w_i16(wbuf_t *w, int16_t v) {
  uint8_t *p = w_room(w, 2);
  if (p) { p[0] = (uint8_t)((uint16_t)v >> 8); p[1] = (uint8_t)v; }
}
static inline void w_i32(wbuf_t *w, int32_t v) { uint8_t *p = w_room(w, 4); if (p) put_i32(p, v); }
static inline void w_i64(wbuf_t *w, int64_t v) {
  uint8_t *p = w_room(w, 8);
  if (p) for (int i = 0; i < 8; i++) p[i] = (uint8_t)((uint64_t)v >> (56 - 8 * i));
}
static inline void w_str(wbuf_t *w, const char *s, int len) {
  w_i16(w, (int16_t)len);
  uint8_t *p = w_room(w, (size_t)len);
  if (p && len) memcpy(p, s, (size_t)len);
}
static inline void w_uvarint(wbuf_t *w, uint64_t v) {
  while (v >= 0x80) { w_u8(w, (uint8_t)(v | 0x80)); v >>= 7; }
  w_u8(w, (uint8_t)v);
}

#endif
