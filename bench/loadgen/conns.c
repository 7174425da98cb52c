/*
 * loadgen conns: many connections, idle then active, on raw sockets.
 *
 * librdkafka would need one client (and several threads) per connection, so this speaks the
 * wire protocol itself, just enough: each of --conns connections sends ApiVersions v0 and waits
 * for the answer; then every partition (connection i → partition i) gets one record, retried
 * until accepted; then the connections stay idle for --idle seconds; then, for --active seconds, connection i
 * sends one Produce v3 request (acks=1, one batch of one record) to partition i % partitions
 * every 1/--per-conn-rate seconds, with at most one request in flight (a due request whose
 * predecessor is unanswered is counted as skipped). Phase changes are printed to stdout as
 * "#phase NAME" lines so the runner can attribute its /proc samples; the JSON comes last.
 */
#include "common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* ---- CRC-32C (Castagnoli), as record batches v2 use (KIP-98) ---- */
static uint32_t crc_table[256];
static void crc32c_init(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    crc_table[i] = c;
  }
}
static uint32_t crc32c(const uint8_t *p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  while (n--) c = crc_table[(c ^ *p++) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

/* ---- big-endian writers and zigzag varints ---- */
static uint8_t *be16(uint8_t *p, int v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; return p + 2; }
static uint8_t *be32(uint8_t *p, int64_t v) { for (int i = 3; i >= 0; i--) *p++ = (uint8_t)(v >> (8 * i)); return p; }
static uint8_t *be64(uint8_t *p, int64_t v) { for (int i = 7; i >= 0; i--) *p++ = (uint8_t)((uint64_t)v >> (8 * i)); return p; }
static uint8_t *varint(uint8_t *p, int64_t v) {
  uint64_t z = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
  while (z >= 0x80) { *p++ = (uint8_t)(z | 0x80); z >>= 7; }
  *p++ = (uint8_t)z;
  return p;
}
static uint8_t *kstring(uint8_t *p, const char *s) {
  size_t n = strlen(s);
  p = be16(p, (int)n);
  memcpy(p, s, n);
  return p + n;
}
static int32_t rd32(const uint8_t *p) { return (int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]); }
static int16_t rd16(const uint8_t *p) { return (int16_t)(p[0] << 8 | p[1]); }

/* One record batch v2 holding one record (no key) with `value`. Returns its size. */
static size_t build_batch(uint8_t *out, const char *value, int len, int64_t ts_ms) {
  uint8_t rec[32], *r = rec;
  uint8_t body[32], *b = body; /* record fields before the value */
  *b++ = 0;                    /* attributes */
  b = varint(b, 0);            /* timestamp delta */
  b = varint(b, 0);            /* offset delta */
  b = varint(b, -1);           /* key: null */
  b = varint(b, len);          /* value length */
  size_t rec_len = (size_t)(b - body) + (size_t)len + 1; /* + headers count */
  r = varint(r, (int64_t)rec_len);
  uint8_t *p = out;
  p = be64(p, 0);    /* base offset */
  p = be32(p, 0);    /* batch length, set below */
  p = be32(p, -1);   /* partition leader epoch */
  *p++ = 2;          /* magic */
  p = be32(p, 0);    /* crc, set below */
  p = be16(p, 0);    /* attributes: no compression, CreateTime */
  p = be32(p, 0);    /* last offset delta */
  p = be64(p, ts_ms);
  p = be64(p, ts_ms);
  p = be64(p, -1);   /* producer id */
  p = be16(p, -1);   /* producer epoch */
  p = be32(p, -1);   /* base sequence */
  p = be32(p, 1);    /* record count */
  memcpy(p, rec, (size_t)(r - rec)); p += r - rec;
  memcpy(p, body, (size_t)(b - body)); p += b - body;
  memcpy(p, value, (size_t)len); p += len;
  p = varint(p, 0);  /* headers */
  size_t total = (size_t)(p - out);
  be32(out + 8, (int64_t)(total - 12));
  be32(out + 17, crc32c(out + 21, total - 21));
  return total;
}

static size_t build_produce(uint8_t *out, int32_t corr, const char *topic, int32_t partition,
                            const char *value, int len) {
  struct timeval tv;
  gettimeofday(&tv, NULL);
  int64_t ts = (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
  uint8_t *p = out + 4;
  p = be16(p, 0); p = be16(p, 3); p = be32(p, corr); p = kstring(p, "bench-conns");
  p = be16(p, -1);       /* transactional id: null */
  p = be16(p, 1);        /* acks */
  p = be32(p, 30000);    /* timeout ms */
  p = be32(p, 1); p = kstring(p, topic);
  p = be32(p, 1); p = be32(p, partition);
  size_t blen = build_batch(p + 4, value, len, ts);
  p = be32(p, (int64_t)blen) + blen;
  size_t total = (size_t)(p - out);
  be32(out, (int64_t)(total - 4));
  return total;
}

typedef struct {
  int fd;
  uint8_t *rbuf;
  size_t rlen, rcap;
  int inflight;
  int closed;
  int last_error; /* error code of the latest Produce answer */
  uint64_t next_due;
} conn_t;

static int connect_to(const char *bootstrap) {
  char host[256];
  snprintf(host, sizeof host, "%s", bootstrap);
  char *colon = strrchr(host, ':');
  if (!colon) die("bootstrap must be host:port");
  *colon = 0;
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(colon + 1))};
  if (inet_pton(AF_INET, host, &a.sin_addr) != 1) die("bootstrap host must be an IPv4 address: %s", host);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) die("socket: %s", strerror(errno));
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) die("connect %s: %s", bootstrap, strerror(errno));
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

static void send_all(int fd, const uint8_t *p, size_t n) {
  while (n) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
      struct pollfd pf = {fd, POLLOUT, 0};
      poll(&pf, 1, 1000);
      continue;
    }
    if (w <= 0) die("send: %s", strerror(errno));
    p += w;
    n -= (size_t)w;
  }
}

/* Reads one whole response frame (blocking); returns its body length in buf. */
static size_t read_frame_blocking(int fd, uint8_t *buf, size_t cap) {
  size_t got = 0, want = 4;
  while (got < want) {
    ssize_t r = recv(fd, buf + got, want - got, 0);
    if (r <= 0) die("connection closed during the handshake");
    got += (size_t)r;
    if (got == 4 && want == 4) {
      want = 4 + (size_t)rd32(buf);
      if (want > cap) die("handshake answer of %zu bytes is too large", want);
    }
  }
  return want - 4;
}

typedef struct {
  int64_t responses, errors, sent, skipped, closed;
  int first_error_code;
} counts_t;

/* Consumes complete Produce v3 responses in c->rbuf. */
static void parse_responses(conn_t *c, counts_t *k) {
  size_t off = 0;
  while (c->rlen - off >= 4) {
    size_t len = (size_t)rd32(c->rbuf + off);
    if (c->rlen - off - 4 < len) break;
    const uint8_t *b = c->rbuf + off + 4; /* corr(4) n(4) name(2+len) parts(4) index(4) error(2) */
    k->responses++;
    c->inflight = 0;
    if (len >= 10) {
      size_t name_len = (size_t)rd16(b + 8);
      int16_t code = len >= 10 + name_len + 10 ? rd16(b + 10 + name_len + 8) : 0;
      c->last_error = code;
      if (code != 0) {
        k->errors++;
        if (!k->first_error_code) k->first_error_code = code;
      }
    }
    off += 4 + len;
  }
  memmove(c->rbuf, c->rbuf + off, c->rlen - off);
  c->rlen -= off;
}

static void pump(int ep, conn_t *cs, int timeout_ms, counts_t *k) {
  struct epoll_event evs[256];
  int n = epoll_wait(ep, evs, 256, timeout_ms);
  for (int i = 0; i < n; i++) {
    conn_t *c = &cs[evs[i].data.u32];
    if (c->closed) continue;
    for (;;) {
      if (c->rcap - c->rlen < 65536) {
        c->rcap = c->rcap * 2 + 65536;
        c->rbuf = realloc(c->rbuf, c->rcap);
      }
      ssize_t r = recv(c->fd, c->rbuf + c->rlen, c->rcap - c->rlen, 0);
      if (r > 0) { c->rlen += (size_t)r; continue; }
      if (r < 0 && (errno == EAGAIN || errno == EINTR)) break;
      c->closed = 1;
      k->closed++;
      epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
      close(c->fd);
      break;
    }
    if (!c->closed) parse_responses(c, k);
  }
}

int cmd_conns(const options_t *o) {
  crc32c_init();
  struct rlimit rl;
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
  if ((rlim_t)o->conns + 64 > rl.rlim_cur) die("--conns %d exceeds the open-file limit %llu", o->conns, (unsigned long long)rl.rlim_cur);
  int parts = o->partitions;
  if (parts < 1) die("conns needs --partitions N (the topic's partition count)");
  char *pool = make_payload_pool(o->record_size);
  uint8_t *req = malloc((size_t)o->record_size + 512);
  conn_t *cs = calloc((size_t)o->conns, sizeof *cs);
  int ep = epoll_create1(0);
  counts_t k = {0};

  uint64_t t0 = now_ns();
  uint8_t hs[65536];
  for (int i = 0; i < o->conns; i++) {
    int fd = connect_to(o->bootstrap);
    uint8_t *p = hs + 4;
    p = be16(p, 18); p = be16(p, 0); p = be32(p, i); p = kstring(p, "bench-conns");
    be32(hs, (int64_t)(p - hs - 4));
    send_all(fd, hs, (size_t)(p - hs));
    read_frame_blocking(fd, hs, sizeof hs);
    if (rd32(hs + 4) != i || rd16(hs + 8) != 0) die("ApiVersions on connection %d failed", i);
    cs[i].fd = fd;
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) die("fcntl: %s", strerror(errno));
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  }
  double connect_s = ns_to_s(now_ns() - t0);

  /* Prime: one record to every partition, retried until each is accepted, so that the idle phase
   * measures a broker whose partitions all have a log and a leader (a just-created partition may
   * answer NOT_LEADER_OR_FOLLOWER until the broker has applied the new metadata). */
  printf("#phase prime\n");
  fflush(stdout);
  uint64_t tp = now_ns();
  counts_t pk = {0};
  int32_t corr = 1000000;
  int64_t prime_retries = 0;
  int remaining = o->conns < parts ? o->conns : parts;
  char *primed = calloc((size_t)o->conns, 1);
  for (int i = 0; i < o->conns; i++) cs[i].next_due = tp;
  while (remaining > 0) {
    uint64_t now = now_ns();
    if (now > tp + 120000000000ull) die("%d partitions still refused a record after 120 s", remaining);
    for (int i = 0; i < o->conns && i < parts; i++) {
      conn_t *c = &cs[i];
      if (primed[i] || c->inflight || c->closed || now < c->next_due) continue;
      if (c->next_due != tp || c->last_error) prime_retries++;
      size_t n = build_produce(req, corr++, o->topic, i, pool + (size_t)(i % PAYLOAD_POOL) * o->record_size, o->record_size);
      send_all(c->fd, req, n);
      c->inflight = 1;
      c->last_error = -1;
      c->next_due = now + 50000000ull;
    }
    pump(ep, cs, 5, &pk);
    for (int i = 0; i < o->conns && i < parts; i++)
      if (!primed[i] && !cs[i].inflight && cs[i].last_error == 0) { primed[i] = 1; remaining--; }
  }
  double prime_s = ns_to_s(now_ns() - tp);
  free(primed);

  printf("#phase idle\n");
  fflush(stdout);
  uint64_t idle_end = now_ns() + (uint64_t)(o->idle_s * 1e9);
  while (now_ns() < idle_end) pump(ep, cs, 100, &k);
  int64_t closed_idle = k.closed;

  printf("#phase active\n");
  fflush(stdout);
  uint64_t ta = now_ns();
  uint64_t period = (uint64_t)(1e9 / o->per_conn_rate);
  for (int i = 0; i < o->conns; i++) cs[i].next_due = ta + period * (uint64_t)i / (uint64_t)o->conns;
  uint64_t active_end = ta + (uint64_t)(o->active_s * 1e9);
  while (now_ns() < active_end) {
    uint64_t now = now_ns();
    for (int i = 0; i < o->conns; i++) {
      conn_t *c = &cs[i];
      if (c->closed || now < c->next_due) continue;
      c->next_due += period;
      if (c->inflight) { k.skipped++; continue; }
      const char *value = pool + (size_t)(i % PAYLOAD_POOL) * o->record_size;
      size_t n = build_produce(req, corr++, o->topic, i % parts, value, o->record_size);
      send_all(c->fd, req, n);
      c->inflight = 1;
      k.sent++;
    }
    pump(ep, cs, 1, &k);
  }
  uint64_t drain = now_ns() + 2000000000ull;
  while (now_ns() < drain) {
    int pending = 0;
    for (int i = 0; i < o->conns; i++) pending += cs[i].inflight && !cs[i].closed;
    if (!pending) break;
    pump(ep, cs, 10, &k);
  }
  double active_s = ns_to_s(now_ns() - ta);
  printf("#phase done\n");
  for (int i = 0; i < o->conns; i++) if (!cs[i].closed) close(cs[i].fd);
  printf("{\"conns\":%d,\"connectSeconds\":%.3f,\"primeSeconds\":%.3f,\"primeRetries\":%lld,\"closedWhileIdle\":%lld,\"closed\":%lld,\"sent\":%lld,"
         "\"responses\":%lld,\"errors\":%lld,\"firstErrorCode\":%d,\"skipped\":%lld,\"activeSeconds\":%.3f,\"requestsPerSec\":%.1f}\n",
         o->conns, connect_s, prime_s, (long long)prime_retries, (long long)closed_idle, (long long)k.closed, (long long)k.sent,
         (long long)k.responses, (long long)k.errors, k.first_error_code, (long long)k.skipped, active_s, k.responses / active_s);
  return 0;
}
