/*
 * loadgen e2e: end-to-end latency (produce call -> record consumed) at a fixed rate.
 *
 * One producer sends --rate records/s for warmup + duration seconds; the first 8 bytes of every
 * value carry the monotonic time of its produce() call (the OMB way: the actual send time).
 * One consumer in the same process records now - stamp for each record. Without --group it is
 * assigned every partition from the end (no group). With --group it consumes the way the OMB
 * Kafka driver's consumer does: it subscribes as a member of that group (from the earliest offset
 * of the fresh topic) and, after every poll batch (up to 500 records, the Java client's
 * max.poll.records), commits the batch's offsets asynchronously; the producer starts once the
 * group has assigned the partitions. At the end it commits synchronously and reads the committed
 * offsets back, which must equal its positions.
 * Samples stamped during the warm-up are dropped. The producer also
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

static void on_record(rd_kafka_message_t *m) {
  uint64_t t = now_ns();
  if (m->err) {
    if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) note("consume: %s", rd_kafka_message_errstr(m));
    return;
  }
  uint64_t s = stamp_of(m->payload, m->len);
  g_consumed++;
  if (s >= g_window_start && t >= s) push(&g_e2e, t - s);
}

/* The group consumer's record of the group protocol, for the result line. */
static uint64_t g_subscribed_at, g_assigned_at;
static _Atomic int g_assigned_partitions;
static int64_t g_assignments, g_commits, g_commits_ok, g_commits_failed, g_commits_empty;
static char g_commit_error[256];
static int64_t g_position_sum = -1, g_committed_sum = -1;

static void on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t *parts, void *opaque) {
  (void)opaque;
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    g_assignments++;
    rd_kafka_assign(rk, parts);
    if (!g_assigned_at) g_assigned_at = now_ns();
    g_assigned_partitions = parts->cnt;
  } else {
    rd_kafka_assign(rk, NULL);
    g_assigned_partitions = 0;
  }
}

static void on_commit(rd_kafka_t *rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t *offsets, void *opaque) {
  (void)rk;
  (void)opaque;
  if (err == RD_KAFKA_RESP_ERR__NO_OFFSET) { /* nothing new since the last commit */
    g_commits_empty++;
    return;
  }
  int failed = err != 0;
  for (int i = 0; offsets && i < offsets->cnt && !failed; i++)
    if (offsets->elems[i].err) {
      err = offsets->elems[i].err;
      failed = 1;
    }
  if (!failed) {
    g_commits_ok++;
    return;
  }
  if (!g_commits_failed) snprintf(g_commit_error, sizeof g_commit_error, "%s", rd_kafka_err2str(err));
  g_commits_failed++;
}

static int64_t offset_sum(const rd_kafka_topic_partition_list_t *l) {
  int64_t sum = 0;
  for (int i = 0; i < l->cnt; i++) {
    if (l->elems[i].err || l->elems[i].offset < 0) return -1;
    sum += l->elems[i].offset;
  }
  return sum;
}

/* After a last synchronous commit, reads the group's committed offsets back from the broker. */
static void check_committed(rd_kafka_t *rk) {
  rd_kafka_resp_err_t err = rd_kafka_commit(rk, NULL, 0);
  if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET) note("final commit: %s", rd_kafka_err2str(err));
  rd_kafka_topic_partition_list_t *positions = NULL;
  if (rd_kafka_assignment(rk, &positions) || !positions) return;
  rd_kafka_topic_partition_list_t *committed = rd_kafka_topic_partition_list_copy(positions);
  if (!rd_kafka_position(rk, positions)) g_position_sum = offset_sum(positions);
  if (!rd_kafka_committed(rk, committed, 10000)) g_committed_sum = offset_sum(committed);
  rd_kafka_topic_partition_list_destroy(positions);
  rd_kafka_topic_partition_list_destroy(committed);
}

static void *run_group_consumer(void *arg) {
  const options_t *o = arg;
  rd_kafka_conf_t *conf = consumer_conf(o);
  conf_set(conf, "group.id", o->group);
  conf_set(conf, "auto.offset.reset", "earliest");
  rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
  rd_kafka_conf_set_offset_commit_cb(conf, on_commit);
  char err[512];
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (!rk) die("group consumer rd_kafka_new: %s", err);
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t *topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, o->topic, RD_KAFKA_PARTITION_UA);
  g_subscribed_at = now_ns();
  rd_kafka_resp_err_t e = rd_kafka_subscribe(rk, topics);
  if (e) die("subscribe %s: %s", o->topic, rd_kafka_err2str(e));
  rd_kafka_topic_partition_list_destroy(topics);
  while (!g_stop_consumer) {
    /* One "poll" of the Java client: what is there, up to max.poll.records, then commitAsync. */
    int n = 0;
    for (rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100); m; m = n < 500 ? rd_kafka_consumer_poll(rk, 0) : NULL) {
      on_record(m);
      rd_kafka_message_destroy(m);
      n++;
    }
    if (n > 0) {
      g_commits++;
      rd_kafka_commit(rk, NULL, 1);
    }
  }
  check_committed(rk);
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return NULL;
}

static void *run_consumer(void *arg) {
  const options_t *o = arg;
  simple_consumer_t c;
  simple_consumer_start(&c, o, RD_KAFKA_OFFSET_END);
  while (!g_stop_consumer) {
    rd_kafka_message_t *m = rd_kafka_consume_queue(c.q, 100);
    if (!m) continue;
    on_record(m);
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
  pthread_create(&consumer, NULL, o->group ? run_group_consumer : run_consumer, (void *)o);

  rd_kafka_conf_t *conf = producer_conf(o);
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  char err[512];
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) die("producer rd_kafka_new: %s", err);
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, o->topic, NULL);
  int partitions = topic_partition_count(rk, o->topic, 30000);
  if (partitions < 1) die("topic %s has no partitions with a leader", o->topic);
  if (o->group) { /* produce once the group has handed every partition to the consumer */
    uint64_t deadline = now_ns() + 60000000000ull;
    while (g_assigned_partitions < partitions) {
      if (now_ns() > deadline) die("group %s assigned %d of %d partitions in 60 s", o->group, (int)g_assigned_partitions, partitions);
      struct timespec ts = {0, 1000000};
      nanosleep(&ts, NULL);
    }
  }
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
         "\"scheduleLagMaxMs\":%.3f,\"sendSeconds\":%.3f",
         o->rate, (long long)i, i / sent_s, (long long)g_produced_acked, (long long)g_failed,
         (long long)g_consumed, g_e2e.n, g_ack.n, (long long)queue_full, lag_max / 1e6, sent_s);
  if (o->group)
    printf(",\"group\":{\"joinMs\":%.1f,\"assignments\":%lld,\"commits\":%lld,\"commitsOk\":%lld,"
           "\"commitsEmpty\":%lld,\"commitsFailed\":%lld,\"firstCommitError\":\"%s\","
           "\"positionSum\":%lld,\"committedSum\":%lld}",
           (g_assigned_at - g_subscribed_at) / 1e6, (long long)g_assignments, (long long)g_commits,
           (long long)g_commits_ok, (long long)g_commits_empty, (long long)g_commits_failed, g_commit_error,
           (long long)g_position_sum, (long long)g_committed_sum);
  printf("}\n");
  free(pool);
  free(value);
  return 0;
}
