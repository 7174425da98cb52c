import { groupRecordSerde, type GroupRecord } from '../../../../src/coordinator/group/records';
import {
  currentAssignmentRecord,
  currentAssignmentTombstone,
  groupEpochRecord,
  memberSubscriptionRecord,
  regularExpressionRecord,
  targetAssignmentEpochRecord,
  targetAssignmentRecord,
} from '../../../../src/coordinator/group/consumer/consumer-group-records';
import { newMember, withChanges, withMemberMetadata } from '../../../../src/coordinator/group/consumer/consumer-group-member';
import { MemberState } from '../../../../src/coordinator/group/consumer/member-state';

/**
 * Records written by Apache Kafka 4.4.0 to __consumer_offsets (captured from a reference broker:
 * a member joining with ConsumerGroupHeartbeat v1, instance id i-1, rack r1, assignor range, then
 * leaving with epoch -2; and a regex member).
 */
const KAFKA = {
  memberMetadata: {
    key: '0005000d666978747572652d67726f75700016666978747572652d6d656d6265722d30303030303031',
    value: '000004692d310372310b7261772d636c69656e740b2f3132372e302e302e3102077265662d7431010000afc80672616e676501000100',
  },
  groupEpoch: { key: '0003000d666978747572652d67726f7570', value: '0000000000020100080d1f062088fe49bd' },
  targetMember: {
    key: '0007000d666978747572652d67726f75700016666978747572652d6d656d6265722d30303030303031',
    value: '000002479a051b15fb421aaa815cb7dcd78bfe070000000000000001000000020000000300000004000000050000',
  },
  targetMetadata: { key: '0006000d666978747572652d67726f7570', value: '000000000002010008000001a219047e92' },
  currentAssignment: {
    key: '0008000d666978747572652d67726f75700016666978747572652d6d656d6265722d30303030303031',
    value: '000000000002000000000002479a051b15fb421aaa815cb7dcd78bfe07000000000000000100000002000000030000000400000005010019070000000200000002000000020000000200000002000000020100',
  },
  staticLeave: {
    key: '0008000d666978747572652d67726f75700016666978747572652d6d656d6265722d30303030303031',
    value: '0000fffffffe000000000002479a051b15fb421aaa815cb7dcd78bfe07000000000000000100000002000000030000000400000005010019070000000000000000000000000000000000000000000000000100',
  },
  regex: {
    key: '0010001072702d31373935373135373131353431000b7265662d742e2a7c742e2a',
    value: '000003077265662d7431077265662d74320000000000000c18000001a218ff428700',
  },
  regexMember: {
    key: '0005001072702d3137393537313537313135343100156d2d31373935373135373131353739787878787878',
    value: '000000000b7261772d636c69656e740b2f3132372e302e302e31010c7265662d742e2a7c742e2a000075300001000100',
  },
  emptyGroupEpoch: { key: '0003001072702d31373935373135373131353431', value: '00000000000300' },
  currentTombstone: { key: '0008001072702d3137393537313537313135343100156d2d31373935373135373131353739787878787878', value: null },
};

const TOPIC = 'R5oFGxX7QhqqgVy33NeL_g';
const GROUP = 'fixture-group';
const MEMBER = 'fixture-member-0000001';

function bytes(r: GroupRecord): { key: string; value: string | null } {
  const s = groupRecordSerde.serialize(r);
  return { key: s.key.toString('hex'), value: s.value?.toString('hex') ?? null };
}

function decode(f: { key: string; value: string | null }): GroupRecord {
  const r = groupRecordSerde.deserialize(Buffer.from(f.key, 'hex'), f.value === null ? null : Buffer.from(f.value, 'hex'));
  if (!r) throw new Error('unknown record type');
  return r;
}

describe('consumer group records in Kafka 4.4 formats', () => {
  it.each(Object.entries(KAFKA))('%s: decodes and re-encodes byte for byte', (_name, f) => {
    expect(bytes(decode(f))).toEqual(f);
  });

  it('decodes what Kafka wrote', () => {
    expect(decode(KAFKA.groupEpoch)).toEqual({ type: 'cg-metadata', groupId: GROUP, value: { epoch: 2, metadataHash: 945481183578180029n } });
    expect(decode(KAFKA.targetMetadata)).toEqual({ type: 'cg-target-assignment-metadata', groupId: GROUP, value: { assignmentEpoch: 2, assignmentTimestamp: 1795716054674n } });
    const current = decode(KAFKA.currentAssignment);
    expect(current).toMatchObject({
      type: 'cg-current-member-assignment', groupId: GROUP, memberId: MEMBER,
      value: { memberEpoch: 2, previousMemberEpoch: 0, state: 0, assignedPartitions: [{ topicId: TOPIC, partitions: [0, 1, 2, 3, 4, 5], assignmentEpochs: [2, 2, 2, 2, 2, 2] }], partitionsPendingRevocation: [] },
    });
    const member = decode(KAFKA.memberMetadata);
    expect(member).toMatchObject({
      type: 'cg-member-metadata',
      value: { instanceId: 'i-1', rackId: 'r1', clientId: 'raw-client', clientHost: '/127.0.0.1', subscribedTopicNames: ['ref-t1'], subscribedTopicRegex: '', rebalanceTimeoutMs: 45000, serverAssignor: 'range' },
    });
    expect(decode(KAFKA.regex)).toEqual({ type: 'cg-regular-expression', groupId: 'rp-1795715711541', regex: 'ref-t.*|t.*', value: { topics: ['ref-t1', 'ref-t2'], version: 3096n, timestamp: 1795715711623n } });
  });

  it('the record builders write exactly what Kafka writes', () => {
    const member = withChanges(newMember(MEMBER), {
      instanceId: 'i-1', rackId: 'r1', clientId: 'raw-client', clientHost: '/127.0.0.1', subscribedTopicNames: new Set(['ref-t1']),
      rebalanceTimeoutMs: 45000, serverAssignorName: 'range', memberEpoch: 2, previousMemberEpoch: 0, state: MemberState.STABLE,
      assignedPartitions: new Map([[TOPIC, new Map([0, 1, 2, 3, 4, 5].map((p) => [p, 2]))]]),
    });
    expect(bytes(memberSubscriptionRecord(GROUP, member))).toEqual(KAFKA.memberMetadata);
    expect(bytes(groupEpochRecord(GROUP, 2, 945481183578180029n))).toEqual(KAFKA.groupEpoch);
    expect(bytes(targetAssignmentRecord(GROUP, MEMBER, new Map([[TOPIC, new Set([0, 1, 2, 3, 4, 5])]])))).toEqual(KAFKA.targetMember);
    expect(bytes(targetAssignmentEpochRecord(GROUP, 2, 1795716054674))).toEqual(KAFKA.targetMetadata);
    expect(bytes(currentAssignmentRecord(GROUP, member))).toEqual(KAFKA.currentAssignment);
    expect(bytes(regularExpressionRecord('rp-1795715711541', 'ref-t.*|t.*', ['ref-t2', 'ref-t1'], 3096n, 1795715711623))).toEqual(KAFKA.regex);
    expect(bytes(groupEpochRecord('rp-1795715711541', 3, 0n))).toEqual(KAFKA.emptyGroupEpoch);
    expect(bytes(currentAssignmentTombstone('rp-1795715711541', 'm-1795715711579xxxxxx'))).toEqual(KAFKA.currentTombstone);
  });

  it('a member read back from its record writes the same record', () => {
    const r = decode(KAFKA.regexMember);
    if (r.type !== 'cg-member-metadata' || !r.value) throw new Error('not a member record');
    const m = withMemberMetadata(newMember(r.memberId), r.value);
    expect(m.subscribedTopicRegex).toBe('ref-t.*|t.*');
    expect(bytes(memberSubscriptionRecord(r.groupId, m))).toEqual(KAFKA.regexMember);
  });

  it('values of a later version are read with the v0 layout (tagged fields only)', () => {
    const v1 = '0001' + KAFKA.groupEpoch.value.slice(4);
    expect(decode({ key: KAFKA.groupEpoch.key, value: v1 })).toEqual(decode(KAFKA.groupEpoch));
  });

  it('record types of other group kinds are skipped', () => {
    // ShareGroupMetadataKey (type 11): unknown to this coordinator.
    expect(groupRecordSerde.deserialize(Buffer.from('000b00016700', 'hex'), null)).toBeUndefined();
  });
});
