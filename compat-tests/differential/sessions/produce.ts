/**
 * Produce at every tested version (legacy message sets for v0-2, record batches from v3), with
 * the error paths a client meets: unknown topic or partition, bad CRC, a lying record count,
 * invalid acks, an oversize batch, no records, zstd before v7; legacy message formats; LogAppendTime
 * topics; and each compression codec read back with Fetch.
 */
import type { Session, SessionEnv, Step } from '../lib/session';
import { ApiKey, batchOf, corrupted, fetchBody, produceBody, recordsFor, setupTopics, wrongRecordCount, UNKNOWN_TOPIC_ID } from './support';
import { Compression } from '../../../src/protocol/records';

function perVersionSteps(env: SessionEnv, small: string, lat: string): Step[] {
  const steps: Step[] = [];
  for (const v of env.versions(ApiKey.Produce)) {
    const t = env.name(`pr-v${v}`);
    steps.push(...setupTopics(env, [{ name: t, partitions: 1 }]));
    const produce = (title: string, body: Parameters<typeof produceBody>[4] & { topic?: string; records?: Buffer | null } = {}): Step => ({
      api: ApiKey.Produce,
      version: v,
      title,
      request: (ctx) => produceBody(ctx, v, body.topic ?? t, body.records === undefined ? recordsFor(v, 3) : body.records, body),
    });
    steps.push(produce('three records'));
    steps.push(produce('three more records (next offsets)', { records: recordsFor(v, 3, 's') }));
    steps.push(produce('acks=1', { acks: 1, records: recordsFor(v, 1, 'a1') }));
    steps.push(produce('unknown topic', { topic: env.name(`pr-missing-v${v}`), topicId: UNKNOWN_TOPIC_ID }));
    steps.push(produce('partition 7 of a one-partition topic', { partition: 7 }));
    steps.push(produce('bad CRC', { records: corrupted(recordsFor(v, 3, 'c')) }));
    if (v >= 3) steps.push(produce('batch header claims one record more than it holds', { records: wrongRecordCount(batchOf(3, { prefix: 'w' })) }));
    steps.push(produce('acks=2 (invalid)', { acks: 2 }));
    steps.push(produce('batch larger than the topic max.message.bytes (1000)', { topic: small, records: v >= 3 ? batchOf(2, { prefix: 'big', valueBytes: 1500 }) : recordsFor(v, 40, 'big-record-with-padding-to-exceed-limit') }));
    // Kafka 4.4 leaves a null-records Produce v13 unanswered; a short timeout keeps the run quick.
    steps.push({ ...produce('no records (null)', { records: null }), timeoutMs: 3000 });
    if (v >= 2) steps.push(produce('LogAppendTime topic', { topic: lat, records: recordsFor(v, 2, 'lat') }));
  }
  return steps;
}

/**
 * Version-bound record formats: legacy message sets (magic 0/1) are Produce v0-2's; from v3 only
 * record batches are valid; zstd from v7.
 */
function legacyFormatSteps(env: SessionEnv): Step[] {
  const t = env.name('pr-legacy');
  const steps: Step[] = [...setupTopics(env, [{ name: t }])];
  const legacy = (v: number, magic: 0 | 1): Step => ({
    api: ApiKey.Produce,
    version: v,
    title: `a magic ${magic} message set`,
    request: (ctx) => produceBody(ctx, v, t, magic === 1 ? recordsFor(2, 2, 'm1') : recordsFor(0, 2, 'm0')),
  });
  steps.push(legacy(2, 1), legacy(3, 1), legacy(env.common(ApiKey.Produce, 'max'), 0));
  // zstd needs Produce v7+ (KIP-110): older requests carrying it are refused.
  steps.push({ api: ApiKey.Produce, version: 6, title: 'a zstd batch at Produce v6', request: (ctx) => produceBody(ctx, 6, t, batchOf(2, { prefix: 'z', compression: Compression.ZSTD })) });
  return steps;
}

function compressionSteps(env: SessionEnv): Step[] {
  const comp = env.name('pr-codecs');
  const pv = env.common(ApiKey.Produce, 'max');
  const fv = env.common(ApiKey.Fetch, 'max');
  const steps: Step[] = [...setupTopics(env, [{ name: comp }])];
  for (const [name, codec] of Object.entries(Compression)) {
    steps.push({
      api: ApiKey.Produce,
      version: pv,
      title: `${name.toLowerCase()} batch`,
      request: (ctx) => produceBody(ctx, pv, comp, batchOf(4, { prefix: name.toLowerCase(), compression: codec })),
    });
  }
  steps.push({ api: ApiKey.Fetch, version: fv, title: 'fetch the batches of every codec', request: (ctx) => fetchBody(ctx, fv, comp, 0) });
  // Fetch v10 is the first that may return zstd (KIP-110); the zstd batch starts at offset 16.
  steps.push({ api: ApiKey.Fetch, version: 9, title: 'fetch every codec at Fetch v9 (zstd not allowed)', request: (ctx) => fetchBody(ctx, 9, comp, 0) });
  steps.push({ api: ApiKey.Fetch, version: 9, title: 'fetch the zstd batch at Fetch v9', request: (ctx) => fetchBody(ctx, 9, comp, 16) });
  return steps;
}

export const produceSession: Session = {
  name: 'produce',
  description: 'Produce at each version: success, error paths, LogAppendTime, compression codecs',
  build(env) {
    const small = env.name('pr-small');
    const lat = env.name('pr-lat');
    return [
      ...setupTopics(env, [
        { name: small, configs: { 'max.message.bytes': '1000' } },
        { name: lat, configs: { 'message.timestamp.type': 'LogAppendTime' } },
      ]),
      ...perVersionSteps(env, small, lat),
      ...legacyFormatSteps(env),
      ...compressionSteps(env),
    ];
  },
};
