import { groupRecordSerde, groupMetadataTombstone, offsetCommitRecord, offsetCommitTombstone, type GroupRecord } from '../../../src/coordinator/group/records';
import { buildRecordBatch } from '../../../src/protocol/records';
import { ZERO_UUID } from '../../../src/protocol/primitives/tagged';
import { ClassicGroupState } from '../../../src/coordinator/group/classic/classic-group-state';
import { GroupHarness } from '../support/group-harness';
import { MemoryLog } from '../support/memory-log';

/**
 * Records captured from the __consumer_offsets log of Apache Kafka 4.4.0
 * (compat-tests/reference-kafka), written by its group coordinator.
 */
const KAFKA = {
  // group "sg", topic "pt" partition 0, offset 7, metadata "m", topic id biv6gn6iSJCFHoMJOYveMQ (OffsetCommit v9)
  offsetKey: '0001000273670002707400000000',
  offsetValue: '00040000000000000007ffffffff026d000001a218ba50fe0100106e2bfa827ea24890851e8309398bde31',
  // group "sg2": OffsetCommit v2 with retention 100 s → value v1 with an expiry time
  expiringKey: '000100037367320002707400000000',
  expiringValue: '000100000000000000030000000001a218ba5130000001a218bbd7d0',
  // group "jg" just created (empty), then stable with one member
  groupKey: '000200026a67',
  emptyGroupValue: '0003000000000000ffffffff000001a218baa82f00000000',
  stableGroupValue:
    '00030008636f6e73756d657200000001000572616e6765002a70726f62652d39323262333964662d353233652d343366362d393436362d616331366532376132666131000001a218baa86300000001002a70726f62652d39323262333964662d353233652d343366362d393436362d616331366532376132666131ffff000570726f6265000a2f3132372e302e302e3100001388000027100000000e00000000000100027074ffffffff000000020909',
};
const hex = (s: string) => Buffer.from(s, 'hex');

describe('__consumer_offsets records', () => {
  it("reads Kafka 4.4's records and writes them back byte for byte", () => {
    const cases: Array<[string, string | null]> = [
      [KAFKA.offsetKey, KAFKA.offsetValue],
      [KAFKA.expiringKey, KAFKA.expiringValue],
      [KAFKA.groupKey, KAFKA.emptyGroupValue],
      [KAFKA.groupKey, KAFKA.stableGroupValue],
      [KAFKA.offsetKey, null],
      [KAFKA.groupKey, null],
    ];
    for (const [k, v] of cases) {
      const record = groupRecordSerde.deserialize(hex(k), v === null ? null : hex(v));
      expect(record).toBeDefined();
      const back = groupRecordSerde.serialize(record!);
      expect(back.key.toString('hex')).toBe(k);
      expect(back.value === null ? null : back.value.toString('hex')).toBe(v);
    }
  });

  it('decodes the fields Kafka wrote', () => {
    expect(groupRecordSerde.deserialize(hex(KAFKA.offsetKey), hex(KAFKA.offsetValue))).toEqual({
      type: 'offset-commit',
      key: { group: 'sg', topic: 'pt', partition: 0 },
      value: { offset: 7n, leaderEpoch: -1, metadata: 'm', commitTimestamp: 1795711193342n, expireTimestamp: -1n, topicId: 'biv6gn6iSJCFHoMJOYveMQ' },
    });
    const g = groupRecordSerde.deserialize(hex(KAFKA.groupKey), hex(KAFKA.stableGroupValue)) as Extract<GroupRecord, { type: 'group-metadata' }>;
    expect(g.value).toMatchObject({ protocolType: 'consumer', generation: 1, protocol: 'range', leader: 'probe-922b39df-523e-43f6-9466-ac16e27a2fa1' });
    expect(g.value!.members[0]).toMatchObject({ clientId: 'probe', clientHost: '/127.0.0.1', rebalanceTimeout: 5000, sessionTimeout: 10000, groupInstanceId: null });
    expect(g.value!.members[0]!.assignment).toEqual(Buffer.from([9, 9]));
  });

  it('writes the layouts Kafka reads: type prefix, value version (v4 with topic id, v1 with expiry)', () => {
    const o = { committedOffset: 42n, leaderEpoch: 3, metadata: 'x', commitTimestampMs: 1000, expireTimestampMs: -1, recordOffset: -1, topicId: ZERO_UUID };
    const plain = groupRecordSerde.serialize(offsetCommitRecord('g', 't', 5, o));
    expect(plain.key.toString('hex')).toBe('0001' + '000167' + '000174' + '00000005');
    // v4: offset, leader epoch, compact string metadata, timestamp, no tagged fields (zero topic id omitted)
    expect(plain.value!.toString('hex')).toBe('0004' + '000000000000002a' + '00000003' + '0278' + '00000000000003e8' + '00');
    const expiring = groupRecordSerde.serialize(offsetCommitRecord('g', 't', 5, { ...o, expireTimestampMs: 5000 }));
    expect(expiring.value!.toString('hex')).toBe('0001' + '000000000000002a' + '000178' + '00000000000003e8' + '0000000000001388');
    expect(groupRecordSerde.serialize(offsetCommitTombstone('g', 't', 5))).toEqual({ key: plain.key, value: null });
    expect(groupRecordSerde.serialize(groupMetadataTombstone('g')).key.toString('hex')).toBe('0002000167');
  });

  it('reads old versions (value v0, legacy key type 0) and skips record types it does not know', () => {
    // Legacy key type 0 with value v0: offset, metadata, commit timestamp.
    const r = groupRecordSerde.deserialize(hex('0000' + '000167' + '000174' + '00000001'), hex('0000' + '0000000000000009' + '0000' + '0000000000000064'));
    expect(r).toEqual({ type: 'offset-commit', key: { group: 'g', topic: 't', partition: 1 }, value: { offset: 9n, leaderEpoch: -1, metadata: '', commitTimestamp: 100n, expireTimestamp: -1n, topicId: ZERO_UUID } });
    // GroupMetadataValue v0: no state timestamp, no rebalance timeout, no instance id.
    const v0 = groupRecordSerde.deserialize(hex('0002000167'), hex('0000' + '0001' + '63' + '00000002' + '0001' + '72' + '0001' + '6d' + '00000001' + '0001' + '6d' + '0001' + '63' + '0001' + '68' + '00002710' + '00000001' + '01' + '00000001' + '02'));
    expect(v0).toMatchObject({ value: { protocolType: 'c', generation: 2, protocol: 'r', leader: 'm', currentStateTimestamp: -1n, members: [{ memberId: 'm', rebalanceTimeout: -1, sessionTimeout: 10000, groupInstanceId: null }] } });
    // Share group records (ShareGroupMetadataKey, type 11) are not known to this coordinator.
    expect(groupRecordSerde.deserialize(hex('000b000167'), hex('0000'))).toBeUndefined();
  });

  it("loads a partition written by Kafka 4.4: the group, its member and the offsets come back", async () => {
    const log = new MemoryLog();
    const batch = (k: string, v: string | null) => buildRecordBatch({ records: [{ key: hex(k), value: v === null ? null : hex(v), timestamp: 1 }] });
    log.appendRaw(batch(KAFKA.groupKey, KAFKA.emptyGroupValue));
    log.appendRaw(batch(KAFKA.groupKey, KAFKA.stableGroupValue));
    log.appendRaw(batch(KAFKA.offsetKey, KAFKA.offsetValue));
    const h = await GroupHarness.create({}, { log });
    const g = h.group('jg');
    expect(g.state).toBe(ClassicGroupState.STABLE);
    expect(g.generationId).toBe(1);
    expect(g.protocolName).toBe('range');
    expect(g.subscribedTopics).toEqual(new Set(['pt']));
    expect(g.member('probe-922b39df-523e-43f6-9466-ac16e27a2fa1')!.assignment).toEqual(Buffer.from([9, 9]));
    expect(h.offsetOf('sg', 'pt', 0)).toBe(7n);
    expect(h.shard.groups.classicGroup('sg')!.protocolType).toBeNull();
  });
});
