package dev.tributary.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

/** The Admin client: topics, configs, partitions, consumer groups, offsets, delete records. */
class AdminTest {
  private static final long T = 1_700_000_000_000L;

  private static <V> V get(org.apache.kafka.common.KafkaFuture<V> f) throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  @Test
  void createDescribeAndDeleteTopics() throws Exception {
    String topic = Target.uniqueName("java-admin-topic");
    try (Admin admin = Target.admin()) {
      get(admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1)
          .configs(Map.of("cleanup.policy", "compact", "retention.ms", "3600000")))).all());
      // Kafka answers CreateTopics once the controller has committed the topic; the broker that
      // serves ListTopics learns of it a moment later, so the listing is awaited, not asserted at once.
      Target.waitFor("topic listed after create", Duration.ofSeconds(20), () -> {
        try {
          return get(admin.listTopics().names()).contains(topic);
        } catch (Exception e) {
          return false;
        }
      });

      ExecutionException dup = assertThrows(ExecutionException.class,
          () -> get(admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all()));
      assertInstanceOf(TopicExistsException.class, dup.getCause());

      TopicDescription d = get(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic);
      assertEquals(3, d.partitions().size());
      assertNotNull(d.topicId());
      d.partitions().forEach(p -> assertEquals(1, p.replicas().size()));

      Config cfg = get(admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic))).all())
          .values().iterator().next();
      assertEquals("compact", cfg.get("cleanup.policy").value());
      assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, cfg.get("cleanup.policy").source());
      assertEquals("3600000", cfg.get("retention.ms").value());

      get(admin.deleteTopics(List.of(topic)).all());
      Target.waitFor("topic deletion", Duration.ofSeconds(20), () -> {
        try {
          get(admin.describeTopics(List.of(topic)).allTopicNames());
          return false;
        } catch (ExecutionException e) {
          return e.getCause() instanceof UnknownTopicOrPartitionException;
        } catch (Exception e) {
          return false;
        }
      });
      assertTrue(!get(admin.listTopics().names()).contains(topic), "not listed after delete");
    }
  }

  @Test
  void describeAndIncrementallyAlterConfigs() throws Exception {
    String topic = Target.uniqueName("java-admin-config");
    ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    try (Admin admin = Target.admin()) {
      Target.createTopic(admin, topic, 1);
      Config before = get(admin.describeConfigs(List.of(res)).all()).get(res);
      assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, before.get("retention.ms").source());

      Collection<AlterConfigOp> ops = List.of(
          new AlterConfigOp(new ConfigEntry("retention.ms", "86400000"), AlterConfigOp.OpType.SET),
          new AlterConfigOp(new ConfigEntry("max.message.bytes", "500000"), AlterConfigOp.OpType.SET));
      get(admin.incrementalAlterConfigs(Map.of(res, ops)).all());
      Target.waitFor("altered configs visible", Duration.ofSeconds(10), () -> {
        try {
          Config c = get(admin.describeConfigs(List.of(res)).all()).get(res);
          return c.get("retention.ms").value().equals("86400000") && c.get("max.message.bytes").value().equals("500000");
        } catch (Exception e) {
          return false;
        }
      });

      // DELETE reverts one key to its default and leaves the other.
      get(admin.incrementalAlterConfigs(Map.of(res,
          List.of(new AlterConfigOp(new ConfigEntry("retention.ms", ""), AlterConfigOp.OpType.DELETE)))).all());
      Target.waitFor("deleted config back to its default", Duration.ofSeconds(10), () -> {
        try {
          Config c = get(admin.describeConfigs(List.of(res)).all()).get(res);
          return c.get("retention.ms").source() == ConfigEntry.ConfigSource.DEFAULT_CONFIG
              && c.get("max.message.bytes").value().equals("500000");
        } catch (Exception e) {
          return false;
        }
      });

      // Broker configs are described too (the broker id comes from the cluster description).
      String brokerId = get(admin.describeCluster().nodes()).iterator().next().idString();
      ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, brokerId);
      Config bc = get(admin.describeConfigs(List.of(broker)).all()).get(broker);
      assertNotNull(bc.get("log.retention.hours"), "broker config log.retention.hours");
    }
  }

  @Test
  void createPartitions() throws Exception {
    String topic = Target.uniqueName("java-admin-partitions");
    try (Admin admin = Target.admin()) {
      Target.createTopic(admin, topic, 3);
      get(admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(5))).all());
      Target.waitFor("5 partitions", Duration.ofSeconds(20), () -> {
        try {
          return get(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic).partitions().size() == 5;
        } catch (Exception e) {
          return false;
        }
      });
      ExecutionException shrink = assertThrows(ExecutionException.class,
          () -> get(admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(2))).all()));
      assertInstanceOf(InvalidPartitionsException.class, shrink.getCause());
    }
  }

  @Test
  void listOffsetsAndDeleteRecords() throws Exception {
    String topic = Target.uniqueName("java-admin-offsets");
    TopicPartition tp = new TopicPartition(topic, 0);
    try (Admin admin = Target.admin()) {
      Target.createTopic(admin, topic, 1);
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(Target.producerProps())) {
        for (int i = 0; i < 10; i++) {
          // Timestamps T, T+1000, ..., with the largest one in the middle (offset 5).
          long ts = i == 5 ? T + 100_000 : T + i * 1000L;
          producer.send(new ProducerRecord<>(topic, 0, ts, "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
        }
      }
      assertEquals(0, offset(admin, tp, OffsetSpec.earliest()).offset());
      assertEquals(10, offset(admin, tp, OffsetSpec.latest()).offset());
      assertEquals(3, offset(admin, tp, OffsetSpec.forTimestamp(T + 2500)).offset(), "first offset with ts >= T+2500");
      ListOffsetsResultInfo max = offset(admin, tp, OffsetSpec.maxTimestamp());
      assertEquals(5, max.offset());
      assertEquals(T + 100_000, max.timestamp());
      assertEquals(-1, offset(admin, tp, OffsetSpec.forTimestamp(T + 200_000)).offset(), "no offset after the last timestamp");

      assertEquals(4, get(admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(4))).lowWatermarks().get(tp))
          .lowWatermark(), "low watermark returned by DeleteRecords");
      assertEquals(4, offset(admin, tp, OffsetSpec.earliest()).offset(), "log start offset after delete records");

      var read = Target.readAll(Target.consumerProps(null), List.of(tp), 6, Duration.ofSeconds(20));
      assertEquals(6, read.size());
      assertEquals(4, read.get(0).offset(), "first readable offset");
    }
  }

  private static ListOffsetsResultInfo offset(Admin admin, TopicPartition tp, OffsetSpec spec) throws Exception {
    return get(admin.listOffsets(Map.of(tp, spec)).partitionResult(tp));
  }

  @Test
  void listAndDescribeConsumerGroups() throws Exception {
    String topic = Target.uniqueName("java-admin-groups");
    String group = Target.uniqueName("java-admin-group");
    try (Admin admin = Target.admin()) {
      Target.createTopic(admin, topic, 2);
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(Target.producerProps())) {
        for (int i = 0; i < 4; i++) {
          producer.send(new ProducerRecord<>(topic, i % 2, "k" + i, "v" + i));
        }
        producer.flush();
      }
      var props = Target.consumerProps(group);
      props.put("group.protocol", "classic");
      props.put("client.id", "java-admin-client");
      try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
        consumer.subscribe(List.of(topic));
        int seen = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (seen < 4 && System.nanoTime() < deadline) {
          seen += consumer.poll(Duration.ofMillis(200)).count();
        }
        assertEquals(4, seen);
        consumer.commitSync();

        // While the member is active: listed as Stable, described with its assignment.
        Target.waitFor("group listed", Duration.ofSeconds(15), () -> {
          try {
            return get(admin.listConsumerGroups().all()).stream().map(ConsumerGroupListing::groupId)
                .anyMatch(group::equals);
          } catch (Exception e) {
            return false;
          }
        });
        ConsumerGroupDescription d = get(admin.describeConsumerGroups(List.of(group)).all()).get(group);
        assertEquals(GroupState.STABLE, d.groupState());
        assertEquals(1, d.members().size());
        var member = d.members().iterator().next();
        assertEquals("java-admin-client", member.clientId());
        assertEquals(Set.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1)),
            member.assignment().topicPartitions());
        assertNotNull(d.coordinator());
      }

      var offsets = get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
      assertEquals(2, offsets.get(new TopicPartition(topic, 0)).offset());
      assertEquals(2, offsets.get(new TopicPartition(topic, 1)).offset());

      // After the member leaves: Empty, and the group can be deleted.
      Target.waitFor("group empty", Duration.ofSeconds(15), () -> {
        try {
          return get(admin.describeConsumerGroups(List.of(group)).all()).get(group).groupState() == GroupState.EMPTY;
        } catch (Exception e) {
          return false;
        }
      });
      get(admin.deleteConsumerGroups(List.of(group)).all());
      Set<String> after = get(admin.listConsumerGroups().all()).stream().map(ConsumerGroupListing::groupId)
          .collect(Collectors.toSet());
      assertTrue(!after.contains(group), "deleted group not listed");
    }
  }
}
