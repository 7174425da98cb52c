package dev.tributary.capture;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Drives the official Java client through the capture proxy: AdminClient, an idempotent producer
 * per compression codec, a transactional producer, and consumer groups with the classic and the
 * consumer (KIP-848) group protocols. Usage: Capture BOOTSTRAP
 */
public final class Capture {
  private static final String TOPIC = "capture-java";
  private static final String TMP_TOPIC = "capture-java-tmp";
  private static final List<String> CODECS = List.of("none", "gzip", "snappy", "lz4", "zstd");
  private static final int PER_CODEC = 3;

  public static void main(String[] args) throws Exception {
    String bootstrap = args.length > 0 ? args[0] : "127.0.0.1:39192";
    admin(bootstrap);
    for (String codec : CODECS) produce(bootstrap, codec);
    transactional(bootstrap);
    int expected = CODECS.size() * PER_CODEC + 1;
    consume(bootstrap, "classic", "capture-java-classic", "read_uncommitted", expected);
    consume(bootstrap, "consumer", "capture-java-consumer", "read_committed", expected);
    adminAfter(bootstrap);
    System.err.println("java driver: done");
  }

  private static Properties common(String bootstrap, String clientId) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
    return p;
  }

  private static void admin(String bootstrap) throws Exception {
    try (Admin admin = Admin.create(common(bootstrap, "capture-java-admin"))) {
      NewTopic topic = new NewTopic(TOPIC, 2, (short) 1).configs(Map.of("retention.ms", "3600000", "compression.type", "producer"));
      admin.createTopics(List.of(topic, new NewTopic(TMP_TOPIC, 1, (short) 1))).all().get();
      admin.describeTopics(List.of(TOPIC)).allTopicNames().get();
      admin.describeCluster().nodes().get();
      admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, TOPIC),
          new ConfigResource(ConfigResource.Type.BROKER, "1"))).all().get();
      admin.deleteTopics(List.of(TMP_TOPIC)).all().get();
    }
  }

  private static void produce(String bootstrap, String codec) throws Exception {
    Properties p = common(bootstrap, "capture-java-producer-" + codec);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec);
    p.put(ProducerConfig.LINGER_MS_CONFIG, "50");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      for (int i = 0; i < PER_CODEC; i++) {
        ProducerRecord<String, String> r = new ProducerRecord<>(TOPIC, 0, "key-" + i, (codec + " value " + i + " ").repeat(10));
        r.headers().add("codec", codec.getBytes()).add("seq", Integer.toString(i).getBytes());
        producer.send(r);
      }
      producer.flush();
    }
  }

  private static void transactional(String bootstrap) throws Exception {
    Properties p = common(bootstrap, "capture-java-txn");
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "capture-java-txn");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(TOPIC, 1, "txn-key", "committed in a transaction"));
      producer.commitTransaction();
    }
  }

  private static void consume(String bootstrap, String protocol, String group, String isolation, int expected) {
    Properties p = common(bootstrap, "capture-java-" + group);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(TOPIC));
      int seen = 0;
      long deadline = System.currentTimeMillis() + 30_000;
      while (seen < expected && System.currentTimeMillis() < deadline) {
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
        seen += records.count();
      }
      if (seen < expected) throw new IllegalStateException(group + " consumed only " + seen + " of " + expected);
      consumer.commitSync();
    }
  }

  private static void adminAfter(String bootstrap) throws Exception {
    try (Admin admin = Admin.create(common(bootstrap, "capture-java-admin"))) {
      Collection<TopicPartition> parts = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1));
      Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
      for (TopicPartition tp : parts) latest.put(tp, OffsetSpec.latest());
      admin.listOffsets(latest).all().get();
      Map<TopicPartition, OffsetSpec> maxTs = new java.util.HashMap<>();
      for (TopicPartition tp : parts) maxTs.put(tp, OffsetSpec.maxTimestamp());
      admin.listOffsets(maxTs).all().get();
      List<String> groups = new ArrayList<>();
      admin.listGroups(new ListGroupsOptions()).all().get().forEach(g -> groups.add(g.groupId()));
      admin.describeConsumerGroups(Set.of("capture-java-classic", "capture-java-consumer")).all().get();
      admin.listConsumerGroupOffsets("capture-java-classic").partitionsToOffsetAndMetadata().get();
    }
  }
}
