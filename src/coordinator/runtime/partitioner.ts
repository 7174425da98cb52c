/**
 * Which partition of an internal topic owns a key (group id, transactional id): Kafka's
 * `Utils.abs(key.hashCode()) % numPartitions`, with Java's String.hashCode over UTF-16 code
 * units and Utils.abs mapping Integer.MIN_VALUE to 0 (Math.abs would leave it negative).
 * Clients never compute this, but a broker must agree with Kafka's choice for the on-disk
 * layout of __consumer_offsets / __transaction_state to stay compatible.
 */
import { invariant } from '../../util/invariant';

/** Java's String.hashCode: s[0]*31^(n-1) + ... + s[n-1], in 32-bit two's complement. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** Kafka's Utils.abs: |n|, except that Integer.MIN_VALUE gives 0. */
export function kafkaAbs(n: number): number {
  return n === -0x80000000 ? 0 : Math.abs(n);
}

export function partitionFor(key: string, numPartitions: number): number {
  invariant(Number.isInteger(numPartitions) && numPartitions > 0, () => `partition count must be positive, got ${numPartitions}`);
  return kafkaAbs(javaStringHashCode(key)) % numPartitions;
}
