import { ErrorCode } from '../../../../src/protocol/error-codes';
import { ConsumerGroupState } from '../../../../src/coordinator/group/consumer/consumer-group-state';
import { compileTopicRegex, throwIfRegularExpressionIsInvalid } from '../../../../src/coordinator/group/consumer/regex';
import { KafkaError } from '../../../../src/protocol/kafka-errors';
import { ConsumerHarness } from './consumer-harness';

describe('consumer groups and topic metadata', () => {
  let h: ConsumerHarness;
  beforeEach(async () => {
    h = await ConsumerHarness.create();
  });

  it('a member subscribed to a topic that does not exist yet gets it once it is created', async () => {
    const r = await h.join('g', 'a', ['later']);
    expect(r.memberEpoch).toBe(2);
    expect(r.partitions).toEqual({});
    h.topic('later', 3);
    const r2 = await h.beat('g', 'a', 2, {});
    expect(r2.memberEpoch).toBe(3);
    expect(r2.partitions).toEqual({ later: [0, 1, 2] });
  });

  it('new partitions of a subscribed topic trigger a new target assignment', async () => {
    h.topic('t', 2);
    await h.join('g', 'a', ['t']);
    const epoch = h.group('g').groupEpoch;
    const hashBefore = h.group('g').metadataHash;
    h.topic('t', 4);
    const r = await h.beat('g', 'a', 2, { t: [0, 1] });
    expect(h.group('g').groupEpoch).toBe(epoch + 1);
    expect(h.group('g').metadataHash).not.toBe(hashBefore);
    expect(r.partitions).toEqual({ t: [0, 1, 2, 3] });
  });

  it('a deleted topic is taken away from its members', async () => {
    h.topic('t', 2);
    h.topic('u', 2);
    await h.join('g', 'a', ['t', 'u']);
    h.deleteTopic('u');
    const r = await h.beat('g', 'a', 2, { t: [0, 1] });
    expect(r.memberEpoch).toBe(3);
    expect(r.partitions).toEqual({ t: [0, 1] });
    expect(h.group('g').state).toBe(ConsumerGroupState.STABLE);
  });

  it('a group whose topics did not change keeps its epoch (metadata hash unchanged)', async () => {
    h.topic('t', 2);
    await h.join('g', 'a', ['t']);
    h.topic('unrelated', 1);
    await h.beat('g', 'a', 2, { t: [0, 1] });
    expect(h.group('g').groupEpoch).toBe(2);
  });
});

describe('regex subscriptions (ConsumerGroupHeartbeat v1)', () => {
  let h: ConsumerHarness;
  beforeEach(async () => {
    h = await ConsumerHarness.create();
    h.topic('orders-eu', 2);
    h.topic('orders-us', 1);
    h.topic('payments', 1);
  });

  it('the regex is resolved after the heartbeat; the next heartbeat gets the matching topics', async () => {
    const r = await h.join('g', 'a', { regex: 'orders-.*' });
    expect(r.errorCode).toBe(ErrorCode.NONE);
    expect(r.partitions).toEqual({});
    await h.advance(0); // the resolution operation
    const g = h.group('g');
    expect([...g.resolvedRegularExpressions.get('orders-.*')!.topics].sort()).toEqual(['orders-eu', 'orders-us']);
    expect(g.isSubscribedToTopic('orders-eu')).toBe(true);
    expect(g.isSubscribedToTopic('payments')).toBe(false);
    const r2 = await h.beat('g', 'a', r.memberEpoch, {});
    expect(r2.partitions).toEqual({ 'orders-eu': [0, 1], 'orders-us': [0] });
  });

  it('regexes match whole topic names', async () => {
    await h.join('g', 'a', { regex: 'orders' });
    await h.advance(0);
    expect(h.group('g').resolvedRegularExpressions.get('orders')!.topics.size).toBe(0);
  });

  it('topics created later are picked up at the next refresh (at most every 10 s)', async () => {
    const r = await h.join('g', 'a', { regex: 'orders-.*' });
    await h.advance(0);
    const r2 = await h.beat('g', 'a', r.memberEpoch, {});
    h.topic('orders-asia', 1);
    await h.advance(10_001);
    await h.beat('g', 'a', r2.memberEpoch, h.named(r2.assignment!.topicPartitions));
    await h.advance(0);
    expect(h.group('g').resolvedRegularExpressions.get('orders-.*')!.topics.has('orders-asia')).toBe(true);
    const r3 = await h.beat('g', 'a', h.group('g').member('a')!.memberEpoch, h.named(r2.assignment!.topicPartitions));
    expect(r3.partitions).toEqual({ 'orders-asia': [0], 'orders-eu': [0, 1], 'orders-us': [0] });
  });

  it('an invalid regex is INVALID_REGULAR_EXPRESSION', async () => {
    const r = await h.join('g', 'a', { regex: 'orders-(' });
    expect(r.errorCode).toBe(ErrorCode.INVALID_REGULAR_EXPRESSION);
    expect(r.errorMessage).toMatch(/^SubscribedTopicRegex `orders-\(` is not a valid regular expression: .+\.$/);
  });

  it('the regex of the last member using it is dropped when it leaves', async () => {
    const r = await h.join('g', 'a', { regex: 'orders-.*' });
    await h.advance(0);
    await h.join('g', 'b', ['payments']);
    await h.heartbeat({ groupId: 'g', memberId: 'a', memberEpoch: -1 });
    expect(h.group('g').resolvedRegularExpressions.size).toBe(0);
    expect(h.group('g').isSubscribedToTopic('orders-eu')).toBe(false);
    expect(r.errorCode).toBe(ErrorCode.NONE);
  });
});

describe('regex syntax (RE2J in Kafka, JavaScript RegExp here)', () => {
  it('compiles common syntax and anchors the whole name', () => {
    expect(compileTopicRegex('a.*').test('abc')).toBe(true);
    expect(compileTopicRegex('a.*').test('xabc')).toBe(false);
    expect(compileTopicRegex('(?i)ORDERS').test('orders')).toBe(true);
    expect(compileTopicRegex('(?P<x>t)-[0-9]+').test('t-12')).toBe(true);
    expect(compileTopicRegex('t|u').test('u')).toBe(true);
  });

  it('rejects what RE2 rejects: lookaround, backreferences', () => {
    expect(() => throwIfRegularExpressionIsInvalid('(?=x)y')).toThrow(KafkaError);
    expect(() => throwIfRegularExpressionIsInvalid('(a)\\1')).toThrow(KafkaError);
    expect(() => throwIfRegularExpressionIsInvalid('[a-')).toThrow(KafkaError);
  });
});
