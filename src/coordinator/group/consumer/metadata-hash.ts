/**
 * The metadata hash of a consumer group (KIP-1101, Kafka 4.1+): one 64-bit value summarising the
 * metadata of every subscribed topic that exists (id, name, partition count, the racks of each
 * partition). It is stored in the group epoch record; when it changes (partitions added, topic
 * created or deleted) the group epoch is bumped and a new target assignment computed.
 *
 * The inputs and their order follow Kafka's Utils.computeTopicHash / computeGroupHash (magic
 * byte 0, topic id, name, partition count, per partition its index and sorted racks; topics
 * sorted by name). Kafka hashes them with XXH3-64; this broker uses FNV-1a 64 over the same
 * bytes, so the stored value differs from Kafka's. The only effect of a foreign hash (a log
 * written by the other broker) is one extra rebalance after loading.
 */
import type { TopicsImage } from './topics-image';

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = (1n << 64n) - 1n;

class Fnv64 {
  private h = FNV_OFFSET;

  bytes(b: Uint8Array): this {
    let h = this.h;
    for (const x of b) h = ((h ^ BigInt(x)) * FNV_PRIME) & MASK;
    this.h = h;
    return this;
  }

  byte(x: number): this {
    return this.bytes(Uint8Array.of(x & 0xff));
  }

  int32(x: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(x);
    return this.bytes(b);
  }

  int64(x: bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt.asIntN(64, x));
    return this.bytes(b);
  }

  string(s: string): this {
    return this.bytes(Buffer.from(s, 'utf8'));
  }

  /** As a signed long, like Kafka's. */
  value(): bigint {
    return BigInt.asIntN(64, this.h);
  }
}

/** Hash of one topic, 0 if it does not exist. */
export function computeTopicHash(topicName: string, image: TopicsImage): bigint {
  const t = image.topicByName(topicName);
  if (!t) return 0n;
  const h = new Fnv64().byte(0);
  const id = Buffer.from(t.id, 'base64url');
  h.bytes(id.length === 16 ? id : Buffer.alloc(16)).string(t.name).int32(t.numPartitions);
  for (let p = 0; p < t.numPartitions; p++) {
    h.int32(p);
    for (const rack of t.partitionRacks(p).sort()) h.int32(rack.length).string(rack);
  }
  return h.value();
}

/** Hash over topic hashes sorted by topic name; 0 when there are none. */
export function computeGroupHash(topicHashes: ReadonlyMap<string, bigint>): bigint {
  if (topicHashes.size === 0) return 0n;
  const h = new Fnv64();
  for (const name of [...topicHashes.keys()].sort()) h.int64(topicHashes.get(name)!);
  return h.value();
}

/**
 * Topic hashes cached per image version (Kafka keeps a topic hash cache cleared on metadata
 * updates).
 */
export class TopicHashCache {
  private version = -1n;
  private readonly cache = new Map<string, bigint>();

  constructor(private readonly image: TopicsImage) {}

  /** The group hash of the subscribed topic names that exist. */
  metadataHash(subscribedTopicNames: Iterable<string>): bigint {
    if (this.image.version !== this.version) {
      this.cache.clear();
      this.version = this.image.version;
    }
    const hashes = new Map<string, bigint>();
    for (const name of subscribedTopicNames) {
      if (!this.image.topicByName(name)) continue;
      let h = this.cache.get(name);
      if (h === undefined) this.cache.set(name, (h = computeTopicHash(name, this.image)));
      hashes.set(name, h);
    }
    return computeGroupHash(hashes);
  }
}
