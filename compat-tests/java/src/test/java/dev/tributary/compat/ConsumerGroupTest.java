package dev.tributary.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two members of one group share a 6-partition topic: every record is consumed exactly once,
 * offsets are committed, and a member that joins the group later resumes from the commits.
 * Run with both group protocols: classic (JoinGroup/SyncGroup/Heartbeat) and consumer (KIP-848,
 * ConsumerGroupHeartbeat with the assignment computed by the broker).
 */
class ConsumerGroupTest {
  private static final int PARTITIONS = 6;
  private static final int FIRST = 60;
  private static final int SECOND = 30;
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** One group member on its own thread: polls, records what it saw, commits after each poll. */
  private static final class Member implements AutoCloseable {
    final String name;
    final Set<TopicPartition> assignment = ConcurrentHashMap.newKeySet();
    final List<String> values = Collections.synchronizedList(new ArrayList<>());
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    Member(String name, Properties props, String topic) {
      this.name = name;
      this.thread = new Thread(() -> run(props, topic), name);
      this.thread.start();
    }

    private void run(Properties props, String topic) {
      try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
        consumer.subscribe(List.of(topic));
        while (running.get()) {
          var records = consumer.poll(Duration.ofMillis(100));
          for (ConsumerRecord<String, String> r : records) {
            values.add(r.value());
          }
          if (!records.isEmpty()) {
            consumer.commitSync(Duration.ofSeconds(15));
          }
          Set<TopicPartition> now = consumer.assignment();
          assignment.retainAll(now);
          assignment.addAll(now);
        }
      } catch (Throwable t) {
        failure.set(t);
      }
    }

    void check() {
      if (failure.get() != null) {
        throw new AssertionError(name + " failed", failure.get());
      }
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      thread.join(30_000);
      assertFalse(thread.isAlive(), name + " did not close within 30 s");
    }
  }

  private static Properties memberProps(String protocol, String group) {
    Properties p = Target.consumerProps(group);
    p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
    if (protocol.equals("classic")) {
      // Shorter than the defaults so a departed member's partitions move quickly.
      p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
      p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_000);
    }
    return p;
  }

  private static void produce(String topic, int from, int count) throws Exception {
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(Target.producerProps())) {
      for (int i = from; i < from + count; i++) {
        producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
      }
      producer.flush();
    }
  }

  private static Set<String> expected(int from, int count) {
    Set<String> out = new HashSet<>();
    for (int i = from; i < from + count; i++) {
      out.add("v" + i);
    }
    return out;
  }

  @ParameterizedTest(name = "group.protocol={0}")
  @ValueSource(strings = {"classic", "consumer"})
  void twoMembersShareTopicCommitAndRejoin(String protocol) throws Exception {
    String topic = Target.uniqueName("java-group-" + protocol);
    String group = Target.uniqueName("java-group-" + protocol);
    try (Admin admin = Target.admin()) {
      Target.createTopic(admin, topic, PARTITIONS);

      try (Member a = new Member("member-a", memberProps(protocol, group), topic);
           Member b = new Member("member-b", memberProps(protocol, group), topic)) {
        // Both members hold a share and together all six partitions, with no overlap.
        Target.waitFor("both members to own disjoint shares of all " + PARTITIONS + " partitions", TIMEOUT, () -> {
          a.check();
          b.check();
          Set<TopicPartition> union = new HashSet<>(a.assignment);
          union.addAll(b.assignment);
          return !a.assignment.isEmpty() && !b.assignment.isEmpty()
              && a.assignment.size() + b.assignment.size() == PARTITIONS && union.size() == PARTITIONS;
        });

        // The Admin client describes the group (ConsumerGroupDescribe for a KIP-848 group,
        // DescribeGroups for a classic one): its type, both members and their partitions.
        Target.waitFor("group described with two members", TIMEOUT, () -> {
          try {
            ConsumerGroupDescription d =
                admin.describeConsumerGroups(List.of(group)).all().get(15, TimeUnit.SECONDS).get(group);
            return d.members().size() == 2 && d.groupState() == GroupState.STABLE
                && d.members().stream().mapToInt(m -> m.assignment().topicPartitions().size()).sum() == PARTITIONS;
          } catch (Exception e) {
            return false;
          }
        });
        ConsumerGroupDescription described =
            admin.describeConsumerGroups(List.of(group)).all().get(15, TimeUnit.SECONDS).get(group);
        assertEquals(protocol.equals("classic") ? GroupType.CLASSIC : GroupType.CONSUMER, described.type(), "group type");
        if (protocol.equals("classic")) {
          assertEquals("range", described.partitionAssignor(), "classic assignor chosen by the members");
        } else {
          assertEquals("uniform", described.partitionAssignor(), "KIP-848 server-side assignor");
        }

        produce(topic, 0, FIRST);
        Target.waitFor(FIRST + " records consumed", TIMEOUT, () -> {
          a.check();
          b.check();
          return a.values.size() + b.values.size() >= FIRST;
        });
        // Give a duplicate delivery, if any, a moment to show up.
        Thread.sleep(500);
        List<String> all = new ArrayList<>(a.values);
        all.addAll(b.values);
        assertEquals(FIRST, all.size(), "records consumed (duplicates?) a=" + a.values.size() + " b=" + b.values.size());
        assertEquals(expected(0, FIRST), new HashSet<>(all), "each record consumed once");
        assertFalse(a.values.isEmpty(), "member-a consumed some records");
        assertFalse(b.values.isEmpty(), "member-b consumed some records");
      }

      // The committed offsets are the end of every partition.
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      Target.partitions(topic, PARTITIONS).forEach(tp -> latest.put(tp, OffsetSpec.latest()));
      var ends = admin.listOffsets(latest).all().get(15, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(15, TimeUnit.SECONDS);
      for (TopicPartition tp : Target.partitions(topic, PARTITIONS)) {
        long end = ends.get(tp).offset();
        if (end == 0) {
          assertNull(committed.get(tp), "no commit for the empty " + tp);
        } else {
          assertEquals(end, committed.get(tp).offset(), "committed offset of " + tp);
        }
      }

      // A member joining the emptied group resumes from the commits: only the new records.
      produce(topic, FIRST, SECOND);
      try (Member c = new Member("member-c", memberProps(protocol, group), topic)) {
        Target.waitFor(SECOND + " new records consumed on rejoin", TIMEOUT, () -> {
          c.check();
          return c.values.size() >= SECOND;
        });
        Thread.sleep(300);
        assertEquals(expected(FIRST, SECOND), new HashSet<>(c.values), "rejoined member reads only new records");
        assertEquals(SECOND, c.values.size(), "no record re-delivered on rejoin");
        assertTrue(c.assignment.size() == PARTITIONS, "sole member owns all partitions: " + c.assignment);
      }
    }
  }

  @ParameterizedTest(name = "group.protocol={0}")
  @ValueSource(strings = {"classic", "consumer"})
  void partitionsOfALeavingMemberMoveToTheOther(String protocol) throws Exception {
    String topic = Target.uniqueName("java-leave-" + protocol);
    String group = Target.uniqueName("java-leave-" + protocol);
    try (Admin admin = Target.admin()) {
      Target.createTopic(admin, topic, PARTITIONS);
    }
    try (Member a = new Member("member-a", memberProps(protocol, group), topic)) {
      try (Member b = new Member("member-b", memberProps(protocol, group), topic)) {
        Target.waitFor("both members assigned", TIMEOUT, () -> {
          a.check();
          b.check();
          return !a.assignment.isEmpty() && !b.assignment.isEmpty()
              && a.assignment.size() + b.assignment.size() == PARTITIONS;
        });
      }
      // member-b closed (LeaveGroup, or a heartbeat with epoch -1): member-a gets everything.
      Target.waitFor("member-a to own all partitions after member-b left", TIMEOUT, () -> {
        a.check();
        return a.assignment.size() == PARTITIONS;
      });
      produce(topic, 0, FIRST);
      Target.waitFor(FIRST + " records consumed by member-a", TIMEOUT, () -> {
        a.check();
        return a.values.size() >= FIRST;
      });
      assertEquals(expected(0, FIRST), new HashSet<>(a.values));
    }
  }
}
