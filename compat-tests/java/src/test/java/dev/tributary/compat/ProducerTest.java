package dev.tributary.compat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The default (idempotent) producer with each compression codec; keys, headers, null values. */
class ProducerTest {
  private static final int PARTITIONS = 3;
  private static final int RECORDS = 90;

  @ParameterizedTest(name = "compression.type={0}")
  @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
  void producesAndConsumesWithCodec(String codec) throws Exception {
    String topic = Target.uniqueName("java-produce-" + codec);
    try (Admin admin = Target.admin()) {
      Target.createTopic(admin, topic, PARTITIONS);
    }

    Properties props = Target.producerProps();
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec);
    // Enough batching that compressed batches hold several records.
    props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    Map<String, RecordMetadata> sent = new HashMap<>();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      List<Future<RecordMetadata>> futures = new ArrayList<>();
      for (int i = 0; i < RECORDS; i++) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("seq", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
        headers.add("codec", codec.getBytes(StandardCharsets.UTF_8));
        // Every tenth record has a null value (a tombstone); the rest a value that compresses.
        String value = i % 10 == 9 ? null : ("value-" + i + "-").repeat(20);
        futures.add(producer.send(new ProducerRecord<>(topic, null, 1_700_000_000_000L + i, "key-" + i, value, headers)));
      }
      producer.flush();
      for (int i = 0; i < RECORDS; i++) {
        sent.put("key-" + i, futures.get(i).get(30, TimeUnit.SECONDS));
      }
    }

    List<ConsumerRecord<String, String>> got = Target.readAll(Target.consumerProps(null),
        Target.partitions(topic, PARTITIONS), RECORDS, Duration.ofSeconds(30));
    assertEquals(RECORDS, got.size(), "records read back");
    for (ConsumerRecord<String, String> r : got) {
      int i = Integer.parseInt(r.key().substring("key-".length()));
      RecordMetadata meta = sent.get(r.key());
      assertNotNull(meta, "unexpected key " + r.key());
      assertEquals(meta.partition(), r.partition(), "partition of " + r.key());
      assertEquals(meta.offset(), r.offset(), "offset of " + r.key());
      assertEquals(1_700_000_000_000L + i, r.timestamp(), "timestamp of " + r.key());
      if (i % 10 == 9) {
        assertNull(r.value(), "null value of " + r.key());
      } else {
        assertEquals(("value-" + i + "-").repeat(20), r.value());
      }
      assertArrayEquals(Integer.toString(i).getBytes(StandardCharsets.UTF_8), r.headers().lastHeader("seq").value());
      assertArrayEquals(codec.getBytes(StandardCharsets.UTF_8), r.headers().lastHeader("codec").value());
    }
    // The same key always lands on the same partition (murmur2 of the key), offsets are dense.
    Map<Integer, Long> perPartition = new HashMap<>();
    got.forEach(r -> perPartition.merge(r.partition(), 1L, Long::sum));
    assertTrue(perPartition.size() > 1, "keys spread over partitions: " + perPartition);
  }
}
