"""confluent-kafka (Python, librdkafka inside) AdminClient against the target broker: topics,
partitions, configs, cluster, offsets by timestamp and record deletion."""
import time

import pytest
from confluent_kafka import KafkaError, KafkaException, Producer, TopicCollection, TopicPartition
from confluent_kafka.admin import (
    AdminClient, AlterConfigOpType, ConfigEntry, ConfigResource, NewPartitions, NewTopic, OffsetSpec, ResourceType,
)

TIMEOUT = 15


@pytest.fixture
def admin(bootstrap):
    return AdminClient({"bootstrap.servers": bootstrap})


def create(admin, topic, partitions=1, config=None):
    futures = admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1, config=config or {})])
    futures[topic].result(TIMEOUT)
    wait_for(lambda: topic in admin.list_topics(timeout=TIMEOUT).topics and
             len(admin.list_topics(topic, timeout=TIMEOUT).topics[topic].partitions) == partitions)


def wait_for(cond, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.1)


def error_code(future):
    with pytest.raises(KafkaException) as info:
        future.result(TIMEOUT)
    return info.value.args[0].code()


def test_describe_cluster(admin):
    cluster = admin.describe_cluster().result(TIMEOUT)
    assert cluster.cluster_id
    assert len(cluster.nodes) == 1
    assert cluster.controller.id == cluster.nodes[0].id


def test_topic_lifecycle(admin, names):
    topic = names("ck-topic")
    create(admin, topic, partitions=3)
    meta = admin.list_topics(topic, timeout=TIMEOUT).topics[topic]
    assert meta.error is None
    assert sorted(meta.partitions) == [0, 1, 2]
    for p in meta.partitions.values():
        assert p.leader >= 0 and p.replicas == [p.leader] and p.isrs == [p.leader]

    [desc] = admin.describe_topics(TopicCollection([topic])).values()
    d = desc.result(TIMEOUT)
    assert d.name == topic and len(d.partitions) == 3 and d.topic_id is not None

    dup = admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])[topic]
    assert error_code(dup) == KafkaError.TOPIC_ALREADY_EXISTS

    admin.delete_topics([topic])[topic].result(TIMEOUT)
    wait_for(lambda: topic not in admin.list_topics(timeout=TIMEOUT).topics)


def test_invalid_requests_get_kafka_error_codes(admin, names):
    bad = admin.create_topics([NewTopic("bad/name", num_partitions=1, replication_factor=1)])["bad/name"]
    assert error_code(bad) == KafkaError.TOPIC_EXCEPTION  # INVALID_TOPIC_EXCEPTION, code 17
    topic = names("ck-rf")
    rf = admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=3)])[topic]
    assert error_code(rf) == KafkaError.INVALID_REPLICATION_FACTOR
    missing = names("ck-missing")
    gone = admin.delete_topics([missing])[missing]
    assert error_code(gone) == KafkaError.UNKNOWN_TOPIC_OR_PART


def test_create_partitions(admin, names):
    topic = names("ck-partitions")
    create(admin, topic, partitions=1)
    admin.create_partitions([NewPartitions(topic, 3)])[topic].result(TIMEOUT)
    wait_for(lambda: len(admin.list_topics(topic, timeout=TIMEOUT).topics[topic].partitions) == 3)
    shrink = admin.create_partitions([NewPartitions(topic, 2)])[topic]
    assert error_code(shrink) == KafkaError.INVALID_PARTITIONS


def test_describe_and_alter_topic_configs(admin, names):
    topic = names("ck-configs")
    create(admin, topic, config={"cleanup.policy": "compact"})
    resource = ConfigResource(ResourceType.TOPIC, topic)

    def describe():
        return admin.describe_configs([resource])[resource].result(TIMEOUT)

    before = describe()
    assert before["cleanup.policy"].value == "compact"
    assert not before["cleanup.policy"].is_default
    assert before["retention.ms"].is_default

    alter = ConfigResource(ResourceType.TOPIC, topic, incremental_configs=[
        ConfigEntry("retention.ms", "3600000", incremental_operation=AlterConfigOpType.SET),
    ])
    admin.incremental_alter_configs([alter])[alter].result(TIMEOUT)
    # Kafka applies it through its metadata log: DescribeConfigs sees it shortly after.
    wait_for(lambda: describe()["retention.ms"].value == "3600000")
    assert describe()["cleanup.policy"].value == "compact"  # incremental: the rest is kept

    delete = ConfigResource(ResourceType.TOPIC, topic, incremental_configs=[
        ConfigEntry("cleanup.policy", None, incremental_operation=AlterConfigOpType.DELETE),
    ])
    admin.incremental_alter_configs([delete])[delete].result(TIMEOUT)
    wait_for(lambda: describe()["cleanup.policy"].value == "delete")


def test_describe_broker_configs(admin):
    node = admin.describe_cluster().result(TIMEOUT).nodes[0].id
    resource = ConfigResource(ResourceType.BROKER, str(node))
    configs = admin.describe_configs([resource])[resource].result(TIMEOUT)
    assert configs["num.partitions"].value is not None
    assert "auto.create.topics.enable" in configs


def test_list_offsets_by_timestamp_and_delete_records(admin, bootstrap, names):
    topic = names("ck-times")
    create(admin, topic)
    base = int(time.time() * 1000) - 60_000
    producer = Producer({"bootstrap.servers": bootstrap})
    for i in range(10):
        producer.produce(topic, value=f"v{i}".encode(), partition=0, timestamp=base + i * 1000)
    assert producer.flush(TIMEOUT) == 0

    def offset_for(spec):
        tp = TopicPartition(topic, 0)
        return admin.list_offsets({tp: spec})[tp].result(TIMEOUT).offset

    assert offset_for(OffsetSpec.earliest()) == 0
    assert offset_for(OffsetSpec.latest()) == 10
    assert offset_for(OffsetSpec.for_timestamp(base + 4500)) == 5
    assert offset_for(OffsetSpec.max_timestamp()) == 9

    tp = TopicPartition(topic, 0, 4)
    deleted = admin.delete_records([tp])[tp].result(TIMEOUT)
    assert deleted.low_watermark == 4
    assert offset_for(OffsetSpec.earliest()) == 4
