package dev.tributary.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.junit.jupiter.api.Test;

/** Transactions: consume-transform-produce with sendOffsetsToTransaction; aborted data is invisible. */
class TransactionsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static KafkaProducer<String, String> transactional(String id) {
    Properties p = Target.producerProps();
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 30_000);
    KafkaProducer<String, String> producer = new KafkaProducer<>(p);
    producer.initTransactions();
    return producer;
  }

  private static Properties isolation(String level) {
    Properties p = Target.consumerProps(null);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, level);
    return p;
  }

  private static List<String> values(List<ConsumerRecord<String, String>> records) {
    List<String> out = new ArrayList<>();
    records.forEach(r -> out.add(r.value()));
    return out;
  }

  @Test
  void consumeTransformProduceCommitsOutputAndOffsetsTogether() throws Exception {
    String input = Target.uniqueName("java-txn-in");
    String output = Target.uniqueName("java-txn-out");
    String group = Target.uniqueName("java-txn-group");
    int count = 20;
    try (Admin admin = Target.admin()) {
      Target.createTopic(admin, input, 2);
      Target.createTopic(admin, output, 2);
      try (KafkaProducer<String, String> plain = new KafkaProducer<>(Target.producerProps())) {
        for (int i = 0; i < count; i++) {
          plain.send(new ProducerRecord<>(input, "k" + i, "in-" + i));
        }
        plain.flush();
      }

      Properties cp = Target.consumerProps(group);
      cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      cp.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
      int transformed = 0;
      int transactions = 0;
      try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp);
           KafkaProducer<String, String> producer = transactional(Target.uniqueName("java-ctp"))) {
        consumer.subscribe(List.of(input));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (transformed < count && System.nanoTime() < deadline) {
          ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
          if (records.isEmpty()) {
            continue;
          }
          producer.beginTransaction();
          Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
          for (ConsumerRecord<String, String> r : records) {
            producer.send(new ProducerRecord<>(output, r.key(), r.value().replace("in-", "out-")));
            offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
            transformed++;
          }
          producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
          producer.commitTransaction();
          transactions++;
        }
      }
      assertEquals(count, transformed, "input records transformed in " + transactions + " transactions");

      var out = Target.readAll(isolation("read_committed"), Target.partitions(output, 2), count, TIMEOUT);
      List<String> want = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        want.add("out-" + i);
      }
      List<String> got = values(out);
      got.sort(null);
      want.sort(null);
      assertEquals(want, got, "committed output");

      // The group's offsets were committed by the transaction (TxnOffsetCommit), not by the consumer.
      var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(15, TimeUnit.SECONDS);
      long total = 0;
      for (TopicPartition tp : Target.partitions(input, 2)) {
        OffsetAndMetadata o = committed.get(tp);
        total += o == null ? 0 : o.offset();
      }
      assertEquals(count, total, "offsets committed with the transactions: " + committed);
    }
  }

  @Test
  void abortedTransactionIsInvisibleToReadCommitted() throws Exception {
    String topic = Target.uniqueName("java-txn-abort");
    try (Admin admin = Target.admin()) {
      Target.createTopic(admin, topic, 1);
    }
    try (KafkaProducer<String, String> producer = transactional(Target.uniqueName("java-abort"))) {
      for (String txn : List.of("a", "b", "c")) {
        producer.beginTransaction();
        for (int i = 0; i < 5; i++) {
          producer.send(new ProducerRecord<>(topic, 0, "k", txn + i));
        }
        producer.flush();
        if (txn.equals("b")) {
          producer.abortTransaction();
        } else {
          producer.commitTransaction();
        }
      }
    }
    TopicPartition tp = new TopicPartition(topic, 0);
    // read_committed sees a0..a4 and c0..c4 only; the stable offset is past the markers.
    var committed = values(Target.readAll(isolation("read_committed"), List.of(tp), 10, TIMEOUT));
    assertEquals(List.of("a0", "a1", "a2", "a3", "a4", "c0", "c1", "c2", "c3", "c4"), committed);
    // read_uncommitted sees the aborted records too (control markers are never returned).
    var all = values(Target.readAll(isolation("read_uncommitted"), List.of(tp), 15, TIMEOUT));
    assertEquals(15, all.size(), "read_uncommitted: " + all);

    // An open transaction holds read_committed back at its first offset.
    try (KafkaProducer<String, String> open = transactional(Target.uniqueName("java-open"))) {
      open.beginTransaction();
      open.send(new ProducerRecord<>(topic, 0, "k", "pending")).get(30, TimeUnit.SECONDS);
      var whileOpen = values(Target.readAll(isolation("read_committed"), List.of(tp), 11, Duration.ofSeconds(2)));
      assertEquals(10, whileOpen.size(), "read_committed while a transaction is open: " + whileOpen);
      open.commitTransaction();
      var after = values(Target.readAll(isolation("read_committed"), List.of(tp), 11, TIMEOUT));
      assertEquals("pending", after.get(after.size() - 1), "committed after commitTransaction");
    }
  }

  @Test
  void newerProducerWithTheSameTransactionalIdFencesTheOlder() throws Exception {
    String topic = Target.uniqueName("java-txn-fence");
    String txnId = Target.uniqueName("java-fence");
    try (Admin admin = Target.admin()) {
      Target.createTopic(admin, topic, 1);
    }
    TopicPartition tp = new TopicPartition(topic, 0);
    try (KafkaProducer<String, String> older = transactional(txnId)) {
      older.beginTransaction();
      older.send(new ProducerRecord<>(topic, 0, "k", "zombie")).get(30, TimeUnit.SECONDS);
      // InitProducerId from a second instance bumps the epoch and aborts the open transaction.
      try (KafkaProducer<String, String> newer = transactional(txnId)) {
        KafkaException e = assertThrows(KafkaException.class, older::commitTransaction);
        assertInstanceOf(ProducerFencedException.class, e, "the older producer is fenced: " + e);
        newer.beginTransaction();
        newer.send(new ProducerRecord<>(topic, 0, "k", "live"));
        newer.commitTransaction();
      }
    }
    assertEquals(List.of("live"), values(Target.readAll(isolation("read_committed"), List.of(tp), 1, TIMEOUT)));
  }
}
