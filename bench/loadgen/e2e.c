/*
 * loadgen e2e: end-to-end latency (produce call -> record consumed) at a fixed rate.
 *
 * One producer sends --rate records/s for warmup + duration seconds; the first 8 bytes of every
 * value carry the monotonic time of its produce() call (the OMB way: the actual send time).
 * One consumer in the same process, assigned every partition from the end (no group), records
 * now - stamp for each record. Samples stamped during the warm-up are dropped. The producer also
 * records produce -> acknowledgement latency. Both lists go to files of uint64 nanoseconds for
 * the runner's HDR histogram. `scheduleLagMaxMs` shows whether the generator kept its schedule.
 */
#include "common.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  uint64_t *v;
  size_t n, cap;
} samples_t;

static void push(samples_t *s, uint64_t x) {
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 1 << 20;
    s->v = realloc(s->v, s->cap * sizeof(uint64_t));
    if (!s->v) die("out of memory for latency samples");
  }
  s->v[s->n++] = x;
}

static uint64_t g_window_start;
static _Atomic int g_stop_consumer;
static _Atomic int64_t g_consumed, g_produced_acked;
static samples_t g_e2e, g_ack;
static int64_t g_failed;

static uint64_t stamp_of(const void *payload, size_t len) {
  uint64_t t = 0;
  if (len >= 8) memcpy(&t, payload, 8);
  return t;
}

static void *run_consumer(void *arg) {
  const options_t *o = arg;
  simple_consumer_t c;
  simple_consumer_start(&c, o, RD_KAFKA_OFFSET_END);
  while (!g_stop_consumer) {
    rd_kafka_message_t *m = rd_kafka_consume_queue(c.q, 100);
    if (!m) continue;
    uint64_t t = now_ns();
    if (m->err) {
      if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) note("consume: %s", rd_kafka_message_errstr(m));
    } else {
      uint64_t s = stamp_of(m->payload, m->len);
      g_consumed++;
      if (s >= g_window_start && t >= s) push(&g_e2e, t - s);
    }
    rd_kafka_message_destroy(m);
  }
  simple_consumer_stop(&c);
  return NULL;
}

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
  (void)rk;
  (void)opaque;
  if (m->err) {
    g_failed++;
    return;
  }
  uint64_t s = stamp_of(m->payload, m->len);
  g_produced_acked++;
  if (s >= g_window_start) push(&g_ack, now_ns() - s);
}

static void sleep_until(uint64_t t) {
  struct timespec ts = {(time_t)(t / 1000000000ull), (long)(t % 1000000000ull)};
  clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

int cmd_e2e(const options_t *o) {
  if (o->rate <= 0) die("e2e needs --rate R (records/s)");
  char *pool = make_payload_pool(o->record_size);
  char *value = malloc((size_t)o->record_size);

  pthread_t consumer;
  pthread_create(&consumer, NULL, run_consumer, (void *)o);

  rd_kafka_conf_t *conf = producer_conf(o);
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  char err[512];
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) die("producer rd_kafka_new: %s", err);
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, o->topic, NULL);
  if (topic_partition_count(rk, o->topic, 30000) < 1) die("topic %s has no partitions with a leader", o->topic);
  /* Let the consumer resolve its end offsets and start fetching before the clock starts. */
  struct timespec settle = {1, 0};
  nanosleep(&settle, NULL);

  uint64_t t0 = now_ns();
  g_window_start = t0 + (uint64_t)(o->warmup_s * 1e9);
  uint64_t t_end = g_window_start + (uint64_t)(o->duration_s * 1e9);
  double interval_ns = 1e9 / o->rate;
  int64_t i = 0, queue_full = 0;
  uint64_t lag_max = 0;
  for (;;) {
    uint64_t now = now_ns();
    if (now >= t_end) break;
    int64_t due = (int64_t)((double)(now - t0) / interval_ns) + 1;
    if (i >= due) { /* ahead of schedule: sleep until the next record is due (at most 1 ms) */
      uint64_t next = t0 + (uint64_t)((double)i * interval_ns);
      if (next > now + 1000000) next = now + 1000000;
      sleep_until(next);
      rd_kafka_poll(rk, 0);
      continue;
    }
    uint64_t lag = now - (t0 + (uint64_t)((double)(i) * interval_ns));
    if (lag > lag_max && now > g_window_start) lag_max = lag;
    for (; i < due; i++) {
      memcpy(value, pool + (size_t)(i % PAYLOAD_POOL) * o->record_size, (size_t)o->record_size);
      uint64_t stamp = now_ns();
      memcpy(value, &stamp, 8);
      while (rd_kafka_produce(rkt, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, value, (size_t)o->record_size, NULL, 0, NULL) == -1) {
        if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL) die("produce: %s", rd_kafka_err2str(rd_kafka_last_error()));
        queue_full++;
        rd_kafka_poll(rk, 1);
      }
    }
    rd_kafka_poll(rk, 0);
  }
  uint64_t t_sent = now_ns();
  rd_kafka_flush(rk, 60000);
  /* Drain: wait until the consumer has seen every acknowledged record (or 10 s). */
  uint64_t drain_deadline = now_ns() + 10000000000ull;
  while (g_consumed < g_produced_acked && now_ns() < drain_deadline) {
    struct timespec ts = {0, 10 * 1000000};
    nanosleep(&ts, NULL);
  }
  g_stop_consumer = 1;
  pthread_join(consumer, NULL);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);

  if (o->latency_out) write_u64_file(o->latency_out, g_e2e.v, g_e2e.n);
  if (o->ack_latency_out) write_u64_file(o->ack_latency_out, g_ack.v, g_ack.n);
  double sent_s = ns_to_s(t_sent - t0);
  printf("{\"targetRate\":%.1f,\"produced\":%lld,\"achievedRate\":%.1f,\"acked\":%lld,\"failed\":%lld,"
         "\"consumed\":%lld,\"e2eSamples\":%zu,\"ackSamples\":%zu,\"queueFull\":%lld,"
         "\"scheduleLagMaxMs\":%.3f,\"sendSeconds\":%.3f}\n",
         o->rate, (long long)i, i / sent_s, (long long)g_produced_acked, (long long)g_failed,
         (long long)g_consumed, g_e2e.n, g_ack.n, (long long)queue_full, lag_max / 1e6, sent_s);
  free(pool);
  free(value);
  return 0;
}
