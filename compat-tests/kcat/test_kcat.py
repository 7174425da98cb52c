"""librdkafka through kcat (the Debian package, unmodified) against the target broker:
metadata (-L), produce/consume with keys, headers, NULL values and every codec, offsets by
timestamp (-Q and -o s@), balanced consumer groups (-G) and transactional produce.

Topics are auto-created by the producer's metadata request (auto.create.topics.enable, on in
Tributary's development profile and in the reference Kafka), so each has one partition.
"""
import json
import subprocess
import time

import pytest


def kcat(bootstrap, *args, stdin=None, timeout=30):
    """Runs kcat and returns its stdout; fails the test with kcat's stderr on a non-zero exit."""
    proc = subprocess.run(
        ["kcat", "-b", bootstrap, "-m", "10", *args],
        input=stdin, capture_output=True, text=True, timeout=timeout,
    )
    if proc.returncode != 0:
        pytest.fail(f"kcat {' '.join(args)} exited {proc.returncode}:\n{proc.stderr}")
    return proc.stdout


def produce(bootstrap, topic, lines, *extra):
    """Produces one message per line, 'key:value', and waits for every delivery report."""
    kcat(bootstrap, "-P", "-t", topic, "-K", ":", "-X", "acks=all", *extra, stdin="".join(f"{l}\n" for l in lines))


def consume(bootstrap, topic, *extra, count=None):
    """Consumes partition 0 from the beginning to the end (-e) and returns the JSON envelopes."""
    args = ["-C", "-t", topic, "-p", "0", "-o", "beginning", "-e", "-J", *extra]
    if count is not None:
        args += ["-c", str(count)]
    return [json.loads(l) for l in kcat(bootstrap, *args).splitlines() if l.strip()]


def headers_of(msg):
    """kcat -J prints headers as a flat [name, value, name, value, ...] list."""
    h = msg.get("headers") or []
    return dict(zip(h[0::2], h[1::2]))


def test_metadata_lists_brokers_and_a_new_topic(bootstrap, names):
    topic = names("kcat-meta")
    produce(bootstrap, topic, ["k:v"])
    meta = json.loads(kcat(bootstrap, "-L", "-J", "-t", topic))
    assert len(meta["brokers"]) == 1
    broker = meta["brokers"][0]
    assert broker["name"].split("/")[0] == bootstrap
    [t] = [t for t in meta["topics"] if t["topic"] == topic]
    assert t.get("error") is None
    [p] = t["partitions"]
    assert p["partition"] == 0
    assert p["leader"] == broker["id"]
    assert [r["id"] for r in p["replicas"]] == [broker["id"]]
    assert [r["id"] for r in p["isrs"]] == [broker["id"]]


def test_produce_and_consume_keys_headers_and_nulls(bootstrap, names):
    topic = names("kcat-roundtrip")
    produce(bootstrap, topic, ["k1:hello", "k2:world", "k3:"], "-H", "h1=v1", "-H", "trace=abc", "-Z")
    got = consume(bootstrap, topic)
    assert [(m["offset"], m["key"], m["payload"]) for m in got] == [(0, "k1", "hello"), (1, "k2", "world"), (2, "k3", None)]
    assert all(headers_of(m) == {"h1": "v1", "trace": "abc"} for m in got)
    assert all(m["tstype"] == "create" and m["ts"] > 0 for m in got)


def test_consume_from_an_offset_and_relative_to_the_end(bootstrap, names):
    topic = names("kcat-offsets")
    produce(bootstrap, topic, [f"k{i}:v{i}" for i in range(10)])
    from_7 = [json.loads(l) for l in kcat(bootstrap, "-C", "-t", topic, "-p", "0", "-o", "7", "-e", "-J").splitlines()]
    assert [m["payload"] for m in from_7] == ["v7", "v8", "v9"]
    last_2 = [json.loads(l) for l in kcat(bootstrap, "-C", "-t", topic, "-p", "0", "-o", "-2", "-e", "-J").splitlines()]
    assert [m["payload"] for m in last_2] == ["v8", "v9"]


@pytest.mark.parametrize("codec", ["gzip", "snappy", "lz4", "zstd"])
def test_compressed_batches(bootstrap, names, codec):
    topic = names(f"kcat-{codec}")
    values = [f"{codec} payload {i} " * 20 for i in range(50)]
    # linger so that the 50 messages travel as one compressed batch.
    produce(bootstrap, topic, [f"k{i}:{v}" for i, v in enumerate(values)], "-z", codec, "-X", "linger.ms=100")
    got = consume(bootstrap, topic)
    assert [m["payload"] for m in got] == values
    assert [m["offset"] for m in got] == list(range(50))


def test_offsets_by_timestamp(bootstrap, names):
    topic = names("kcat-times")
    produce(bootstrap, topic, ["a:early-1", "b:early-2"])
    time.sleep(0.05)
    middle = int(time.time() * 1000)
    time.sleep(0.05)
    produce(bootstrap, topic, ["c:late-1", "d:late-2"])

    out = kcat(bootstrap, "-Q", "-t", f"{topic}:0:{middle}").strip()
    # "<topic> [0] offset 2"
    assert out.split()[-1] == "2", out
    late = [json.loads(l) for l in kcat(bootstrap, "-C", "-t", topic, "-p", "0", "-o", f"s@{middle}", "-e", "-J").splitlines()]
    assert [m["payload"] for m in late] == ["late-1", "late-2"]
    future = kcat(bootstrap, "-Q", "-t", f"{topic}:0:{middle + 3_600_000}").strip()
    # Later than every record: Kafka answers offset -1 (no such record), kcat prints it as is.
    assert future.split()[-1] == "-1", future


def test_balanced_consumer_group_commits_and_resumes(bootstrap, names):
    topic = names("kcat-group")
    group = names("kcat-group-id")
    produce(bootstrap, topic, [f"k{i}:first-{i}" for i in range(5)])

    def group_consume(count):
        # No -o: in -G mode kcat applies -o to every assigned partition, overriding the
        # committed offset. auto.offset.reset covers a group with nothing committed.
        out = kcat(bootstrap, "-G", group, "-X", "auto.offset.reset=earliest", "-e", "-J", "-c", str(count), topic, timeout=60)
        return [json.loads(l) for l in out.splitlines() if l.strip()]

    first = group_consume(5)
    assert [m["payload"] for m in first] == [f"first-{i}" for i in range(5)]

    produce(bootstrap, topic, [f"k{i}:second-{i}" for i in range(3)])
    # kcat commits on close; the group resumes from the committed offset (5).
    second = group_consume(3)
    assert [m["payload"] for m in second] == [f"second-{i}" for i in range(3)]
    assert [m["offset"] for m in second] == [5, 6, 7]


def test_idempotent_producer(bootstrap, names):
    topic = names("kcat-idempotent")
    produce(bootstrap, topic, [f"k{i}:v{i}" for i in range(20)], "-X", "enable.idempotence=true")
    got = consume(bootstrap, topic)
    assert [m["payload"] for m in got] == [f"v{i}" for i in range(20)]


def test_transactional_produce_is_visible_once_committed(bootstrap, names):
    topic = names("kcat-txn")
    produce(bootstrap, topic, ["k1:in-txn-1", "k2:in-txn-2"], "-X", f"transactional.id={names('kcat-txn-id')}")
    # librdkafka consumers read committed by default; the commit marker is not a message.
    got = consume(bootstrap, topic, "-X", "isolation.level=read_committed")
    assert [m["payload"] for m in got] == ["in-txn-1", "in-txn-2"]
