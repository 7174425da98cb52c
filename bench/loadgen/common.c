/* Options-independent helpers of the load generator (see common.h). */
#include "common.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("loadgen: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(1);
}

void note(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("loadgen: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

/* xorshift64*: a fixed seed so every run and every broker sees the same bytes. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) {
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545f4914f6cdd1dull;
}

char *make_payload_pool(int record_size) {
  static const char *words[] = {"user", "order", "event", "click", "page", "session", "amount",
                                "currency", "EUR", "USD", "status", "ok", "pending", "id",
                                "timestamp", "country", "device", "mobile", "desktop", "price"};
  const int nwords = (int)(sizeof(words) / sizeof(words[0]));
  char *pool = malloc((size_t)record_size * PAYLOAD_POOL);
  if (!pool) die("out of memory for the payload pool");
  for (int r = 0; r < PAYLOAD_POOL; r++) {
    char *p = pool + (size_t)r * record_size;
    int n = 0;
    while (n < record_size) {
      char tmp[64];
      int len = snprintf(tmp, sizeof tmp, "\"%s\":%llu,", words[rnd() % nwords],
                         (unsigned long long)(rnd() % 100000000ull));
      for (int i = 0; i < len && n < record_size; i++) p[n++] = tmp[i];
    }
  }
  return pool;
}

void conf_set(rd_kafka_conf_t *conf, const char *key, const char *value) {
  char err[512];
  if (rd_kafka_conf_set(conf, key, value, err, sizeof err) != RD_KAFKA_CONF_OK)
    die("librdkafka config %s=%s: %s", key, value, err);
}

rd_kafka_conf_t *base_conf(const options_t *o) {
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  conf_set(conf, "bootstrap.servers", o->bootstrap);
  conf_set(conf, "client.id", "tributary-bench");
  conf_set(conf, "log_level", "4");
  /* Only what the broker has: no ApiVersion guessing, one broker on loopback. */
  conf_set(conf, "api.version.request", "true");
  conf_set(conf, "topic.metadata.refresh.interval.ms", "60000");
  return conf;
}

static void apply_extra(rd_kafka_conf_t *conf, const options_t *o) {
  for (int i = 0; i < o->n_extra; i++) {
    char kv[512];
    snprintf(kv, sizeof kv, "%s", o->extra[i]);
    char *eq = strchr(kv, '=');
    if (!eq) die("--set needs key=value, got %s", kv);
    *eq = 0;
    conf_set(conf, kv, eq + 1);
  }
}

/* The OpenMessaging Benchmark's Kafka driver settings: acks, linger.ms=1, batch.size=1 MiB. */
rd_kafka_conf_t *producer_conf(const options_t *o) {
  rd_kafka_conf_t *conf = base_conf(o);
  char buf[64];
  conf_set(conf, "acks", o->acks);
  conf_set(conf, "compression.codec", o->compression);
  snprintf(buf, sizeof buf, "%d", o->linger_ms);
  conf_set(conf, "linger.ms", buf);
  snprintf(buf, sizeof buf, "%d", o->batch_size);
  conf_set(conf, "batch.size", buf);
  conf_set(conf, "batch.num.messages", "100000");
  conf_set(conf, "queue.buffering.max.messages", "100000");
  conf_set(conf, "queue.buffering.max.kbytes", "65536");
  conf_set(conf, "enable.idempotence", "false");
  conf_set(conf, "message.timeout.ms", "120000");
  apply_extra(conf, o);
  return conf;
}

/* OMB's consumer settings: max.partition.fetch.bytes=10 MiB (no group: see simple_consumer_t). */
rd_kafka_conf_t *consumer_conf(const options_t *o) {
  rd_kafka_conf_t *conf = base_conf(o);
  conf_set(conf, "enable.auto.commit", "false");
  conf_set(conf, "max.partition.fetch.bytes", "10485760");
  conf_set(conf, "fetch.wait.max.ms", "500");
  conf_set(conf, "fetch.min.bytes", "1");
  conf_set(conf, "enable.partition.eof", "false");
  apply_extra(conf, o);
  return conf;
}

int topic_partition_count(rd_kafka_t *rk, const char *topic, int timeout_ms) {
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
  uint64_t deadline = now_ns() + (uint64_t)timeout_ms * 1000000ull;
  int n = -1;
  while (now_ns() < deadline) {
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &md, 5000);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR && md->topic_cnt == 1 && md->topics[0].err == 0 &&
        md->topics[0].partition_cnt > 0) {
      int ok = 1;
      for (int i = 0; i < md->topics[0].partition_cnt; i++)
        if (md->topics[0].partitions[i].leader < 0) ok = 0;
      if (ok) n = md->topics[0].partition_cnt;
    }
    if (md) rd_kafka_metadata_destroy(md);
    if (n > 0) break;
    struct timespec ts = {0, 100 * 1000000};
    nanosleep(&ts, NULL);
  }
  rd_kafka_topic_destroy(rkt);
  return n;
}

void simple_consumer_start(simple_consumer_t *c, const options_t *o, int64_t offset) {
  char err[512];
  c->rk = rd_kafka_new(RD_KAFKA_CONSUMER, consumer_conf(o), err, sizeof err);
  if (!c->rk) die("consumer rd_kafka_new: %s", err);
  c->partitions = topic_partition_count(c->rk, o->topic, 30000);
  if (c->partitions < 1) die("topic %s has no partitions with a leader", o->topic);
  c->rkt = rd_kafka_topic_new(c->rk, o->topic, NULL);
  c->q = rd_kafka_queue_new(c->rk);
  for (int p = 0; p < c->partitions; p++)
    if (rd_kafka_consume_start_queue(c->rkt, p, offset, c->q) == -1)
      die("consume_start %s[%d]: %s", o->topic, p, rd_kafka_err2str(rd_kafka_last_error()));
}

void simple_consumer_stop(simple_consumer_t *c) {
  for (int p = 0; p < c->partitions; p++) rd_kafka_consume_stop(c->rkt, p);
  rd_kafka_queue_destroy(c->q);
  rd_kafka_topic_destroy(c->rkt);
  rd_kafka_destroy(c->rk);
}

void write_u64_file(const char *path, const uint64_t *v, size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f) die("cannot write %s", path);
  if (n && fwrite(v, sizeof(uint64_t), n, f) != n) die("short write to %s", path);
  fclose(f);
}
