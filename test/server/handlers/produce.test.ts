import { ErrorCode } from '../../../src/protocol/error-codes';
import { Compression, TimestampType, buildMessageSet, buildRecordBatch, readBatchHeader, readRecords } from '../../../src/protocol/records';
import { FetchIsolation } from '../../../src/replication/partition';
import { ProduceHandler } from '../../../src/server/handlers/produce';
import { batch, openHarness, type Harness } from '../../replication/support/harness';
import { call, produceRequest } from './data-path-support';

describe('ProduceHandler', () => {
  let h: Harness;
  let handler: ProduceHandler;
  beforeEach(async () => {
    h = await openHarness();
    handler = new ProduceHandler(h.partitions);
    await h.createTopic('t', 2);
  });
  afterEach(() => h.close());

  const stored = async (topic = 't', partition = 0) =>
    (await h.partitions.leaderPartition(topic, partition).read(0, 1 << 20, FetchIsolation.HIGH_WATERMARK, true)).records;

  it('serves v0 (the minimum) by converting a magic-0 message set to a magic-2 batch', async () => {
    const set = buildMessageSet({ magic: 0, messages: [{ key: Buffer.from('a'), value: Buffer.from('x') }, { value: Buffer.from('y') }] });
    const { body } = await call(handler, 0, produceRequest('t', 0, set));
    expect(body.responses).toEqual([
      { name: 't', topicId: expect.any(String), partitionResponses: [expect.objectContaining({ index: 0, errorCode: 0, baseOffset: 0n })] },
    ]);
    const log = await stored();
    expect(readBatchHeader(log).magic).toBe(2);
    expect(readRecords(log).map((r) => r.value!.toString())).toEqual(['x', 'y']);
  });

  it('returns the log append time (v2+) on LogAppendTime topics', async () => {
    await h.createTopic('lat', 1, { 'message.timestamp.type': 'LogAppendTime' });
    const set = buildMessageSet({ magic: 1, messages: [{ value: Buffer.from('x'), timestamp: 5 }] });
    const { body } = await call(handler, 2, produceRequest('lat', 0, set));
    const p = body.responses[0].partitionResponses[0];
    expect(p).toMatchObject({ errorCode: 0, baseOffset: 0n, logAppendTimeMs: BigInt(h.clock.now()) });
    const header = readBatchHeader(await stored('lat'));
    expect(header.attributes & 0x08).toBe(0x08);
    expect(header.maxTimestamp).toBe(BigInt(h.clock.now()));
  });

  it('refuses legacy message sets from v3 on', async () => {
    const set = buildMessageSet({ magic: 1, messages: [{ value: Buffer.from('x'), timestamp: 5 }] });
    const { body } = await call(handler, 3, produceRequest('t', 0, set));
    expect(body.responses[0].partitionResponses[0]).toMatchObject({ errorCode: ErrorCode.INVALID_RECORD, baseOffset: -1n });
  });

  it('lists record errors from v8 and only the code before', async () => {
    await h.createTopic('cmp', 1, { 'cleanup.policy': 'compact' });
    const records = buildRecordBatch({ records: [{ key: Buffer.from('a'), value: Buffer.from('1') }, { key: null, value: Buffer.from('2') }] });
    const v8 = (await call(handler, 8, produceRequest('cmp', 0, records))).body.responses[0].partitionResponses[0];
    expect(v8).toMatchObject({
      errorCode: ErrorCode.INVALID_RECORD,
      baseOffset: -1n,
      logStartOffset: 0n,
      recordErrors: [{ batchIndex: 1, batchIndexErrorMessage: 'Compacted topic cannot accept message without key in topic partition cmp-0' }],
    });
    expect(v8.errorMessage).toMatch(/^One or more records have been rejected/);
    const v7 = (await call(handler, 7, produceRequest('cmp', 0, records))).body.responses[0].partitionResponses[0];
    expect(v7).toMatchObject({ errorCode: ErrorCode.INVALID_RECORD, recordErrors: [], errorMessage: null });
  });

  it('answers MESSAGE_TOO_LARGE and CORRUPT_MESSAGE with log start offset -1', async () => {
    await h.createTopic('small', 1, { 'max.message.bytes': '200' });
    const big = buildRecordBatch({ records: [{ value: Buffer.alloc(500) }] });
    const tooLarge = (await call(handler, 9, produceRequest('small', 0, big))).body.responses[0].partitionResponses[0];
    expect(tooLarge).toMatchObject({ errorCode: ErrorCode.MESSAGE_TOO_LARGE, baseOffset: -1n, logStartOffset: -1n });
    const corrupt = batch(2);
    corrupt[corrupt.length - 1] ^= 0xff;
    const bad = (await call(handler, 9, produceRequest('t', 0, corrupt))).body.responses[0].partitionResponses[0];
    expect(bad).toMatchObject({ errorCode: ErrorCode.CORRUPT_MESSAGE, logStartOffset: -1n });
  });

  it('serves v13 (the maximum) by topic id, UNKNOWN_TOPIC_ID for an unknown id', async () => {
    const topicId = h.metadata.topic('t')!.topicId;
    const ok = (await call(handler, 13, produceRequest('', 1, batch(2), { topicId }))).body;
    expect(ok.responses[0]).toMatchObject({ name: '', topicId, partitionResponses: [expect.objectContaining({ index: 1, errorCode: 0, baseOffset: 0n, logStartOffset: 0n })] });
    const unknown = (await call(handler, 13, produceRequest('', 0, batch(1), { topicId: 'AAAAAAAAAAAAAAAAAAAAAQ' }))).body;
    expect(unknown.responses[0].partitionResponses[0]).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_ID, baseOffset: -1n, logStartOffset: -1n });
  });

  it('recompresses to the topic compression.type', async () => {
    await h.createTopic('gz', 1, { 'compression.type': 'gzip' });
    await call(handler, 9, produceRequest('gz', 0, batch(3)));
    const header = readBatchHeader(await stored('gz'));
    expect(header.attributes & 7).toBe(Compression.GZIP);
    expect(header.recordCount).toBe(3);
  });

  it('sends nothing with acks=0, and closes the connection after a failure', async () => {
    const ok = await call(handler, 9, produceRequest('t', 0, batch(1), { acks: 0 }));
    expect(ok).toEqual({ body: null, closedAfterResponses: false });
    expect(h.partitions.leaderPartition('t', 0).logEndOffset).toBe(1);
    const failed = await call(handler, 9, produceRequest('nope', 0, batch(1), { acks: 0 }));
    expect(failed).toEqual({ body: null, closedAfterResponses: true });
  });

  it('fails every partition with TRANSACTIONAL_ID_AUTHORIZATION_FAILED for transactional data without a transactional id', async () => {
    const txn = buildRecordBatch({ producerId: 3n, producerEpoch: 0, baseSequence: 0, transactional: true, records: [{ value: Buffer.from('x') }] });
    const { body } = await call(handler, 11, produceRequest('t', 0, txn));
    expect(body.responses[0].partitionResponses[0]).toMatchObject({ errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, baseOffset: -1n, logStartOffset: -1n });
  });

  it('stores idempotent batches with their producer fields', async () => {
    const idem = buildRecordBatch({ producerId: 3n, producerEpoch: 2, baseSequence: 0, records: [{ value: Buffer.from('x') }] });
    const { body } = await call(handler, 9, produceRequest('t', 0, idem));
    expect(body.responses[0].partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 0n });
    const header = readBatchHeader(await stored());
    expect([header.producerId, header.producerEpoch, header.baseSequence]).toEqual([3n, 2, 0]);
  });

  it('answers a duplicate idempotent batch with its first offsets and refuses a sequence gap', async () => {
    const idem = (seq: number) => buildRecordBatch({ producerId: 8n, producerEpoch: 0, baseSequence: seq, records: [{ value: Buffer.from(`s${seq}`) }] });
    const at = async (seq: number) => (await call(handler, 9, produceRequest('t', 0, idem(seq)))).body.responses[0].partitionResponses[0];
    expect(await at(0)).toMatchObject({ errorCode: 0, baseOffset: 0n });
    expect(await at(1)).toMatchObject({ errorCode: 0, baseOffset: 1n });
    expect(await at(1)).toMatchObject({ errorCode: 0, baseOffset: 1n });
    expect(await at(5)).toMatchObject({ errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, baseOffset: -1n });
    expect(h.partitions.leaderPartition('t', 0).logEndOffset).toBe(2);
  });

  it('keeps internal topics for the admin client', async () => {
    await h.topics.createTopic({ name: '__internal', numPartitions: 1, replicationFactor: 1, configs: {}, internal: true });
    const denied = (await call(handler, 9, produceRequest('__internal', 0, batch(1)))).body.responses[0].partitionResponses[0];
    expect(denied).toMatchObject({ errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, logStartOffset: -1n });
    const admin = (await call(handler, 9, produceRequest('__internal', 0, batch(1)), '__admin_client')).body.responses[0].partitionResponses[0];
    expect(admin.errorCode).toBe(0);
  });

  it('answers producer-set LogAppendTime on a LogAppendTime topic with INVALID_TIMESTAMP', async () => {
    await h.createTopic('lat', 1, { 'message.timestamp.type': 'LogAppendTime' });
    const b = buildRecordBatch({ timestampType: TimestampType.LOG_APPEND_TIME, logAppendTime: 1, records: [{ value: Buffer.from('x') }] });
    const p = (await call(handler, 9, produceRequest('lat', 0, b))).body.responses[0].partitionResponses[0];
    expect(p.errorCode).toBe(ErrorCode.INVALID_TIMESTAMP);
  });
});
