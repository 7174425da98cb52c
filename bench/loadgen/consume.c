/*
 * loadgen consume: consumer catch-up throughput. One consumer (no group) is assigned every
 * partition of the topic from the beginning and reads until it has --count records; the figure
 * is the records and value bytes over the time from the start of consumption to the last record.
 */
#include "common.h"

#include <stdlib.h>

int cmd_consume(const options_t *o) {
  if (o->count <= 0) die("consume needs --count N");
  uint64_t t0 = now_ns();
  simple_consumer_t c;
  simple_consumer_start(&c, o, RD_KAFKA_OFFSET_BEGINNING);

  int64_t records = 0, bytes = 0, errors = 0;
  uint64_t t_first = 0, t_last = t0;
  uint64_t deadline = t0 + (uint64_t)(o->timeout_s * 1e9);
  while (records < o->count && now_ns() < deadline) {
    rd_kafka_message_t *m = rd_kafka_consume_queue(c.q, 100);
    if (!m) continue;
    if (m->err) {
      if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        errors++;
        if (errors <= 5) note("consume: %s", rd_kafka_message_errstr(m));
      }
    } else {
      t_last = now_ns();
      if (!t_first) t_first = t_last;
      records++;
      bytes += (int64_t)m->len;
    }
    rd_kafka_message_destroy(m);
  }
  double s = ns_to_s(t_last - t0);
  simple_consumer_stop(&c);
  printf("{\"records\":%lld,\"bytes\":%lld,\"wanted\":%lld,\"errors\":%lld,\"seconds\":%.4f,"
         "\"firstRecordSeconds\":%.4f,\"recordsPerSec\":%.1f,\"bytesPerSec\":%.1f,\"complete\":%s}\n",
         (long long)records, (long long)bytes, (long long)o->count, (long long)errors, s,
         t_first ? ns_to_s(t_first - t0) : -1.0, s > 0 ? records / s : 0, s > 0 ? bytes / s : 0,
         records >= o->count ? "true" : "false");
  return records >= o->count ? 0 : 1;
}
