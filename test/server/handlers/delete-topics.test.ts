import { ErrorCode } from '../../../src/protocol/error-codes';
import type { DeleteTopicsRequest } from '../../../src/protocol/generated/delete-topics';
import { ZERO_UUID } from '../../../src/protocol/primitives/tagged';
import { DeleteTopicsHandler } from '../../../src/server/handlers/delete-topics';
import { ctx, startBroker, type TestBroker } from './helpers';

const byNames = (topicNames: string[], timeoutMs = 5000): DeleteTopicsRequest => ({ topics: [], topicNames, timeoutMs });
const byEntries = (topics: { name: string | null; topicId: string }[], timeoutMs = 5000): DeleteTopicsRequest => ({ topics, topicNames: [], timeoutMs });
const UNKNOWN_ID = 'kHqG6Yf8SEu1ZfK5x1m9dw';

describe('DeleteTopicsHandler', () => {
  let tb: TestBroker;
  let h: DeleteTopicsHandler;
  const create = (name: string, numPartitions = 1) => tb.broker.services.topics.createTopic({ name, numPartitions, replicationFactor: 1, configs: {} });

  beforeAll(async () => {
    tb = await startBroker();
    h = new DeleteTopicsHandler(tb.broker.services);
  });
  afterAll(() => tb.stop());

  it('deletes topics by name (v0-5) with their logs', async () => {
    await create('d-one', 2);
    const res = await h.handle(byNames(['d-one']), ctx(20, 5));
    expect(res.responses).toEqual([{ name: 'd-one', topicId: ZERO_UUID, errorCode: 0, errorMessage: null }].map((r) => ({ ...r, topicId: expect.any(String) })));
    expect(tb.broker.services.metadata.topic('d-one')).toBeUndefined();
    expect(tb.broker.services.logs.getLog({ topic: 'd-one', partition: 0 })).toBeUndefined();
  });

  it('deletes by id (v6) and reports the name', async () => {
    const t = await create('d-by-id');
    const res = await h.handle(byEntries([{ name: null, topicId: t.topicId }]), ctx(20, 6));
    expect(res.responses).toEqual([{ name: 'd-by-id', topicId: t.topicId, errorCode: 0, errorMessage: null }]);
    expect(tb.broker.services.metadata.topicById(t.topicId)).toBeUndefined();
  });

  it('answers unknown names, unknown ids, duplicates and malformed entries as Kafka does', async () => {
    const t = await create('d-mixed');
    await create('d-kept');
    const res = await h.handle(
      byEntries([
        { name: 'nope', topicId: ZERO_UUID },
        { name: null, topicId: UNKNOWN_ID },
        { name: null, topicId: ZERO_UUID },
        { name: 'd-kept', topicId: t.topicId },
        { name: 'twice', topicId: ZERO_UUID },
        { name: 'twice', topicId: ZERO_UUID },
        { name: null, topicId: t.topicId },
        { name: 'd-mixed', topicId: ZERO_UUID },
      ]),
      ctx(20, 6),
    );
    // Entries by id (and malformed ones) first, then by name.
    expect(res.responses.map((r) => [r.name, r.errorCode])).toEqual([
      [null, ErrorCode.UNKNOWN_TOPIC_ID],
      [null, ErrorCode.INVALID_REQUEST],
      ['d-kept', ErrorCode.INVALID_REQUEST],
      ['nope', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      ['twice', ErrorCode.INVALID_REQUEST],
      // The name maps to an id also given: neither is deleted, only the name is answered.
      ['d-mixed', ErrorCode.INVALID_REQUEST],
    ]);
    expect(tb.broker.services.metadata.topic('d-mixed')).toBeDefined();
    expect(tb.broker.services.metadata.topic('d-kept')).toBeDefined();
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for a topic deleted by an earlier request', async () => {
    await create('d-again');
    expect((await h.handle(byNames(['d-again']), ctx(20, 4))).responses[0].errorCode).toBe(0);
    expect((await h.handle(byNames(['d-again']), ctx(20, 4))).responses[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('refuses to delete internal topics', async () => {
    await create('__consumer_offsets', 1);
    const res = await h.handle(byNames(['__consumer_offsets']), ctx(20, 5));
    expect(res.responses[0]).toMatchObject({ name: '__consumer_offsets', errorCode: ErrorCode.POLICY_VIOLATION });
    expect(tb.broker.services.metadata.topic('__consumer_offsets')).toBeDefined();
  });

  it('fails every topic with REQUEST_TIMED_OUT for a timeout of 0, deleting nothing', async () => {
    await create('d-late');
    await expect(h.handle(byNames(['d-late'], 0), ctx(20, 5))).rejects.toMatchObject({ errorCode: ErrorCode.REQUEST_TIMED_OUT });
    expect(tb.broker.services.metadata.topic('d-late')).toBeDefined();
  });

  it('builds an error response per entry (names before v6, names or ids from v6)', () => {
    expect(h.errorResponse(byNames(['a', 'b']), ErrorCode.NOT_CONTROLLER, ctx(20, 5)).responses.map((r) => [r.name, r.errorCode])).toEqual([
      ['a', ErrorCode.NOT_CONTROLLER],
      ['b', ErrorCode.NOT_CONTROLLER],
    ]);
    expect(h.errorResponse(byEntries([{ name: null, topicId: UNKNOWN_ID }]), ErrorCode.NOT_CONTROLLER, ctx(20, 6)).responses).toEqual([
      { name: null, topicId: UNKNOWN_ID, errorCode: ErrorCode.NOT_CONTROLLER, errorMessage: null },
    ]);
  });
});

describe('DeleteTopicsHandler with delete.topic.enable=false', () => {
  let tb: TestBroker;
  beforeAll(async () => {
    tb = await startBroker(['delete.topic.enable=false']);
    await tb.broker.services.topics.createTopic({ name: 'kept', numPartitions: 1, replicationFactor: 1, configs: {} });
  });
  afterAll(() => tb.stop());

  it('answers INVALID_REQUEST before v3 and TOPIC_DELETION_DISABLED from v3, deleting nothing', async () => {
    const h = new DeleteTopicsHandler(tb.broker.services);
    await expect(h.handle(byNames(['kept']), ctx(20, 2))).rejects.toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST });
    await expect(h.handle(byNames(['kept']), ctx(20, 3))).rejects.toMatchObject({ errorCode: ErrorCode.TOPIC_DELETION_DISABLED });
    expect(tb.broker.services.metadata.topic('kept')).toBeDefined();
  });
});
