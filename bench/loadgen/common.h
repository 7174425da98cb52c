/*
 * Shared pieces of the load generator: options, clocks, payloads, librdkafka set-up, JSON out.
 *
 * The generator is one binary with sub-commands (see main.c). Every sub-command prints exactly
 * one JSON object on its last stdout line; progress and librdkafka logs go to stderr.
 */
#ifndef LOADGEN_COMMON_H
#define LOADGEN_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <librdkafka/rdkafka.h>

typedef struct {
  const char *bootstrap;      /* host:port */
  const char *topic;
  int partitions;             /* for create; 0 = ask the broker */
  int record_size;            /* bytes of value per record */
  const char *acks;           /* "1", "all", "0" */
  const char *compression;    /* "none", "lz4", ... */
  double duration_s;          /* measured window */
  double warmup_s;            /* discarded before the window */
  double rate;                /* records/s for fixed-rate runs (0 = as fast as possible) */
  int64_t count;              /* records to produce/consume (0 = by duration) */
  int producers;              /* producer instances (threads), each its own connection */
  int linger_ms;
  int batch_size;
  const char *latency_out;    /* file of uint64 ns end-to-end latencies */
  const char *ack_latency_out;/* file of uint64 ns produce-ack latencies */
  int conns;                  /* conns: number of raw connections */
  double idle_s;              /* conns: idle phase length */
  double active_s;            /* conns: active phase length */
  double per_conn_rate;       /* conns: Produce requests/s per connection */
  double timeout_s;           /* consume: give up after this long */
  const char *group;          /* e2e: consume as a member of this group (NULL = no group) */
  const char **extra;         /* --set key=value for librdkafka, NULL-terminated */
  int n_extra;
} options_t;

static inline uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline double ns_to_s(uint64_t ns) { return (double)ns / 1e9; }

void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Record values: POOL_SIZE distinct values of record_size bytes each, text-like (words from a
 * small vocabulary with random numbers) so that lz4 has something to do, as real JSON events do. */
#define PAYLOAD_POOL 1024
char *make_payload_pool(int record_size);

/* librdkafka configuration common to every client of the bench, then the --set extras. */
rd_kafka_conf_t *base_conf(const options_t *o);
void conf_set(rd_kafka_conf_t *conf, const char *key, const char *value);
rd_kafka_conf_t *producer_conf(const options_t *o);
rd_kafka_conf_t *consumer_conf(const options_t *o);

/* A consumer without a group: every partition of the topic is started on one queue with
 * the legacy (simple) consumer API, from `offset` (RD_KAFKA_OFFSET_BEGINNING or _END). */
typedef struct {
  rd_kafka_t *rk;
  rd_kafka_topic_t *rkt;
  rd_kafka_queue_t *q;
  int partitions;
} simple_consumer_t;
void simple_consumer_start(simple_consumer_t *c, const options_t *o, int64_t offset);
void simple_consumer_stop(simple_consumer_t *c);

/* Number of partitions of a topic as the broker reports it (waits up to timeout_ms). */
int topic_partition_count(rd_kafka_t *rk, const char *topic, int timeout_ms);

/* Writes `n` uint64 values to `path` (raw little-endian). */
void write_u64_file(const char *path, const uint64_t *v, size_t n);

/* Sub-commands. */
int cmd_create(const options_t *o);
int cmd_produce(const options_t *o);
int cmd_e2e(const options_t *o);
int cmd_consume(const options_t *o);
int cmd_conns(const options_t *o);

#endif
