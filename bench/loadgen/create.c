/* loadgen create: CreateTopics (replication factor 1) through librdkafka's Admin API, then waits
 * until Metadata shows every partition with a leader. An existing topic is an error, so a
 * benchmark never silently reuses old data. */
#include "common.h"

#include <string.h>

int cmd_create(const options_t *o) {
  if (o->partitions < 1) die("create needs --partitions N");
  uint64_t t0 = now_ns();
  rd_kafka_conf_t *conf = base_conf(o);
  char err[512];
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) die("rd_kafka_new: %s", err);

  rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(o->topic, o->partitions, 1, err, sizeof err);
  if (!nt) die("NewTopic: %s", err);
  rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
  rd_kafka_AdminOptions_t *ao = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_operation_timeout(ao, 60000, err, sizeof err);
  rd_kafka_AdminOptions_set_request_timeout(ao, 90000, err, sizeof err);
  rd_kafka_CreateTopics(rk, &nt, 1, ao, q);

  rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 120000);
  if (!ev) die("CreateTopics: no answer in 120 s");
  if (rd_kafka_event_error(ev)) die("CreateTopics: %s", rd_kafka_event_error_string(ev));
  const rd_kafka_CreateTopics_result_t *res = rd_kafka_event_CreateTopics_result(ev);
  size_t n;
  const rd_kafka_topic_result_t **tr = rd_kafka_CreateTopics_result_topics(res, &n);
  for (size_t i = 0; i < n; i++) {
    rd_kafka_resp_err_t e = rd_kafka_topic_result_error(tr[i]);
    if (e) die("CreateTopics %s: %s (%s)", rd_kafka_topic_result_name(tr[i]), rd_kafka_err2name(e),
               rd_kafka_topic_result_error_string(tr[i]) ? rd_kafka_topic_result_error_string(tr[i]) : "");
  }
  rd_kafka_event_destroy(ev);
  uint64_t t_created = now_ns();

  int parts = topic_partition_count(rk, o->topic, 120000);
  if (parts != o->partitions) die("topic %s: metadata shows %d partitions with leaders, wanted %d", o->topic, parts, o->partitions);
  uint64_t t_ready = now_ns();

  rd_kafka_AdminOptions_destroy(ao);
  rd_kafka_NewTopic_destroy(nt);
  rd_kafka_queue_destroy(q);
  rd_kafka_destroy(rk);
  printf("{\"topic\":\"%s\",\"partitions\":%d,\"createSeconds\":%.4f,\"readySeconds\":%.4f}\n", o->topic,
         parts, ns_to_s(t_created - t0), ns_to_s(t_ready - t0));
  return 0;
}
