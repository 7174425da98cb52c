"""kafka-python (pure Python) against the target broker: producer, consumer groups with
commits and resume, every codec, and the admin client (topics, partitions, configs, groups,
offsets). Since 3.0 the producer is idempotent by default (KIP-679), as Java's is."""
import threading
import time

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType
from kafka.errors import InvalidPartitionsError, TopicAlreadyExistsError
from kafka.structs import OffsetAndMetadata

TIMEOUT_MS = 15_000


@pytest.fixture
def admin(bootstrap):
    client = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=TIMEOUT_MS)
    yield client
    client.close()


@pytest.fixture
def topic_factory(admin, names):
    def create(prefix, partitions=1, configs=None):
        topic = names(prefix)
        admin.create_topics({topic: {"num_partitions": partitions, "replication_factor": 1, "configs": configs or {}}},
                            wait_for_metadata=True)
        # Kafka elects the new partitions' leaders asynchronously: a group member whose first
        # metadata lacks them is assigned nothing until a later refresh (seen on Kafka 4.4 in CI:
        # "No partition metadata for topic", then an empty assignment for 30 s). Every test
        # starts once each partition has a leader.
        wait_for(lambda: partitions_led(admin, topic) == partitions, timeout=30)
        return topic
    return create


def partitions_led(admin, topic):
    """How many of `topic`'s partitions have a leader, as the broker's metadata says."""
    try:
        described = admin.describe_topics([topic])
    except Exception:  # not known yet
        return 0
    for t in described:
        if t.get("topic", t.get("name")) == topic and not t.get("error_code"):
            return sum(1 for p in t.get("partitions", []) if p.get("leader", p.get("leader_id", -1)) >= 0)
    return 0


def wait_for(cond, timeout=15):
    deadline = time.monotonic() + timeout
    while True:
        value = cond()
        if value:
            return value
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.1)


def plain_producer(bootstrap, **extra):
    """A non-idempotent producer (3.0 enables idempotence by default)."""
    return KafkaProducer(**{"bootstrap_servers": bootstrap, "acks": "all", "enable_idempotence": False, "linger_ms": 5, **extra})


def consumer(bootstrap, group, *topics, **extra):
    # A short metadata max age: a group leader whose metadata lacks a new topic's partitions
    # assigns nothing until its next refresh (seen on Kafka right after topic creation).
    return KafkaConsumer(*topics, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset="earliest",
                         enable_auto_commit=False, session_timeout_ms=10_000, heartbeat_interval_ms=300,
                         fetch_max_wait_ms=200, metadata_max_age_ms=1000, **extra)


def partition_reader(bootstrap, topic):
    """A consumer of partition 0 without a group (assign), reading from the beginning."""
    c = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_wait_ms=200,
                      auto_offset_reset="earliest")
    c.assign([TopicPartition(topic, 0)])
    return c


def poll_n(c, n, timeout=20):
    got = []
    deadline = time.monotonic() + timeout
    while len(got) < n:
        assert time.monotonic() < deadline, f"got {len(got)} of {n} messages"
        for records in c.poll(timeout_ms=200).values():
            got.extend(records)
    return got


def test_produce_and_consume_keys_headers_timestamps(bootstrap, topic_factory, names):
    topic = topic_factory("kp-roundtrip")
    p = plain_producer(bootstrap)
    ts = int(time.time() * 1000) - 5000
    meta = p.send(topic, key=b"k1", value=b"hello", headers=[("h1", b"v1")], timestamp_ms=ts).get(timeout=15)
    assert (meta.partition, meta.offset) == (0, 0)
    p.send(topic, key=None, value=b"no key").get(timeout=15)
    p.send(topic, key=b"k3", value=None).get(timeout=15)
    p.close()

    c = partition_reader(bootstrap, topic)
    try:
        got = poll_n(c, 3)
    finally:
        c.close()
    assert [(m.offset, m.key, m.value) for m in got] == [(0, b"k1", b"hello"), (1, None, b"no key"), (2, b"k3", None)]
    assert got[0].headers == [("h1", b"v1")]
    assert got[0].timestamp == ts


@pytest.mark.parametrize("codec", ["gzip", "snappy", "lz4", "zstd"])
def test_compression(bootstrap, topic_factory, names, codec):
    topic = topic_factory(f"kp-{codec}")
    p = plain_producer(bootstrap, compression_type=codec, linger_ms=50)
    values = [f"{codec} value {i} ".encode() * 20 for i in range(50)]
    futures = [p.send(topic, value=v, partition=0) for v in values]
    p.flush()
    assert [f.get(timeout=15).offset for f in futures] == list(range(50))
    p.close()
    c = partition_reader(bootstrap, topic)
    try:
        got = poll_n(c, 50)
    finally:
        c.close()
    assert [m.value for m in got] == values


class PollingMember(threading.Thread):
    """A group member polling in its own thread: kafka-python joins a group inside poll(), so
    two members of one group cannot take turns on one thread while the group rebalances."""

    def __init__(self, bootstrap, group, topic):
        super().__init__(daemon=True)
        self.consumer = consumer(bootstrap, group, topic)
        self.records = []
        self.assigned = []
        self.commit_requested = threading.Event()
        self.committed = threading.Event()
        self.stopping = threading.Event()
        self.error = None

    def run(self):
        try:
            while not self.stopping.is_set():
                for records in self.consumer.poll(timeout_ms=100).values():
                    self.records.extend(records)
                self.assigned = sorted(tp.partition for tp in self.consumer.assignment())
                if self.commit_requested.is_set() and not self.committed.is_set():
                    self.consumer.commit()
                    self.committed.set()
        except Exception as e:  # reported by stop()
            self.error = e
        finally:
            self.consumer.close()

    def stop(self):
        self.stopping.set()
        self.join(15)
        assert self.error is None, self.error


def test_group_shares_partitions_commits_and_resumes(bootstrap, admin, topic_factory, names):
    topic = topic_factory("kp-group", partitions=4)
    group = names("kp-group-id")
    a = PollingMember(bootstrap, group, topic)
    b = PollingMember(bootstrap, group, topic)
    # Each member knows the topic's partitions before it first joins: the member that leads the
    # group assigns from its own metadata, and with none for the topic it assigns nothing and
    # waits for a later metadata change to rejoin (a rare race, seen in CI on both brokers).
    for m in (a, b):
        wait_for(lambda m=m: len(m.consumer.partitions_for_topic(topic) or ()) == 4, timeout=30)
    a.start()
    b.start()
    try:
        wait_for(lambda: len(a.assigned) == 2 and len(b.assigned) == 2, timeout=30)
        assert sorted(a.assigned + b.assigned) == [0, 1, 2, 3]

        p = plain_producer(bootstrap)
        for part in range(4):
            p.send(topic, value=f"first-{part}".encode(), partition=part)
        p.flush()
        wait_for(lambda: len(a.records) + len(b.records) == 4)
        assert sorted(r.partition for r in a.records) == a.assigned
        assert sorted(r.partition for r in b.records) == b.assigned
        for m in (a, b):
            m.commit_requested.set()
        wait_for(lambda: a.committed.is_set() and b.committed.is_set())
        committed = admin.list_group_offsets({group: None})[group]
        assert sorted((tp.partition, om.offset) for tp, om in committed.items()) == [(p_, 1) for p_ in range(4)]

        assert group in [g["group_id"] for g in admin.list_groups()]
        described = admin.describe_groups([group])[group]
        assert described["group_state"] == "Stable"
        assert described["protocol_type"] == "consumer"
        assert len(described["members"]) == 2
    finally:
        a.stop()
        b.stop()

    p.send(topic, value=b"second-0", partition=0).get(timeout=15)
    p.close()
    c = consumer(bootstrap, group, topic)
    try:
        got = poll_n(c, 1)
        assert [m.value for m in got] == [b"second-0"]
        c.commit({TopicPartition(topic, 0): OffsetAndMetadata(2, "done", -1)})
    finally:
        c.close()
    committed = admin.list_group_offsets({group: None})[group]
    assert committed[TopicPartition(topic, 0)].offset == 2
    assert committed[TopicPartition(topic, 0)].metadata == "done"
    admin.delete_groups([group])
    assert group not in [g["group_id"] for g in admin.list_groups()]


def test_assign_seek_and_offsets_for_times(bootstrap, topic_factory, names):
    topic = topic_factory("kp-assign")
    p = plain_producer(bootstrap)
    base = int(time.time() * 1000) - 60_000
    for i in range(10):
        p.send(topic, value=f"v{i}".encode(), partition=0, timestamp_ms=base + i * 1000)
    p.flush()
    p.close()
    c = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_wait_ms=200)
    try:
        tp = TopicPartition(topic, 0)
        c.assign([tp])
        c.seek(tp, 7)
        assert [m.value for m in poll_n(c, 3)] == [b"v7", b"v8", b"v9"]
        assert c.beginning_offsets([tp])[tp] == 0
        assert c.end_offsets([tp])[tp] == 10
        assert c.offsets_for_times({tp: base + 4500})[tp].offset == 5
        assert c.offsets_for_times({tp: base + 60_000})[tp] is None
    finally:
        c.close()


def test_admin_topics_partitions_and_configs(admin, topic_factory, names):
    topic = topic_factory("kp-admin", partitions=2, configs={"cleanup.policy": "compact"})
    assert topic in admin.list_topics()
    [desc] = admin.describe_topics([topic])
    assert desc["name"] == topic and len(desc["partitions"]) == 2

    with pytest.raises(TopicAlreadyExistsError):
        admin.create_topics({topic: {"num_partitions": 1, "replication_factor": 1}})

    admin.create_partitions({topic: 3})
    wait_for(lambda: len(admin.describe_topics([topic])[0]["partitions"]) == 3)
    with pytest.raises(InvalidPartitionsError):
        admin.create_partitions({topic: 2})

    resource = ConfigResource(ConfigResourceType.TOPIC, topic)
    described = admin.describe_configs([resource])
    assert described["topic"][topic]["cleanup.policy"]["value"] == "compact"

    admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topic, {"retention.ms": "3600000"})])
    wait_for(lambda: admin.describe_configs([resource])["topic"][topic].get("retention.ms", {}).get("value") == "3600000")
    assert admin.describe_configs([resource])["topic"][topic]["cleanup.policy"]["value"] == "compact"

    admin.delete_topics([topic])
    wait_for(lambda: topic not in admin.list_topics())


def test_default_producer_is_idempotent(bootstrap, topic_factory, names):
    topic = topic_factory("kp-idempotent")
    p = KafkaProducer(bootstrap_servers=bootstrap)  # kafka-python 3 defaults: idempotent, acks=all
    try:
        offsets = [p.send(topic, value=f"v{i}".encode()).get(timeout=15).offset for i in range(10)]
    finally:
        p.close()
    assert offsets == list(range(10))


def test_transactions(bootstrap, topic_factory, names):
    topic = topic_factory("kp-txn")
    p = KafkaProducer(bootstrap_servers=bootstrap, transactional_id=names("kp-txn-id"))
    try:
        p.init_transactions()
        p.begin_transaction()
        p.send(topic, value=b"committed")
        p.commit_transaction()
        p.begin_transaction()
        p.send(topic, value=b"aborted")
        p.flush()
        p.abort_transaction()
    finally:
        p.close()
    c = consumer(bootstrap, names("kp-txn-reader"), topic, isolation_level="read_committed")
    try:
        got = poll_n(c, 1)
        assert not any(c.poll(timeout_ms=500).values())
    finally:
        c.close()
    assert [m.value for m in got] == [b"committed"]
