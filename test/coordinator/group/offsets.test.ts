import { ErrorCode } from '../../../src/protocol/error-codes';
import { ZERO_UUID } from '../../../src/protocol/primitives/tagged';
import { buildEndTxnMarkerBatch, buildRecordBatch, ControlRecordType, readBatchHeader, readRecords } from '../../../src/protocol/records';
import { groupRecordSerde, offsetCommitRecord } from '../../../src/coordinator/group/records';
import { ClassicGroupState } from '../../../src/coordinator/group/classic/classic-group-state';
import { GroupHarness, stableGroup, subscription } from '../support/group-harness';

const ok = (name: string, ...partitions: number[]) => ({ name, partitions: partitions.map((p) => ({ partitionIndex: p, errorCode: 0 })) });

describe('offsets', () => {
  let h: GroupHarness;
  beforeEach(async () => {
    h = await GroupHarness.create();
  });

  it('a standalone consumer (generation -1, no member id) commits and fetches; its group is an Empty group with no protocol', async () => {
    expect(await h.commit({ groupId: 'solo', offsets: { t: { 0: 10n, 1: [20n, 'meta'] }, u: { 3: 1n } } })).toEqual({ topics: [ok('t', 0, 1), ok('u', 3)] });
    expect(h.fetch('solo', { t: [0, 1, 2], v: [0] })).toEqual({
      groupId: 'solo',
      errorCode: 0,
      topics: [
        {
          name: 't',
          partitions: [
            { partitionIndex: 0, committedOffset: 10n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
            { partitionIndex: 1, committedOffset: 20n, committedLeaderEpoch: -1, metadata: 'meta', errorCode: 0 },
            { partitionIndex: 2, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
          ],
        },
        { name: 'v', partitions: [{ partitionIndex: 0, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 }] },
      ],
    });
    // All partitions when topics is null.
    expect(h.fetch('solo', null).topics.map((t) => [t.name, t.partitions.map((p) => p.committedOffset)])).toEqual([
      ['t', [10n, 20n]],
      ['u', [1n]],
    ]);
    const g = h.group('solo');
    expect(g.state).toBe(ClassicGroupState.EMPTY);
    expect(g.protocolType).toBeNull();
    expect(h.shard.listGroups([], [])).toEqual([{ groupId: 'solo', protocolType: '', groupState: 'Empty', groupType: 'classic' }]);
  });

  it('an unknown group has no offsets (no error); fetch-all returns nothing', async () => {
    expect(h.fetch('nope', { t: [0] }).topics[0]!.partitions[0]).toEqual({ partitionIndex: 0, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 });
    expect(h.fetch('nope', null)).toEqual({ groupId: 'nope', errorCode: 0, topics: [] });
  });

  it('checks generation and member: ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS; GROUP_ID_NOT_FOUND from v9', async () => {
    const { members } = await stableGroup(h, 'g', 1);
    const m = members[0]!;
    const offsets = { t: { 0: 1n } };
    expect(await h.commit({ groupId: 'g', generationIdOrMemberEpoch: 2, memberId: m, offsets })).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(await h.commit({ groupId: 'g', generationIdOrMemberEpoch: 1, memberId: 'who', offsets })).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    // Outside the group (generation -1) while the group has members.
    expect(await h.commit({ groupId: 'g', offsets })).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(await h.commit({ groupId: 'g', generationIdOrMemberEpoch: 1, memberId: m, offsets })).toEqual({ topics: [ok('t', 0)] });
    // A committing member of a group that does not exist.
    expect(await h.commit({ groupId: 'missing', generationIdOrMemberEpoch: 3, memberId: m, offsets }, 8)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(await h.commit({ groupId: 'missing', generationIdOrMemberEpoch: 3, memberId: m, offsets }, 9)).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    // CompletingRebalance: the member has its new generation but no assignment yet.
    const j = h.join({ groupId: 'g', memberId: m });
    await h.settle();
    expect((await j.promise).generationId).toBe(2);
    expect(await h.commit({ groupId: 'g', generationIdOrMemberEpoch: 2, memberId: m, offsets })).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  });

  it('OFFSET_METADATA_TOO_LARGE for metadata longer than offset.metadata.max.bytes, per partition', async () => {
    h.config = { ...h.config, offsetMetadataMaxBytes: 5 };
    const r = await h.commit({ groupId: 's', offsets: { t: { 0: [1n, '12345'], 1: [2n, '123456'] } } });
    expect(r).toEqual({ topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 1, errorCode: ErrorCode.OFFSET_METADATA_TOO_LARGE }] }] });
    expect(h.offsetOf('s', 't', 0)).toBe(1n);
    expect(h.offsetOf('s', 't', 1)).toBe(-1n);
  });

  it('offsets change only once their records are appended: a failed append leaves them as they were', async () => {
    await h.commit({ groupId: 's', offsets: { t: { 0: 1n } } });
    h.log.failNext = Object.assign(new Error('disk full'), { kafkaErrorCode: ErrorCode.KAFKA_STORAGE_ERROR });
    expect(await h.commit({ groupId: 's', offsets: { t: { 0: 2n } } })).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    expect(h.offsetOf('s', 't', 0)).toBe(1n);
  });

  it('OffsetDelete: GROUP_SUBSCRIBED_TO_TOPIC for subscribed topics, NON_EMPTY_GROUP for a non-consumer group with members', async () => {
    const { members } = await stableGroup(h, 'g', 1, { protocols: [{ name: 'range', metadata: subscription(['t']) }] });
    await h.commit({ groupId: 'g', generationIdOrMemberEpoch: 1, memberId: members[0]!, offsets: { t: { 0: 1n }, old: { 0: 2n, 1: 3n } } });
    const del = (topics: Array<{ name: string; partitions: number[] }>, groupId = 'g') =>
      h.runtime.scheduleWriteOperation('offset-delete', 0, (s) => s.deleteOffsets({ groupId, topics })).catch((e: { errorCode: number }) => e.errorCode);
    expect(await del([{ name: 't', partitions: [0] }, { name: 'old', partitions: [0, 5] }])).toEqual({
      errorCode: 0,
      topics: [
        { name: 't', partitions: [{ partitionIndex: 0, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC }] },
        { name: 'old', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 5, errorCode: 0 }] },
      ],
    });
    expect(h.offsetOf('g', 'old', 0)).toBe(-1n);
    expect(h.offsetOf('g', 'old', 1)).toBe(3n);
    expect(h.offsetOf('g', 't', 0)).toBe(1n);
    expect(await del([{ name: 'x', partitions: [0] }], 'nope')).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    // A connect-style group (not the consumer protocol) cannot have offsets deleted while it has members.
    await stableGroup(h, 'c', 1, { protocolType: 'connect', protocols: [{ name: 'v1', metadata: Buffer.from('x') }] });
    expect(await del([{ name: 'x', partitions: [0] }], 'c')).toBe(ErrorCode.NON_EMPTY_GROUP);
  });

  it('require_stable: UNSTABLE_OFFSET_COMMIT while transactional offsets are pending; committed by the marker', async () => {
    await h.commit({ groupId: 'g', offsets: { t: { 0: 5n } } });
    // A TxnOffsetCommit batch (as the transaction coordinator path writes it), then reload.
    const rec = groupRecordSerde.serialize(offsetCommitRecord('g', 't', 0, { committedOffset: 9n, leaderEpoch: -1, metadata: '', commitTimestampMs: 1, expireTimestampMs: -1, recordOffset: -1, topicId: ZERO_UUID }));
    h.log.appendRaw(buildRecordBatch({ producerId: 42n, producerEpoch: 0, transactional: true, baseSequence: 0, records: [{ key: rec.key, value: rec.value, timestamp: 1 }] }));
    let h2 = await h.restart();
    expect(h2.fetch('g', { t: [0, 1] }, true).topics[0]!.partitions.map((p) => [p.committedOffset, p.errorCode])).toEqual([
      [-1n, ErrorCode.UNSTABLE_OFFSET_COMMIT],
      [-1n, 0],
    ]);
    expect(h2.fetch('g', null, true).topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNSTABLE_OFFSET_COMMIT);
    expect(h2.fetch('g', { t: [0] }, false).topics[0]!.partitions[0]!.committedOffset).toBe(5n);
    h2.log.appendRaw(buildEndTxnMarkerBatch({ type: ControlRecordType.COMMIT, producerId: 42n, producerEpoch: 0, coordinatorEpoch: 0, timestamp: 2 }));
    h2 = await h2.restart();
    expect(h2.fetch('g', { t: [0] }, true).topics[0]!.partitions[0]).toMatchObject({ committedOffset: 9n, errorCode: 0 });
  });

  it('a transaction completion (WriteTxnMarkers) writes the marker and commits or drops the pending offsets', async () => {
    const txnBatch = (pid: bigint, offset: bigint) => {
      const rec = groupRecordSerde.serialize(offsetCommitRecord('g', 't', 0, { committedOffset: offset, leaderEpoch: -1, metadata: '', commitTimestampMs: 1, expireTimestampMs: -1, recordOffset: -1, topicId: ZERO_UUID }));
      return buildRecordBatch({ producerId: pid, producerEpoch: 0, transactional: true, baseSequence: 0, records: [{ key: rec.key, value: rec.value, timestamp: 1 }] });
    };
    await h.commit({ groupId: 'g', offsets: { t: { 0: 1n } } });
    h.log.appendRaw(txnBatch(7n, 50n));
    h.log.appendRaw(txnBatch(8n, 60n));
    h = await h.restart();
    await h.runtime.scheduleTransactionCompletion(0, { producerId: 8n, producerEpoch: 0, coordinatorEpoch: 3, committed: false });
    expect(h.fetch('g', { t: [0] }, true).topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UNSTABLE_OFFSET_COMMIT);
    await h.runtime.scheduleTransactionCompletion(0, { producerId: 7n, producerEpoch: 0, coordinatorEpoch: 3, committed: true });
    expect(h.fetch('g', { t: [0] }, true).topics[0]!.partitions[0]).toMatchObject({ committedOffset: 50n, errorCode: 0 });
    const markers = h.log.batches.slice(-2).map((b) => readBatchHeader(b));
    expect(markers.map((m) => [m.producerId, m.attributes & 0x30])).toEqual([[8n, 0x30], [7n, 0x30]]);
    // The markers are in the log: a reload reaches the same state.
    h = await h.restart();
    expect(h.fetch('g', { t: [0] }, true).topics[0]!.partitions[0]).toMatchObject({ committedOffset: 50n, errorCode: 0 });
  });

  describe('expiry (offsets.retention.minutes, checked every offsets.retention.check.interval.ms)', () => {
    const retention = 24 * 3600 * 1000;
    beforeEach(() => {
      h.config = { ...h.config, offsetsRetentionMs: retention, offsetsRetentionCheckIntervalMs: 60_000 };
    });

    it("a standalone consumer's offsets expire a retention period after their commit; then the group goes", async () => {
      // The check timer was scheduled at load with the default interval; restart to pick up 60 s.
      h = await h.restart();
      await h.commit({ groupId: 's', offsets: { t: { 0: 1n } } });
      await h.advance(retention / 2);
      await h.commit({ groupId: 's', offsets: { t: { 1: 2n } } });
      await h.advance(retention / 2);
      expect(h.offsetOf('s', 't', 0)).toBe(-1n);
      expect(h.offsetOf('s', 't', 1)).toBe(2n);
      await h.advance(retention / 2);
      expect(h.offsetOf('s', 't', 1)).toBe(-1n);
      expect(h.shard.groups.group('s')).toBeUndefined();
      // Tombstones are in the log: a reload finds nothing.
      const h2 = await h.restart();
      expect(h2.shard.groups.group('s')).toBeUndefined();
      expect(h2.offsetOf('s', 't', 1)).toBe(-1n);
    });

    it("a consumer group's offsets expire a retention period after it became empty, not while it has members", async () => {
      const hour = 3_600_000;
      h.config = { ...h.config, offsetsRetentionMs: hour };
      h = await h.restart();
      const { members } = await stableGroup(h, 'g', 1, { sessionTimeoutMs: 1_800_000 });
      await h.commit({ groupId: 'g', generationIdOrMemberEpoch: 1, memberId: members[0]!, offsets: { t: { 0: 3n } } });
      // Stable and subscribed to t: never expires however long it runs.
      for (let i = 0; i < 12; i++) {
        await h.advance(hour / 3);
        expect(await h.heartbeat('g', members[0]!, 1)).toBe(0);
      }
      expect(h.offsetOf('g', 't', 0)).toBe(3n);
      await h.leave('g', [{ memberId: members[0]! }]);
      await h.advance(hour - 60_000);
      expect(h.offsetOf('g', 't', 0)).toBe(3n);
      await h.advance(120_000);
      expect(h.offsetOf('g', 't', 0)).toBe(-1n);
      expect(h.shard.groups.group('g')).toBeUndefined();
    });

    it('OffsetCommit v2-v4 retention time: the offset expires at commit time + retention (value v1 record)', async () => {
      h = await h.restart();
      await h.commit({ groupId: 's', retentionTimeMs: 120_000, offsets: { t: { 0: 1n } } });
      const [record] = readRecords(h.log.batches[h.log.batches.length - 1]!);
      expect(record!.value!.readInt16BE(0)).toBe(1); // OffsetCommitValue v1 carries the expiry
      expect(groupRecordSerde.deserialize(record!.key!, record!.value)).toMatchObject({ value: { expireTimestamp: BigInt(h.clock.now() + 120_000) } });
      await h.advance(60_000);
      expect(h.offsetOf('s', 't', 0)).toBe(1n);
      await h.advance(60_000);
      expect(h.offsetOf('s', 't', 0)).toBe(-1n);
    });
  });

  it('offsets of a deleted topic are removed (tombstones)', async () => {
    await h.commit({ groupId: 'a', offsets: { t: { 0: 1n, 1: 2n }, keep: { 0: 3n } } });
    await h.commit({ groupId: 'b', offsets: { t: { 4: 1n } } });
    await h.runtime.scheduleWriteOperation('topic-deleted', 0, (s) => s.onTopicDeleted('t'));
    expect(h.fetch('a', null).topics.map((t) => t.name)).toEqual(['keep']);
    expect(h.fetch('b', null).topics).toEqual([]);
    const h2 = await h.restart();
    expect(h2.fetch('a', null).topics.map((t) => t.name)).toEqual(['keep']);
  });
});
