"""KIP-848 probe with confluent-kafka (librdkafka) and group.protocol=consumer.

    python3 probe848.py BOOTSTRAP [topic] [group]

Two consumers share a 6-partition topic, a third joins, the first leaves. Every record produced
must be consumed, the partitions owned by the consumers must be disjoint and cover the topic,
and the offsets committed (commit(asynchronous=False) after each message) must add up. Prints
one line per check; exit status 0 when all pass.
"""
import sys
import threading
import time

from confluent_kafka import Consumer, ConsumerGroupState, ConsumerGroupTopicPartitions, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

PARTITIONS = 6
failures = 0


def check(what, ok):
    global failures
    print(("PASS " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures += 1


def wait_for(seconds, cond):
    end = time.time() + seconds
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.1)
    return cond()


class Member:
    closed = []

    def __init__(self, bootstrap, topic, group, client_id):
        self.values = set()
        self.owned = set()
        self.errors = []
        self.running = True
        self.consumer = Consumer({
            "bootstrap.servers": bootstrap,
            "group.id": group,
            "group.protocol": "consumer",
            "client.id": client_id,
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        })
        self.consumer.subscribe([topic], on_assign=self.on_assign, on_revoke=self.on_revoke)
        self.thread = threading.Thread(target=self.run, name=client_id)
        self.thread.start()

    def on_assign(self, consumer, partitions):
        self.owned |= {p.partition for p in partitions}

    def on_revoke(self, consumer, partitions):
        self.owned -= {p.partition for p in partitions}

    def run(self):
        while self.running:
            msg = self.consumer.poll(0.2)
            if msg is None:
                continue
            if msg.error():
                self.errors.append(str(msg.error()))
                continue
            self.values.add(msg.value().decode())
            try:
                self.consumer.commit(message=msg, asynchronous=False)
            except Exception as e:  # a commit racing a revocation may fail; the next one covers it
                self.errors.append(str(e))

    def close(self):
        self.running = False
        self.thread.join(30)
        self.consumer.close()
        Member.closed.append(self)


def produce(bootstrap, topic, start, end, expected):
    p = Producer({"bootstrap.servers": bootstrap})
    for i in range(start, end):
        p.produce(topic, key=f"k{i}", value=f"v{i}", partition=i % PARTITIONS)
        expected.add(f"v{i}")
    p.flush(30)


def consumed_all(members, expected):
    seen = set()
    for m in list(members) + Member.closed:
        seen |= m.values
    return expected <= seen


def covers(members, n):
    if len(members) != n:
        return False
    owned = [p for m in members for p in m.owned]
    return all(m.owned for m in members) and len(owned) == PARTITIONS and len(set(owned)) == PARTITIONS


def report(members):
    for cid in sorted(members):
        print(f"  {cid} owns {sorted(members[cid].owned)} ({len(members[cid].values)} records so far)", flush=True)


def main():
    bootstrap = sys.argv[1]
    topic = sys.argv[2] if len(sys.argv) > 2 else f"py848-{int(time.time())}"
    group = sys.argv[3] if len(sys.argv) > 3 else f"g-{topic}"
    admin = AdminClient({"bootstrap.servers": bootstrap})
    for f in admin.create_topics([NewTopic(topic, PARTITIONS, 1)]).values():
        try:
            f.result()
        except Exception as e:
            if "TOPIC_ALREADY_EXISTS" not in str(e):
                raise
    t0 = time.time()
    expected = set()
    produce(bootstrap, topic, 0, 300, expected)
    members = {"c1": Member(bootstrap, topic, group, "c1"), "c2": Member(bootstrap, topic, group, "c2")}
    check("phase 1: two consumers consume every record", wait_for(60, lambda: consumed_all(members.values(), expected)))
    check("phase 1: owned partitions are disjoint and cover the topic", wait_for(60, lambda: covers(members.values(), 2)))
    report(members)
    members["c3"] = Member(bootstrap, topic, group, "c3")
    check("phase 2: a third consumer gets partitions; ownership stays disjoint", wait_for(60, lambda: covers(members.values(), 3)))
    report(members)
    produce(bootstrap, topic, 300, 600, expected)
    check("phase 2: records produced meanwhile are consumed", wait_for(60, lambda: consumed_all(members.values(), expected)))
    members.pop("c1").close()
    check("phase 3: after c1 leaves, c2 and c3 cover the topic", wait_for(60, lambda: covers(members.values(), 2)))
    report(members)
    produce(bootstrap, topic, 600, 900, expected)
    check("phase 3: records produced after c1 left are consumed", wait_for(60, lambda: consumed_all(members.values(), expected)))

    desc = admin.describe_consumer_groups([group])[group].result()
    print(f"describe: type={getattr(desc, 'type', '?')} state={desc.state} assignor={desc.partition_assignor} members={len(desc.members)}", flush=True)
    for md in desc.members:
        print(f"  member {md.member_id} client={md.client_id} host={md.host} partitions={sorted(tp.partition for tp in md.assignment.topic_partitions)}", flush=True)
    check("describe: 2 members, Stable", len(desc.members) == 2 and desc.state == ConsumerGroupState.STABLE)
    time.sleep(1)
    for m in members.values():
        m.close()
    res = admin.list_consumer_group_offsets([ConsumerGroupTopicPartitions(group)])[group].result()
    offsets = {tp.partition: tp.offset for tp in res.topic_partitions}
    print("committed offsets:", dict(sorted(offsets.items())), flush=True)
    check("committed offsets sum to the 900 records", len(offsets) == PARTITIONS and sum(offsets.values()) == 900)
    check("after every consumer closed the group is empty", wait_for(30, lambda: admin.describe_consumer_groups([group])[group].result().state == ConsumerGroupState.EMPTY))
    errors = [e for m in list(members.values()) + Member.closed for e in m.errors]
    if errors:
        print("consumer errors:", errors[:5], flush=True)
    print(f"elapsed: {int((time.time() - t0) * 1000)} ms")
    print("ALL CHECKS PASSED" if failures == 0 else f"{failures} CHECK(S) FAILED", flush=True)
    sys.exit(0 if failures == 0 else 1)


if __name__ == "__main__":
    main()
