"""confluent-kafka (Python, librdkafka inside) Producer and Consumer against the target broker:
keys, headers, timestamps, compression, consumer groups with commits, rebalances and resume,
and the idempotent and transactional producers."""
import time

import pytest
from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

TIMEOUT = 15


@pytest.fixture
def admin(bootstrap):
    return AdminClient({"bootstrap.servers": bootstrap})


@pytest.fixture
def topic_factory(admin, names):
    def create(prefix, partitions=1):
        topic = names(prefix)
        admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1)])[topic].result(TIMEOUT)
        deadline = time.monotonic() + TIMEOUT
        while len(admin.list_topics(topic, timeout=TIMEOUT).topics[topic].partitions) != partitions:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        return topic
    return create


def producer(bootstrap, **extra):
    return Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 5, **extra})


def consumer(bootstrap, group, **extra):
    conf = {"bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest", "enable.auto.commit": False}
    # With the KIP-848 protocol the broker owns session timeout and heartbeat interval.
    if extra.get("group.protocol") != "consumer":
        conf.update({"session.timeout.ms": 10000, "heartbeat.interval.ms": 300})
    return Consumer({**conf, **extra})


def produce_all(p, topic, messages):
    """Produces (key, value, headers, partition) tuples and returns their delivery reports."""
    reports = []
    for key, value, headers, partition in messages:
        kwargs = {"partition": partition} if partition is not None else {}
        p.produce(topic, key=key, value=value, headers=headers,
                  on_delivery=lambda err, msg: reports.append((err, msg.partition(), msg.offset())), **kwargs)
    assert p.flush(TIMEOUT) == 0
    assert all(err is None for err, _, _ in reports), reports
    return reports


def poll_n(c, n, timeout=20):
    got = []
    deadline = time.monotonic() + timeout
    while len(got) < n:
        assert time.monotonic() < deadline, f"got {len(got)} of {n} messages"
        m = c.poll(0.2)
        if m is None:
            continue
        if m.error():
            raise KafkaException(m.error())
        got.append(m)
    return got


def test_keys_headers_timestamps_and_nulls(bootstrap, topic_factory, names):
    topic = topic_factory("ck-roundtrip")
    p = producer(bootstrap)
    ts = int(time.time() * 1000) - 5000
    p.produce(topic, key=b"k1", value=b"hello", headers=[("h1", b"v1"), ("h1", b"again"), ("empty", None)], timestamp=ts)
    p.produce(topic, key=None, value=b"no key")
    p.produce(topic, key=b"k3", value=None)
    assert p.flush(TIMEOUT) == 0

    c = consumer(bootstrap, names("ck-roundtrip-group"))
    try:
        c.subscribe([topic])
        got = poll_n(c, 3)
    finally:
        c.close()
    assert [(m.offset(), m.key(), m.value()) for m in got] == [(0, b"k1", b"hello"), (1, None, b"no key"), (2, b"k3", None)]
    assert got[0].headers() == [("h1", b"v1"), ("h1", b"again"), ("empty", None)]
    assert got[0].timestamp()[1] == ts
    assert got[1].timestamp()[1] > ts


@pytest.mark.parametrize("codec", ["gzip", "snappy", "lz4", "zstd"])
def test_compression(bootstrap, topic_factory, names, codec):
    topic = topic_factory(f"ck-{codec}")
    values = [f"{codec} value {i} ".encode() * 20 for i in range(100)]
    produce_all(producer(bootstrap, **{"compression.codec": codec, "linger.ms": 50}), topic,
                [(f"k{i}".encode(), v, None, 0) for i, v in enumerate(values)])
    c = consumer(bootstrap, names(f"ck-{codec}-group"))
    try:
        c.subscribe([topic])
        got = poll_n(c, 100)
    finally:
        c.close()
    assert [m.value() for m in got] == values
    assert [m.offset() for m in got] == list(range(100))


@pytest.mark.parametrize("protocol", ["classic", "consumer"])
def test_group_shares_partitions_commits_and_resumes(bootstrap, topic_factory, names, protocol):
    """Both group protocols: the classic one and KIP-848's (group.protocol=consumer)."""
    topic = topic_factory("ck-group", partitions=4)
    group = names("ck-group-id")
    extra = {"group.protocol": protocol}
    assignments = {"a": [], "b": []}
    a = consumer(bootstrap, group, **extra)
    b = consumer(bootstrap, group, **extra)
    try:
        a.subscribe([topic])
        b.subscribe([topic])
        # The current assignment, read back from each consumer: with KIP-848 (and cooperative
        # rebalancing) the assign callbacks only carry the partitions added or removed.
        deadline = time.monotonic() + 45
        while not (len(assignments["a"]) == 2 and len(assignments["b"]) == 2):
            assert time.monotonic() < deadline, f"group did not settle: {assignments}"
            a.poll(0.1)
            b.poll(0.1)
            assignments = {n: sorted(tp.partition for tp in c.assignment()) for n, c in (("a", a), ("b", b))}
        assert sorted(assignments["a"] + assignments["b"]) == [0, 1, 2, 3]

        produce_all(producer(bootstrap), topic, [(None, f"first-{p}".encode(), None, p) for p in range(4)])
        got_a, got_b = [], []
        deadline = time.monotonic() + 20
        while len(got_a) + len(got_b) < 4:
            assert time.monotonic() < deadline
            for c, sink in ((a, got_a), (b, got_b)):
                m = c.poll(0.1)
                if m is not None and not m.error():
                    sink.append(m)
        assert sorted(m.partition() for m in got_a) == assignments["a"]
        assert sorted(m.partition() for m in got_b) == assignments["b"]
        a.commit(asynchronous=False)
        b.commit(asynchronous=False)
        committed = a.committed([TopicPartition(topic, p) for p in range(4)], timeout=TIMEOUT)
        assert [tp.offset for tp in committed] == [1, 1, 1, 1]
    finally:
        a.close()
        b.close()

    produce_all(producer(bootstrap), topic, [(None, f"second-{p}".encode(), None, p) for p in range(4)])
    c = consumer(bootstrap, group, **extra)
    try:
        c.subscribe([topic])
        got = poll_n(c, 4)
        assert sorted(m.value() for m in got) == [f"second-{p}".encode() for p in range(4)]
        c.commit(asynchronous=False)
    finally:
        c.close()

    admin = AdminClient({"bootstrap.servers": bootstrap})
    groups = admin.list_consumer_groups().result(TIMEOUT)
    assert group in [g.group_id for g in groups.valid]
    desc = admin.describe_consumer_groups([group])[group].result(TIMEOUT)
    assert desc.group_id == group and desc.members == []
    from confluent_kafka import ConsumerGroupTopicPartitions
    offsets = admin.list_consumer_group_offsets([ConsumerGroupTopicPartitions(group)])[group].result(TIMEOUT)
    assert sorted((tp.partition, tp.offset) for tp in offsets.topic_partitions) == [(p, 2) for p in range(4)]
    admin.delete_consumer_groups([group])[group].result(TIMEOUT)


def test_manual_assign_and_seek_without_a_group_subscription(bootstrap, topic_factory, names):
    topic = topic_factory("ck-assign")
    produce_all(producer(bootstrap), topic, [(None, f"v{i}".encode(), None, 0) for i in range(10)])
    c = consumer(bootstrap, names("ck-assign-group"))
    try:
        c.assign([TopicPartition(topic, 0, 6)])
        got = poll_n(c, 4)
        assert [m.offset() for m in got] == [6, 7, 8, 9]
        low, high = c.get_watermark_offsets(TopicPartition(topic, 0), timeout=TIMEOUT)
        assert (low, high) == (0, 10)
        [tp] = c.offsets_for_times([TopicPartition(topic, 0, got[2].timestamp()[1])], timeout=TIMEOUT)
        assert tp.offset <= 8
    finally:
        c.close()


def test_idempotent_producer(bootstrap, topic_factory, names):
    topic = topic_factory("ck-idempotent")
    reports = produce_all(producer(bootstrap, **{"enable.idempotence": True}), topic,
                          [(None, f"v{i}".encode(), None, 0) for i in range(20)])
    assert [off for _, _, off in reports] == list(range(20))


def test_transactions_commit_and_abort(bootstrap, topic_factory, names):
    topic = topic_factory("ck-txn")
    p = producer(bootstrap, **{"transactional.id": names("ck-txn-id")})
    p.init_transactions(TIMEOUT)
    p.begin_transaction()
    p.produce(topic, value=b"committed-1")
    p.produce(topic, value=b"committed-2")
    p.commit_transaction(TIMEOUT)
    p.begin_transaction()
    p.produce(topic, value=b"aborted")
    assert p.flush(TIMEOUT) == 0  # on the broker before the abort (abort purges unsent messages)
    p.abort_transaction(TIMEOUT)
    p.begin_transaction()
    p.produce(topic, value=b"committed-3")
    p.commit_transaction(TIMEOUT)

    for isolation, expected in (("read_committed", [b"committed-1", b"committed-2", b"committed-3"]),
                                ("read_uncommitted", [b"committed-1", b"committed-2", b"aborted", b"committed-3"])):
        c = consumer(bootstrap, names("ck-txn-reader"), **{"isolation.level": isolation})
        try:
            c.subscribe([topic])
            got = poll_n(c, len(expected))
            assert c.poll(0.5) is None
        finally:
            c.close()
        assert [m.value() for m in got] == expected


def _settle(members, assignments, want, timeout=30):
    deadline = time.monotonic() + timeout
    while sorted(len(assignments[name]) for name in members) != want:
        assert time.monotonic() < deadline, f"group did not settle: {assignments}"
        for c in members.values():
            c.poll(0.1)


def test_cooperative_sticky_incremental_rebalance(bootstrap, topic_factory, names):
    """KIP-429 over the classic protocol: the second member's arrival revokes only what moves."""
    topic = topic_factory("ck-coop", partitions=4)
    group = names("ck-coop-group")
    owned = {"a": set(), "b": set()}
    revoked = {"a": [], "b": []}

    def callbacks(name):
        def on_assign(c, parts):
            owned[name] |= {p.partition for p in parts}
        def on_revoke(c, parts):
            revoked[name].append(sorted(p.partition for p in parts))
            owned[name] -= {p.partition for p in parts}
        return {"on_assign": on_assign, "on_revoke": on_revoke}

    conf = {"partition.assignment.strategy": "cooperative-sticky"}
    members = {"a": consumer(bootstrap, group, **conf)}
    try:
        members["a"].subscribe([topic], **callbacks("a"))
        _settle(members, owned, [4])
        members["b"] = consumer(bootstrap, group, **conf)
        members["b"].subscribe([topic], **callbacks("b"))
        _settle(members, owned, [2, 2])
        assert owned["a"] | owned["b"] == {0, 1, 2, 3}
        # a gave up exactly the two partitions b took, and nothing else.
        assert [sorted(r) for r in revoked["a"] if r] == [sorted(owned["b"])]
        assert revoked["b"] == [] or all(r == [] for r in revoked["b"])
    finally:
        for c in members.values():
            c.close()


def test_static_member_rejoins_with_its_partitions(bootstrap, admin, topic_factory, names):
    """KIP-345: a static member (group.instance.id) that restarts within the session timeout
    gets its partitions back without the group rebalancing around it."""
    topic = topic_factory("ck-static", partitions=2)
    group = names("ck-static-group")
    assignments = {"first": [], "again": []}

    def on_assign(name):
        def cb(c, parts):
            assignments[name] = sorted(p.partition for p in parts)
        return cb

    conf = {"group.instance.id": "instance-1", "session.timeout.ms": 10000}
    first = consumer(bootstrap, group, **conf)
    first.subscribe([topic], on_assign=on_assign("first"))
    _settle({"first": first}, assignments, [2])
    generation = admin.describe_consumer_groups([group])[group].result(TIMEOUT)
    first.close()  # a static member does not leave the group on close

    again = consumer(bootstrap, group, **conf)
    try:
        again.subscribe([topic], on_assign=on_assign("again"))
        _settle({"again": again}, assignments, [2])
        desc = admin.describe_consumer_groups([group])[group].result(TIMEOUT)
        assert [m.group_instance_id for m in desc.members] == ["instance-1"]
        assert len(generation.members) == 1
    finally:
        again.close()


def test_describe_an_active_group(bootstrap, admin, topic_factory, names):
    topic = topic_factory("ck-describe", partitions=2)
    group = names("ck-describe-group")
    assignments = {"m": []}
    c = consumer(bootstrap, group, **{"client.id": "ck-describer"})
    try:
        c.subscribe([topic], on_assign=lambda _, parts: assignments.__setitem__("m", [p.partition for p in parts]))
        _settle({"m": c}, assignments, [2])
        desc = admin.describe_consumer_groups([group])[group].result(TIMEOUT)
        assert desc.group_id == group
        assert desc.state.name == "STABLE"
        assert desc.partition_assignor == "range"
        [member] = desc.members
        assert member.client_id == "ck-describer"
        assert sorted(tp.partition for tp in member.assignment.topic_partitions) == [0, 1]
    finally:
        c.close()
