/*
 * null-sink: the upper bound of what the load generator can push through loopback.
 *
 * A single-threaded epoll TCP server that speaks just enough of the Kafka protocol for
 * librdkafka to produce to it: ApiVersions (v0-v3), Metadata (v0-v8) and Produce (v0-v7). It
 * parses request frames and answers every Produce partition with success and a made-up base
 * offset; record bytes are skipped unread (no CRC, no copy, no storage). Any other API key closes
 * the connection. A topic named "...-pN" has N partitions; any other has --partitions (default 1).
 *
 *   null-sink [--port 0] [--partitions 1]
 *
 * Prints "port N" on stdout once listening; on SIGTERM/SIGINT prints one JSON line of counters.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wire.h"

#define MAX_FRAME (128 * 1024 * 1024)
#define MAX_CONNS 65536

typedef struct {
  int fd;
  uint8_t *in;
  size_t in_len, in_cap;
  uint8_t *out;
  size_t out_len, out_cap, out_off;
} conn_t;

static volatile sig_atomic_t g_stop;
static int g_port, g_default_partitions = 1;
static long long g_requests, g_produce_requests, g_bytes_in, g_batches;
static int64_t g_offsets[4096];
static conn_t *g_conns[MAX_CONNS];

static void on_signal(int s) { (void)s; g_stop = 1; }

static int partitions_of(const char *name, int len) {
  /* "...-pN" */
  for (int i = len - 1; i > 1; i--) {
    if (name[i] < '0' || name[i] > '9') {
      if (name[i] == 'p' && name[i - 1] == '-' && i < len - 1) {
        int n = 0;
        for (int k = i + 1; k < len; k++) n = n * 10 + (name[k] - '0');
        return n > 0 && n <= 100000 ? n : g_default_partitions;
      }
      break;
    }
  }
  return g_default_partitions;
}

/* ---------------- responses ---------------- */

static void api_versions(wbuf_t *w, int version) {
  /* Fetch, ListOffsets and FindCoordinator are advertised but never served: librdkafka derives
   * its protocol features from these ranges (record batches v2 need Produce v3+ and Fetch v4+,
   * LZ4 needs FindCoordinator, ThrottleTime needs Produce v1-2). A real broker lists them. */
  static const int16_t apis[][3] = {{0, 0, 7}, {1, 4, 11}, {2, 1, 5}, {3, 0, 8}, {10, 0, 2}, {18, 0, 3}};
  const int n = 6;
  w_i16(w, 0); /* error code */
  if (version >= 3) {
    w_uvarint(w, n + 1);
    for (int i = 0; i < n; i++) { w_i16(w, apis[i][0]); w_i16(w, apis[i][1]); w_i16(w, apis[i][2]); w_uvarint(w, 0); }
    w_i32(w, 0);      /* throttle */
    w_uvarint(w, 0);  /* tagged fields */
  } else {
    w_i32(w, n);
    for (int i = 0; i < n; i++) { w_i16(w, apis[i][0]); w_i16(w, apis[i][1]); w_i16(w, apis[i][2]); }
    if (version >= 1) w_i32(w, 0);
  }
}

static void metadata(wbuf_t *w, rbuf_t *r, int version) {
  if (version >= 3) w_i32(w, 0); /* throttle */
  w_i32(w, 1);                   /* brokers */
  w_i32(w, 1);
  w_str(w, "127.0.0.1", 9);
  w_i32(w, g_port);
  if (version >= 1) w_i16(w, -1); /* rack */
  if (version >= 2) w_str(w, "null-sink", 9);
  if (version >= 1) w_i32(w, 1);  /* controller */
  int32_t ntopics = r_i32(r);
  if (ntopics < 0) ntopics = 0;   /* all topics: we know none */
  w_i32(w, ntopics);
  for (int t = 0; t < ntopics && !r->err; t++) {
    int len;
    const char *name = r_str(r, &len);
    if (!name) break;
    int parts = partitions_of(name, len);
    w_i16(w, 0);
    w_str(w, name, len);
    if (version >= 1) w_u8(w, 0); /* is_internal */
    w_i32(w, parts);
    for (int p = 0; p < parts; p++) {
      w_i16(w, 0);
      w_i32(w, p);
      w_i32(w, 1); /* leader */
      if (version >= 7) w_i32(w, 0);
      w_i32(w, 1); w_i32(w, 1); /* replicas */
      w_i32(w, 1); w_i32(w, 1); /* isr */
      if (version >= 5) w_i32(w, 0);
    }
    if (version >= 8) w_i32(w, INT32_MIN); /* topic authorized operations */
  }
  if (version >= 8) w_i32(w, INT32_MIN);
}

/* Records in the batches of a records field: the sum of (last offset delta + 1). */
static int64_t records_in(const uint8_t *p, int32_t len) {
  int64_t n = 0;
  int32_t off = 0;
  while (len - off >= 61) {
    int32_t batch_len = be_i32(p + off + 8);
    n += (int64_t)be_i32(p + off + 23) + 1;
    g_batches++;
    if (batch_len < 49) break;
    off += 12 + batch_len;
  }
  return n;
}

/* Returns 0 for acks=0 (no response). */
static int produce(wbuf_t *w, rbuf_t *r, int version) {
  int len;
  if (version >= 3) r_str(r, &len); /* transactional id (nullable) */
  int16_t acks = r_i16(r);
  r_i32(r); /* timeout */
  int32_t ntopics = r_i32(r);
  w_i32(w, ntopics < 0 ? 0 : ntopics);
  for (int t = 0; t < ntopics && !r->err; t++) {
    const char *name = r_str(r, &len);
    w_str(w, name ? name : "", name ? len : 0);
    int32_t nparts = r_i32(r);
    w_i32(w, nparts < 0 ? 0 : nparts);
    for (int p = 0; p < nparts && !r->err; p++) {
      int32_t idx = r_i32(r);
      int32_t rlen = r_i32(r);
      const uint8_t *recs = r_skip(r, rlen < 0 ? 0 : rlen);
      int64_t *next = &g_offsets[(uint32_t)idx % 4096];
      int64_t base = *next;
      if (recs) *next += records_in(recs, rlen);
      w_i32(w, idx);
      w_i16(w, 0);
      w_i64(w, base);
      if (version >= 2) w_i64(w, -1); /* log append time */
      if (version >= 5) w_i64(w, 0);  /* log start offset */
    }
  }
  if (version >= 1) w_i32(w, 0); /* throttle */
  return acks != 0;
}

/* ---------------- connections ---------------- */

static void conn_close(int ep, conn_t *c) {
  epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  g_conns[c->fd] = NULL;
  free(c->in);
  free(c->out);
  free(c);
}

static int flush_out(int ep, conn_t *c) {
  while (c->out_off < c->out_len) {
    ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.fd = c->fd};
      epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
      return 0;
    }
    if (n <= 0) return -1;
    c->out_off += (size_t)n;
  }
  c->out_len = c->out_off = 0;
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = c->fd};
  epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
  return 0;
}

/* Handles one request frame; returns -1 to close the connection. */
static int handle(conn_t *c, const uint8_t *frame, int32_t len) {
  rbuf_t r = {frame, frame + len, 0};
  int16_t api = r_i16(&r), version = r_i16(&r);
  int32_t corr = r_i32(&r);
  int cl;
  r_str(&r, &cl); /* client id */
  int flexible = (api == 18 && version >= 3);
  if (flexible) r_tagged(&r);
  if (r.err) return -1;
  g_requests++;
  wbuf_t w = {&c->out, &c->out_len, &c->out_cap, 0};
  size_t start = c->out_len;
  w_i32(&w, 0); /* size, patched below */
  w_i32(&w, corr);
  int respond = 1;
  if (api == 18) {
    api_versions(&w, version);
  } else if (api == 3 && version <= 8) {
    metadata(&w, &r, version);
  } else if (api == 0 && version <= 7) {
    g_produce_requests++;
    respond = produce(&w, &r, version);
  } else {
    fprintf(stderr, "null-sink: unsupported api %d v%d; closing\n", api, version);
    return -1;
  }
  if (r.err || w.err) return -1;
  if (!respond) {
    c->out_len = start;
    return 0;
  }
  put_i32(c->out + start, (int32_t)(c->out_len - start - 4));
  return 0;
}

static int on_readable(int ep, conn_t *c) {
  for (;;) {
    if (c->in_cap - c->in_len < 65536) {
      size_t cap = c->in_cap * 2;
      uint8_t *n = realloc(c->in, cap);
      if (!n) return -1;
      c->in = n;
      c->in_cap = cap;
    }
    ssize_t n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    if (n <= 0) return -1;
    c->in_len += (size_t)n;
    g_bytes_in += n;
    size_t off = 0;
    while (c->in_len - off >= 4) {
      int32_t len = be_i32(c->in + off);
      if (len < 8 || len > MAX_FRAME) return -1;
      if (c->in_len - off - 4 < (size_t)len) {
        if ((size_t)len + 4 > c->in_cap) { /* make room for the whole frame */
          size_t cap = (size_t)len + 4 + 65536;
          uint8_t *m = realloc(c->in, cap);
          if (!m) return -1;
          c->in = m;
          c->in_cap = cap;
        }
        break;
      }
      if (handle(c, c->in + off + 4, len) < 0) return -1;
      off += 4 + (size_t)len;
    }
    if (off) {
      memmove(c->in, c->in + off, c->in_len - off);
      c->in_len -= off;
    }
    if (c->out_len && flush_out(ep, c) < 0) return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  int port = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--port") == 0) port = atoi(argv[i + 1]);
    else if (strcmp(argv[i], "--partitions") == 0) g_default_partitions = atoi(argv[i + 1]);
    else { fprintf(stderr, "usage: null-sink [--port N] [--partitions N]\n"); return 2; }
  }
  signal(SIGPIPE, SIG_IGN);
  struct sigaction sa = {.sa_handler = on_signal};
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);

  int ls = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 1024)) { perror("null-sink: listen"); return 1; }
  socklen_t al = sizeof a;
  getsockname(ls, (struct sockaddr *)&a, &al);
  g_port = ntohs(a.sin_port);
  fcntl(ls, F_SETFL, O_NONBLOCK);
  int ep = epoll_create1(0);
  struct epoll_event lev = {.events = EPOLLIN, .data.fd = ls};
  epoll_ctl(ep, EPOLL_CTL_ADD, ls, &lev);
  printf("port %d\n", g_port);
  fflush(stdout);

  struct epoll_event evs[64];
  while (!g_stop) {
    int n = epoll_wait(ep, evs, 64, 200);
    for (int i = 0; i < n; i++) {
      int fd = evs[i].data.fd;
      if (fd == ls) {
        int cfd;
        while ((cfd = accept(ls, NULL, NULL)) >= 0) {
          if (cfd >= MAX_CONNS) { close(cfd); continue; }
          fcntl(cfd, F_SETFL, O_NONBLOCK);
          setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          conn_t *c = calloc(1, sizeof *c);
          c->fd = cfd;
          c->in_cap = 4 << 20;
          c->in = malloc(c->in_cap);
          g_conns[cfd] = c;
          struct epoll_event ev = {.events = EPOLLIN, .data.fd = cfd};
          epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &ev);
        }
        continue;
      }
      conn_t *c = g_conns[fd];
      if (!c) continue;
      int bad = 0;
      if (evs[i].events & EPOLLOUT) bad = flush_out(ep, c) < 0;
      if (!bad && (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) bad = on_readable(ep, c) < 0;
      if (bad) conn_close(ep, c);
    }
  }
  printf("{\"requests\":%lld,\"produceRequests\":%lld,\"batches\":%lld,\"bytesIn\":%lld}\n", g_requests,
         g_produce_requests, g_batches, g_bytes_in);
  return 0;
}
