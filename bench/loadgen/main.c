/*
 * loadgen: the macro benchmark's load generator, a small C program on librdkafka.
 *
 *   loadgen create  --bootstrap H:P --topic T --partitions N
 *   loadgen produce --bootstrap H:P --topic T [--acks 1|all] [--compression none|lz4]
 *                   [--record-size 1024] [--warmup 2] [--duration 10] [--producers 1]
 *                   [--rate R] [--count N]
 *   loadgen e2e     --bootstrap H:P --topic T --rate R [--warmup 2] [--duration 20]
 *                   [--latency-out FILE] [--ack-latency-out FILE] [--group ID]
 *   loadgen consume --bootstrap H:P --topic T --count N [--timeout 300]
 *   loadgen conns   --bootstrap H:P --topic T --conns 1000 [--idle 10] [--active 15]
 *                   [--per-conn-rate 10]
 *
 * Every command prints one JSON object on its last stdout line. --set key=value (repeatable)
 * passes any other librdkafka setting to the clients it creates.
 */
#include "common.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char *const USAGE =
    "usage: loadgen create|produce|e2e|consume|conns --bootstrap H:P --topic T [options]\n";

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs(USAGE, stderr);
    return 2;
  }
  const char *cmd = argv[1];
  options_t o = {
      .bootstrap = "127.0.0.1:9092",
      .topic = "bench",
      .partitions = 0,
      .record_size = 1024,
      .acks = "all",
      .compression = "none",
      .duration_s = 10,
      .warmup_s = 2,
      .rate = 0,
      .count = 0,
      .producers = 1,
      .linger_ms = 1,
      .batch_size = 1048576,
      .conns = 1000,
      .idle_s = 10,
      .active_s = 15,
      .per_conn_rate = 10,
      .timeout_s = 300,
  };
  o.extra = calloc((size_t)argc, sizeof(char *));
  static const struct option longopts[] = {
      {"bootstrap", required_argument, 0, 'b'},   {"topic", required_argument, 0, 't'},
      {"partitions", required_argument, 0, 'p'},  {"record-size", required_argument, 0, 's'},
      {"acks", required_argument, 0, 'a'},        {"compression", required_argument, 0, 'z'},
      {"duration", required_argument, 0, 'd'},    {"warmup", required_argument, 0, 'w'},
      {"rate", required_argument, 0, 'r'},        {"count", required_argument, 0, 'n'},
      {"producers", required_argument, 0, 'P'},   {"linger-ms", required_argument, 0, 'l'},
      {"batch-size", required_argument, 0, 'B'},  {"latency-out", required_argument, 0, 'o'},
      {"ack-latency-out", required_argument, 0, 'O'}, {"conns", required_argument, 0, 'c'},
      {"idle", required_argument, 0, 'i'},        {"active", required_argument, 0, 'A'},
      {"per-conn-rate", required_argument, 0, 'R'}, {"timeout", required_argument, 0, 'T'},
      {"set", required_argument, 0, 'X'},         {"group", required_argument, 0, 'g'},
      {0, 0, 0, 0}};
  optind = 2;
  int c;
  while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
    switch (c) {
      case 'b': o.bootstrap = optarg; break;
      case 't': o.topic = optarg; break;
      case 'p': o.partitions = atoi(optarg); break;
      case 's': o.record_size = atoi(optarg); break;
      case 'a': o.acks = strcmp(optarg, "all") == 0 ? "-1" : optarg; break;
      case 'z': o.compression = optarg; break;
      case 'd': o.duration_s = atof(optarg); break;
      case 'w': o.warmup_s = atof(optarg); break;
      case 'r': o.rate = atof(optarg); break;
      case 'n': o.count = atoll(optarg); break;
      case 'P': o.producers = atoi(optarg); break;
      case 'l': o.linger_ms = atoi(optarg); break;
      case 'B': o.batch_size = atoi(optarg); break;
      case 'o': o.latency_out = optarg; break;
      case 'O': o.ack_latency_out = optarg; break;
      case 'c': o.conns = atoi(optarg); break;
      case 'i': o.idle_s = atof(optarg); break;
      case 'A': o.active_s = atof(optarg); break;
      case 'R': o.per_conn_rate = atof(optarg); break;
      case 'T': o.timeout_s = atof(optarg); break;
      case 'X': o.extra[o.n_extra++] = optarg; break;
      case 'g': o.group = optarg; break;
      default: fputs(USAGE, stderr); return 2;
    }
  }
  if (o.record_size < 16 || o.record_size > 1 << 20) die("--record-size must be 16..1048576");
  if (o.producers < 1 || o.producers > 64) die("--producers must be 1..64");
  if (strcmp(cmd, "create") == 0) return cmd_create(&o);
  if (strcmp(cmd, "produce") == 0) return cmd_produce(&o);
  if (strcmp(cmd, "e2e") == 0) return cmd_e2e(&o);
  if (strcmp(cmd, "consume") == 0) return cmd_consume(&o);
  if (strcmp(cmd, "conns") == 0) return cmd_conns(&o);
  fputs(USAGE, stderr);
  return 2;
}
