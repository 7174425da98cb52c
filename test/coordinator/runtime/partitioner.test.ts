import { javaStringHashCode, kafkaAbs, partitionFor } from '../../../src/coordinator/runtime/partitioner';

describe('coordinator partitioning (Utils.abs(String.hashCode) % partitions)', () => {
  it("matches Java's String.hashCode", () => {
    expect(javaStringHashCode('')).toBe(0);
    expect(javaStringHashCode('hello')).toBe(99162322);
    expect(javaStringHashCode('Aa')).toBe(javaStringHashCode('BB'));
    expect(javaStringHashCode('polygenelubricants')).toBe(-0x80000000);
    // UTF-16 code units: a surrogate pair counts as two.
    expect(javaStringHashCode('\u{1F600}')).toBe(0xd83d * 31 + 0xde00);
  });

  it('Utils.abs maps Integer.MIN_VALUE to 0', () => {
    expect(kafkaAbs(-0x80000000)).toBe(0);
    expect(kafkaAbs(-5)).toBe(5);
  });

  it('puts groups in the partitions Kafka 4.4 put them in (__consumer_offsets with 50 partitions)', () => {
    // Partitions observed in a Kafka 4.4 data directory for these group ids.
    expect(partitionFor('sg', 50)).toBe(18);
    expect(partitionFor('jg', 50)).toBe(39);
    expect(partitionFor('sg9', 50)).toBe(15);
    expect(partitionFor('sg2', 50)).toBe(8);
    expect(partitionFor('', 50)).toBe(0);
    expect(partitionFor('polygenelubricants', 50)).toBe(0);
    expect(partitionFor('anything', 1)).toBe(0);
  });
});
