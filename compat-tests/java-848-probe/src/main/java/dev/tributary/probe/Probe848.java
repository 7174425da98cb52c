package dev.tributary.probe;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * KIP-848 probe: the Java client 4.4 with group.protocol=consumer against a broker.
 *
 *   java -cp ... dev.tributary.probe.Probe848 BOOTSTRAP [topic] [group] [regex|names]
 *
 * Two consumers share a 6-partition topic, a third joins, the first leaves; records produced in
 * each phase must all be consumed, the partitions owned by the consumers must be disjoint and
 * cover the topic, offsets are committed with commitSync and checked through the admin client
 * (ListConsumerGroupOffsets, DescribeConsumerGroups = ConsumerGroupDescribe, ListGroups by type).
 * Prints one line per check and exits 0 when all pass, 1 otherwise.
 */
public final class Probe848 {
    static final int PARTITIONS = 6;
    static int failures = 0;
    static boolean staticMembers = false;

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args.length > 1 ? args[1] : "probe848-" + System.currentTimeMillis();
        String group = args.length > 2 ? args[2] : "g-" + topic;
        boolean regex = args.length > 3 && args[3].equals("regex");
        // "static": members have a group.instance.id; a closing static member leaves with epoch -2
        // and keeps its partitions until its session times out (45 s by default).
        staticMembers = args.length > 3 && args[3].equals("static");

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) throw e;
            }
            long t0 = System.currentTimeMillis();
            Map<String, Member> members = new HashMap<>();
            Set<String> expected = new TreeSet<>();
            produce(bootstrap, topic, 0, 300, expected);

            members.put("c1", Member.start(bootstrap, topic, group, "c1", regex));
            members.put("c2", Member.start(bootstrap, topic, group, "c2", regex));
            check("phase 1: two consumers consume every record", waitFor(60, () -> consumedAll(members.values(), expected)));
            check("phase 1: owned partitions are disjoint and cover the topic", waitFor(60, () -> covers(members.values(), 2)));
            report(members);

            members.put("c3", Member.start(bootstrap, topic, group, "c3", regex));
            check("phase 2: a third consumer gets partitions; ownership stays disjoint", waitFor(60, () -> covers(members.values(), 3)));
            report(members);
            produce(bootstrap, topic, 300, 600, expected);
            check("phase 2: records produced meanwhile are consumed", waitFor(60, () -> consumedAll(members.values(), expected)));

            members.remove("c1").close();
            check("phase 3: after c1 leaves, c2 and c3 cover the topic", waitFor(staticMembers ? 90 : 60, () -> covers(members.values(), 2)));
            report(members);
            produce(bootstrap, topic, 600, 900, expected);
            check("phase 3: records produced after c1 left are consumed", waitFor(60, () -> consumedAll(members.values(), expected)));
            waitFor(30, () -> members.values().stream().allMatch(m -> m.committedUpTo.get() >= m.polled.get()));

            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            System.out.printf("describe: type=%s state=%s assignor=%s members=%d%n", d.type(), d.groupState(), d.partitionAssignor(), d.members().size());
            for (MemberDescription md : d.members()) {
                System.out.printf("  member %s client=%s host=%s epoch=%s partitions=%s%n", md.consumerId(), md.clientId(), md.host(),
                    md.memberEpoch().orElse(-1), new TreeSet<>(md.assignment().topicPartitions().stream().map(TopicPartition::partition).toList()));
            }
            check("describe: consumer group with 2 members", d.type() == GroupType.CONSUMER && d.members().size() == 2);
            Collection<GroupListing> listed = admin.listGroups(new ListGroupsOptions().withTypes(Set.of(GroupType.CONSUMER))).all().get();
            check("listGroups(type=consumer) lists the group", listed.stream().anyMatch(g -> g.groupId().equals(group) && g.type().orElse(null) == GroupType.CONSUMER));

            for (Member m : members.values()) m.close();
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            long total = committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
            System.out.println("committed offsets: " + new java.util.TreeMap<>(committed.entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()))));
            check("committed offsets sum to the 900 records", committed.size() == PARTITIONS && total == 900);
            // Static members left with epoch -2: they stay until their session times out (45 s).
            check("after every consumer closed the group is empty", waitFor(staticMembers ? 75 : 30, () -> {
                try {
                    return admin.describeConsumerGroups(List.of(group)).all().get().get(group).groupState() == org.apache.kafka.common.GroupState.EMPTY;
                } catch (Exception e) {
                    return false;
                }
            }));
            System.out.printf("elapsed: %d ms%n", System.currentTimeMillis() - t0);
        }
        System.out.println(failures == 0 ? "ALL CHECKS PASSED" : failures + " CHECK(S) FAILED");
        System.exit(failures == 0 ? 0 : 1);
    }

    static void produce(String bootstrap, String topic, int from, int to, Set<String> expected) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(topic, i % PARTITIONS, "k" + i, "v" + i)).get();
                expected.add("v" + i);
            }
        }
    }

    static boolean consumedAll(Collection<Member> members, Set<String> expected) {
        Set<String> seen = new HashSet<>();
        for (Member m : members) seen.addAll(m.values);
        for (Member m : Member.closed) seen.addAll(m.values);
        return seen.containsAll(expected);
    }

    /** Every partition owned by exactly one of `n` live members, each owning some. */
    static boolean covers(Collection<Member> members, int n) {
        if (members.size() != n) return false;
        List<Integer> all = new ArrayList<>();
        for (Member m : members) {
            Set<Integer> owned = m.owned();
            if (owned.isEmpty()) return false;
            all.addAll(owned);
        }
        return all.size() == PARTITIONS && new HashSet<>(all).size() == PARTITIONS;
    }

    static void report(Map<String, Member> members) {
        new java.util.TreeMap<>(members).forEach((id, m) -> System.out.printf("  %s owns %s (%d records so far)%n", id, new TreeSet<>(m.owned()), m.values.size()));
    }

    static boolean waitFor(int seconds, BooleanSupplier cond) throws InterruptedException {
        long end = System.currentTimeMillis() + seconds * 1000L;
        while (System.currentTimeMillis() < end) {
            if (cond.getAsBoolean()) return true;
            Thread.sleep(100);
        }
        return cond.getAsBoolean();
    }

    static void check(String what, boolean ok) {
        System.out.println((ok ? "PASS " : "FAIL ") + what);
        if (!ok) failures++;
    }

    /** One consumer polling in its own thread, committing after each batch. */
    static final class Member implements Runnable {
        static final List<Member> closed = new ArrayList<>();
        final KafkaConsumer<String, String> consumer;
        final Set<String> values = ConcurrentHashMap.newKeySet();
        final Set<Integer> assigned = ConcurrentHashMap.newKeySet();
        final java.util.concurrent.atomic.AtomicLong polled = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong committedUpTo = new java.util.concurrent.atomic.AtomicLong();
        final Thread thread;
        final String topic;
        final boolean regex;
        volatile boolean running = true;

        private Member(String bootstrap, String topic, String group, String clientId, boolean regex) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
            p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
            if (staticMembers) p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-" + clientId);
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            this.consumer = new KafkaConsumer<>(p);
            this.topic = topic;
            this.regex = regex;
            this.thread = new Thread(this, clientId);
        }

        static Member start(String bootstrap, String topic, String group, String clientId, boolean regex) {
            Member m = new Member(bootstrap, topic, group, clientId, regex);
            m.thread.start();
            return m;
        }

        Set<Integer> owned() {
            return new HashSet<>(assigned);
        }

        @Override
        public void run() {
            ConsumerRebalanceListener listener = new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    consumer.commitSync();
                    partitions.forEach(tp -> assigned.remove(tp.partition()));
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    partitions.forEach(tp -> assigned.add(tp.partition()));
                }
            };
            if (regex) consumer.subscribe(Pattern.compile(Pattern.quote(topic)), listener);
            else consumer.subscribe(List.of(topic), listener);
            try {
                while (running) {
                    ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                    for (ConsumerRecord<String, String> r : records) values.add(r.value());
                    polled.addAndGet(records.count());
                    if (!records.isEmpty()) consumer.commitSync();
                    committedUpTo.set(polled.get());
                }
            } catch (WakeupException e) {
                // closing
            } catch (Exception e) {
                System.out.println("consumer " + thread.getName() + " failed: " + e);
                failures++;
            } finally {
                consumer.close();
            }
        }

        void close() throws InterruptedException {
            running = false;
            consumer.wakeup();
            thread.join(30_000);
            synchronized (closed) {
                closed.add(this);
            }
        }
    }
}
