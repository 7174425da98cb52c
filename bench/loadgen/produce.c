/*
 * loadgen produce: producer throughput.
 *
 * By duration (default): each producer thread produces as fast as librdkafka accepts for
 * warmup + duration seconds; the figure is the records acknowledged during the window
 * [warmup, warmup + duration) divided by its length, i.e. the steady acknowledged rate.
 * By count (--count N): produces N records in total, flushes, and reports N over the time from
 * the first produce call to the last acknowledgement (used to load data for catch-up/start-up).
 *
 * Records have no key, so librdkafka's sticky partitioner spreads batches over partitions, as the
 * Java producer does for OMB's default NO_KEY distributor. Values come from a fixed pool and are
 * not copied (RD_KAFKA_MSG_F_COPY off): the generator spends its time on batching and I/O.
 */
#include "common.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const options_t *o;
  const char *pool;
  int64_t quota;               /* count mode: records for this thread */
  uint64_t win_start, win_end; /* monotonic ns */
  uint64_t t_first, t_last_ack;
  int64_t produced;
  _Atomic int64_t acked, acked_bytes, win_acked, win_bytes, failed;
  _Atomic int first_error;
} producer_t;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
  (void)rk;
  producer_t *p = opaque;
  if (m->err) {
    p->failed++;
    int zero = 0;
    atomic_compare_exchange_strong(&p->first_error, &zero, (int)m->err);
    return;
  }
  uint64_t t = now_ns();
  p->acked++;
  p->acked_bytes += (int64_t)m->len;
  p->t_last_ack = t;
  if (t >= p->win_start && t < p->win_end) {
    p->win_acked++;
    p->win_bytes += (int64_t)m->len;
  }
}

static void *run_producer(void *arg) {
  producer_t *p = arg;
  const options_t *o = p->o;
  rd_kafka_conf_t *conf = producer_conf(o);
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_conf_set_opaque(conf, p);
  char err[512];
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) die("rd_kafka_new: %s", err);
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, o->topic, NULL);
  if (topic_partition_count(rk, o->topic, 30000) < 1) die("topic %s has no partitions with a leader", o->topic);

  uint64_t end = p->win_end;
  p->t_first = now_ns();
  int64_t i = 0;
  for (;;) {
    if (p->quota > 0) {
      if (i >= p->quota) break;
    } else if ((i & 255) == 0 && now_ns() >= end) {
      break;
    }
    char *value = (char *)p->pool + (size_t)(i % PAYLOAD_POOL) * o->record_size;
    if (rd_kafka_produce(rkt, RD_KAFKA_PARTITION_UA, 0, value, (size_t)o->record_size, NULL, 0, NULL) == -1) {
      rd_kafka_resp_err_t e = rd_kafka_last_error();
      if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) die("produce: %s", rd_kafka_err2str(e));
      rd_kafka_poll(rk, 1);
      continue;
    }
    i++;
    if ((i & 1023) == 0) rd_kafka_poll(rk, 0);
  }
  p->produced = i;
  rd_kafka_flush(rk, 120000);
  if (rd_kafka_outq_len(rk) > 0) note("%d messages still unacknowledged after 120 s", rd_kafka_outq_len(rk));
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  return NULL;
}

int cmd_produce(const options_t *o) {
  char *pool = make_payload_pool(o->record_size);
  int n = o->producers;
  producer_t *ps = calloc((size_t)n, sizeof *ps);
  pthread_t *th = calloc((size_t)n, sizeof *th);
  uint64_t t0 = now_ns();
  uint64_t win_start = t0 + (uint64_t)(o->warmup_s * 1e9);
  uint64_t win_end = win_start + (uint64_t)(o->duration_s * 1e9);
  if (o->count > 0) { /* count mode: the whole run is the window */
    win_start = 0;
    win_end = UINT64_MAX;
  }
  for (int k = 0; k < n; k++) {
    ps[k].o = o;
    ps[k].pool = pool;
    ps[k].quota = o->count > 0 ? o->count / n + (k < o->count % n ? 1 : 0) : 0;
    ps[k].win_start = win_start;
    ps[k].win_end = win_end;
    pthread_create(&th[k], NULL, run_producer, &ps[k]);
  }
  int64_t produced = 0, acked = 0, acked_bytes = 0, win_acked = 0, win_bytes = 0, failed = 0;
  int first_error = 0;
  uint64_t t_first = UINT64_MAX, t_last = 0;
  for (int k = 0; k < n; k++) {
    pthread_join(th[k], NULL);
    produced += ps[k].produced;
    acked += ps[k].acked;
    acked_bytes += ps[k].acked_bytes;
    win_acked += ps[k].win_acked;
    win_bytes += ps[k].win_bytes;
    failed += ps[k].failed;
    if (!first_error) first_error = ps[k].first_error;
    if (ps[k].t_first < t_first) t_first = ps[k].t_first;
    if (ps[k].t_last_ack > t_last) t_last = ps[k].t_last_ack;
  }
  double window_s = o->count > 0 ? ns_to_s(t_last > t_first ? t_last - t_first : 1) : o->duration_s;
  printf("{\"mode\":\"%s\",\"producers\":%d,\"produced\":%lld,\"acked\":%lld,\"ackedBytes\":%lld,"
         "\"failed\":%lld,\"firstError\":\"%s\",\"windowSeconds\":%.4f,\"windowRecords\":%lld,"
         "\"windowBytes\":%lld,\"recordsPerSec\":%.1f,\"bytesPerSec\":%.1f,\"elapsedSeconds\":%.3f}\n",
         o->count > 0 ? "count" : "duration", n, (long long)produced, (long long)acked,
         (long long)acked_bytes, (long long)failed, first_error ? rd_kafka_err2name(first_error) : "",
         window_s, (long long)win_acked, (long long)win_bytes, win_acked / window_s, win_bytes / window_s,
         ns_to_s(now_ns() - t0));
  free(pool);
  return failed > 0 && acked == 0 ? 1 : 0;
}
