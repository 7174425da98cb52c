/**
 * Reading at every tested version, from a partition holding two batches (offsets 0-2 and 3-4):
 * Fetch (from the start, from mid-batch, past the end, tiny byte limits, long poll on an empty
 * partition, fetch sessions, unknown topic/partition/id, leader-epoch fencing), ListOffsets
 * (earliest, latest, by timestamp, max timestamp and the other special positions),
 * OffsetForLeaderEpoch, and DeleteRecords followed by reads below the new log start.
 */
import type { Session, SessionEnv, Step } from '../lib/session';
import { ApiKey, fetchBody, fillSteps, setupTopics, T0, waitBucket, UNKNOWN_TOPIC_ID } from './support';

/** Set-up (not compared): two batches, offsets 0-2 and 3-4. */
const fill = (env: SessionEnv, topic: string): Step[] => fillSteps(env, topic, [3, 2]);

const LONG_POLL_MS = 400;

function fetchSteps(env: SessionEnv, t: string): Step[] {
  const steps: Step[] = [];
  for (const v of env.versions(ApiKey.Fetch)) {
    const fetch = (title: string, body: (ctx: Parameters<Step['request']>[0]) => Record<string, unknown>, extra: Partial<Step> = {}): Step => ({ api: ApiKey.Fetch, version: v, title, request: body, ...extra });
    steps.push(fetch('from offset 0', (ctx) => fetchBody(ctx, v, t, 0)));
    steps.push(fetch('from offset 1 (inside the first batch)', (ctx) => fetchBody(ctx, v, t, 1)));
    steps.push(fetch('from offset 4 (inside the second batch)', (ctx) => fetchBody(ctx, v, t, 4)));
    steps.push(fetch('past the end (offset 100)', (ctx) => fetchBody(ctx, v, t, 100)));
    steps.push(fetch('partition limit of 10 bytes', (ctx) => fetchBody(ctx, v, t, 0, { partitionMaxBytes: 10 })));
    if (v >= 3) steps.push(fetch('response limit of 10 bytes', (ctx) => fetchBody(ctx, v, t, 0, { maxBytes: 10 })));
    steps.push(
      fetch('at the end, long poll 400 ms, nothing arrives', (ctx) => fetchBody(ctx, v, t, 5, { maxWaitMs: LONG_POLL_MS }), {
        timing: waitBucket(LONG_POLL_MS - 100),
        timeoutMs: 10_000,
      }),
    );
    steps.push(fetch('at the end, no wait', (ctx) => fetchBody(ctx, v, t, 5)));
    steps.push(fetch('unknown topic', (ctx) => fetchBody(ctx, v, env.name('rd-missing'), 0, { topicId: UNKNOWN_TOPIC_ID })));
    steps.push(fetch('partition 7 of a one-partition topic', (ctx) => fetchBody(ctx, v, t, 0, { partition: 7 })));
    if (v >= 4) steps.push(fetch('read committed', (ctx) => fetchBody(ctx, v, t, 0, { isolationLevel: 1 })));
    if (v >= 9) steps.push(fetch('current leader epoch 5 (newer than the leader\'s)', (ctx) => fetchBody(ctx, v, t, 0, { currentLeaderEpoch: 5 })));
    if (v >= 7) {
      const key = `fetchSession:v${v}`;
      steps.push(
        fetch('open a fetch session', (ctx) => fetchBody(ctx, v, t, 0, { sessionId: 0, sessionEpoch: 0 }), {
          save: (body: { sessionId: number }, ctx) => ctx.set(key, body.sessionId || undefined),
        }),
      );
      steps.push(fetch('incremental fetch, nothing changed', (ctx) => ({ ...fetchBody(ctx, v, t, 5, { sessionId: ctx.get(key), sessionEpoch: 1 }), topics: [] })));
      steps.push(fetch('incremental fetch, wrong epoch', (ctx) => ({ ...fetchBody(ctx, v, t, 5, { sessionId: ctx.get(key), sessionEpoch: 7 }), topics: [] })));
      steps.push(fetch('unknown fetch session', (ctx) => ({ ...fetchBody(ctx, v, t, 5, { sessionId: 0x7ead, sessionEpoch: 1 }), topics: [] })));
      steps.push(fetch('close the fetch session', (ctx) => fetchBody(ctx, v, t, 0, { sessionId: ctx.get(key), sessionEpoch: -1 })));
    }
  }
  return steps;
}

function listOffsetsSteps(env: SessionEnv, t: string): Step[] {
  const steps: Step[] = [];
  for (const v of env.versions(ApiKey.ListOffsets)) {
    const list = (title: string, timestamp: number, extra: Record<string, unknown> = {}, top: Record<string, unknown> = {}, topic = t): Step => ({
      api: ApiKey.ListOffsets,
      version: v,
      title,
      request: () => ({
        replicaId: -1,
        ...top,
        topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp, currentLeaderEpoch: -1, maxNumOffsets: 1, ...extra }] }],
      }),
    });
    steps.push(list('earliest (-2)', -2));
    steps.push(list('latest (-1)', -1));
    steps.push(list(`timestamp T0+1 (offset 1)`, T0 + 1));
    steps.push(list('timestamp after every record', T0 + 100_000));
    if (v >= 7) steps.push(list('max timestamp (-3)', -3));
    if (v >= 8) steps.push(list('earliest local (-4)', -4));
    if (v >= 9) steps.push(list('latest tiered (-5)', -5));
    if (v >= 11) steps.push(list('earliest pending upload (-6)', -6));
    if (v === 0) steps.push(list('latest, up to 3 offsets (v0)', -1, { maxNumOffsets: 3 }));
    if (v >= 2) steps.push(list('latest, read committed', -1, {}, { isolationLevel: 1 }));
    if (v >= 4) steps.push(list('current leader epoch 5', -1, { currentLeaderEpoch: 5 }));
    steps.push(list('unknown topic', -1, {}, {}, env.name('rd-missing')));
    steps.push(list('partition 7', -1, { partitionIndex: 7 }));
  }
  return steps;
}

function offsetForLeaderEpochSteps(env: SessionEnv, t: string): Step[] {
  const steps: Step[] = [];
  for (const v of env.versions(ApiKey.OffsetForLeaderEpoch)) {
    const ask = (title: string, leaderEpoch: number, extra: Record<string, unknown> = {}, topic = t, replicaId = -1): Step => ({
      api: ApiKey.OffsetForLeaderEpoch,
      version: v,
      title,
      request: () => ({ replicaId, topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch, ...extra }] }] }),
    });
    steps.push(ask('epoch 0 (the current one)', 0));
    steps.push(ask('epoch 3 (later than any)', 3));
    if (v >= 2) steps.push(ask('current leader epoch 5 (fencing check)', 0, { currentLeaderEpoch: 5 }));
    if (v >= 3) steps.push(ask('as a debug consumer (replica -2)', 0, {}, t, -2));
    steps.push(ask('unknown topic', 0, {}, env.name('rd-missing')));
    steps.push(ask('partition 7', 0, { partition: 7 }));
  }
  return steps;
}

function deleteRecordsSteps(env: SessionEnv): Step[] {
  const steps: Step[] = [];
  const lv = env.common(ApiKey.ListOffsets, 'max');
  const fv = env.common(ApiKey.Fetch, 'max');
  for (const v of env.versions(ApiKey.DeleteRecords)) {
    const t = env.name(`rd-del-v${v}`);
    steps.push(...setupTopics(env, [{ name: t }]), ...fill(env, t));
    const del = (title: string, offset: number, topic = t, partitionIndex = 0): Step => ({
      api: ApiKey.DeleteRecords,
      version: v,
      title,
      request: () => ({ topics: [{ name: topic, partitions: [{ partitionIndex, offset }] }], timeoutMs: 10_000 }),
    });
    steps.push(del('records before offset 2', 2));
    steps.push({
      api: ApiKey.ListOffsets,
      version: lv,
      title: 'earliest after DeleteRecords',
      request: () => ({ replicaId: -1, topics: [{ name: t, partitions: [{ partitionIndex: 0, timestamp: -2 }] }] }),
    });
    steps.push({ api: ApiKey.Fetch, version: fv, title: 'fetch from offset 0, below the new log start', request: (ctx) => fetchBody(ctx, fv, t, 0) });
    steps.push({ api: ApiKey.Fetch, version: fv, title: 'fetch from the new log start (2, inside a batch)', request: (ctx) => fetchBody(ctx, fv, t, 2) });
    steps.push(del('before offset 1 (below the log start)', 1));
    steps.push(del('before offset 10 (past the high watermark)', 10));
    steps.push(del('up to the high watermark (-1)', -1));
    steps.push(del('unknown topic', 1, env.name('rd-missing')));
    steps.push(del('partition 7', 1, t, 7));
  }
  return steps;
}

export const readPathSession: Session = {
  name: 'read-path',
  description: 'Fetch, ListOffsets, OffsetForLeaderEpoch and DeleteRecords on a partition with two batches',
  build(env) {
    const t = env.name('rd-main');
    return [
      ...setupTopics(env, [{ name: t }]),
      ...fill(env, t),
      ...fetchSteps(env, t),
      ...listOffsetsSteps(env, t),
      ...offsetForLeaderEpochSteps(env, t),
      ...deleteRecordsSteps(env),
    ];
  },
};
