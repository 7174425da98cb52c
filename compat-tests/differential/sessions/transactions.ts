/**
 * Producer ids, idempotence and transactions.
 *
 * Idempotence: InitProducerId at every tested version, then batches with sequence numbers at the
 * highest Produce version: first write, a retried duplicate, the next sequence, a gap, a bumped
 * epoch, a fenced (older) epoch, an unknown producer id.
 *
 * Transactions, at the lowest and at the highest versions both brokers share: a committed
 * transaction (records, consumer offsets) and an aborted one, with read-committed reads, the
 * admin views (DescribeTransactions, ListTransactions, DescribeProducers) and the error paths
 * (stale epoch, unknown transactional id, EndTxn with nothing open, a produce after fencing).
 * From EndTxn v5 Kafka bumps the epoch at every commit/abort (KIP-890): the next transaction uses
 * the epoch the answer carries, with sequences from 0.
 */
import type { Session, SessionEnv, SessionItem, SideContext, Step } from '../lib/session';
import { ApiKey, batchOf, fetchBody, produceBody, setupTopics } from './support';

type Pid = { producerId: bigint; producerEpoch: number };

/** Kafka's CONCURRENT_TRANSACTIONS: the previous commit/abort is still writing markers; clients retry. */
const CONCURRENT_TRANSACTIONS = 51;
const settled = (code: number | undefined): boolean => code !== CONCURRENT_TRANSACTIONS;
const pidOf = (ctx: SideContext, key: string): Pid => ctx.get<Pid>(key);

function savePid(key: string) {
  return (body: { errorCode: number; producerId: bigint; producerEpoch: number }, ctx: SideContext): void => {
    if (body.errorCode === 0) ctx.set(key, { producerId: body.producerId, producerEpoch: body.producerEpoch });
  };
}

/**
 * Set-up (not compared): Kafka creates __transaction_state on first use and answers
 * COORDINATOR_NOT_AVAILABLE / COORDINATOR_LOAD_IN_PROGRESS meanwhile, also to InitProducerId
 * without a transactional id; that start-up transient is not what is compared.
 */
function warmUp(env: SessionEnv): Step[] {
  const fcv = env.common(ApiKey.FindCoordinator, 'max');
  const tid = env.name('txn-warmup');
  return [
    {
      api: ApiKey.FindCoordinator,
      version: fcv,
      title: 'wait for the transaction coordinator',
      compare: false,
      request: () => ({ key: tid, keyType: 1, coordinatorKeys: [tid] }),
      until: (b: { errorCode: number; coordinators: Array<{ errorCode: number }> }) => (fcv >= 4 ? b.coordinators[0]?.errorCode === 0 : b.errorCode === 0),
    },
    {
      api: ApiKey.InitProducerId,
      version: env.common(ApiKey.InitProducerId, 'max'),
      title: 'wait until producer ids are handed out',
      compare: false,
      request: () => ({ transactionalId: tid, transactionTimeoutMs: 60_000 }),
      until: (b: { errorCode: number }) => b.errorCode === 0,
    },
  ];
}

function idempotenceSteps(env: SessionEnv, t: string): Step[] {
  const steps: Step[] = [];
  for (const v of env.versions(ApiKey.InitProducerId)) {
    steps.push({
      api: ApiKey.InitProducerId,
      version: v,
      title: 'idempotent producer id',
      request: () => ({ transactionalId: null, transactionTimeoutMs: 60_000 }),
      save: savePid('idem'),
    });
  }
  const pv = env.common(ApiKey.Produce, 'max');
  const produce = (title: string, seq: number, tweak: (p: Pid) => Partial<Pid> = () => ({}), n = 2): Step => ({
    api: ApiKey.Produce,
    version: pv,
    title,
    request: (ctx) => {
      const p = { ...pidOf(ctx, 'idem'), ...tweak(pidOf(ctx, 'idem')) };
      return produceBody(ctx, pv, t, batchOf(n, { prefix: `i${seq}`, producerId: p.producerId, producerEpoch: p.producerEpoch, baseSequence: seq }));
    },
  });
  steps.push(produce('sequence 0', 0));
  steps.push(produce('the same batch again (a retry)', 0));
  steps.push(produce('sequence 2 (next)', 2));
  steps.push(produce('sequence 9 (a gap)', 9));
  steps.push(produce('epoch + 1, sequence 0', 0, (p) => ({ producerEpoch: p.producerEpoch + 1 })));
  steps.push(produce('the old epoch again (fenced)', 4, (p) => ({ producerEpoch: p.producerEpoch })));
  steps.push(produce('unknown producer id, sequence 5', 5, () => ({ producerId: 987_654_321n, producerEpoch: 0 })));
  const fv = env.common(ApiKey.Fetch, 'max');
  steps.push({ api: ApiKey.Fetch, version: fv, title: 'read the idempotent batches back', needs: ['idem'], request: (ctx) => fetchBody(ctx, fv, t, 0) });
  return steps;
}

function transactionSteps(env: SessionEnv, end: 'min' | 'max', t: string): SessionItem[] {
  const v = (api: number): number => env.common(api, end);
  const tid = env.name(`txn-${end}`);
  const g = env.name(`txn-grp-${end}`);
  const key = `txn:${end}`;
  const seqKey = `txn-seq:${end}`;
  const pv = Math.max(v(ApiKey.Produce), 3); // transactional batches need record batches (Produce v3+)
  const fv = env.common(ApiKey.Fetch, 'max');
  const ev = v(ApiKey.EndTxn);
  const pid = (ctx: SideContext): Pid => pidOf(ctx, key);
  const addPartitions = (title: string, tx = tid): Step => {
    const av = Math.min(v(ApiKey.AddPartitionsToTxn), 3); // v4+ is the broker-to-broker form
    return {
      api: ApiKey.AddPartitionsToTxn,
      version: av,
      title,
      request: (ctx) => ({
        v3AndBelowTransactionalId: tx,
        v3AndBelowProducerId: pid(ctx).producerId,
        v3AndBelowProducerEpoch: pid(ctx).producerEpoch,
        v3AndBelowTopics: [{ name: t, partitions: [0] }],
      }),
      until: (b: { resultsByTopicV3AndBelow: Array<{ resultsByPartition: Array<{ partitionErrorCode: number }> }> }) =>
        settled(b.resultsByTopicV3AndBelow[0]?.resultsByPartition[0]?.partitionErrorCode),
      attempts: 25,
    };
  };
  const produce = (title: string, epochDelta = 0): Step => ({
    api: ApiKey.Produce,
    version: pv,
    title,
    request: (ctx) => {
      const p = pid(ctx);
      const seq = ctx.has(seqKey) ? ctx.get<number>(seqKey) : 0;
      const body = produceBody(ctx, pv, t, batchOf(2, { prefix: `${end}-${seq}`, producerId: p.producerId, producerEpoch: p.producerEpoch + epochDelta, baseSequence: seq, transactional: true }));
      return { ...body, transactionalId: tid };
    },
    save: (body: { responses: Array<{ partitionResponses: Array<{ errorCode: number }> }> }, ctx) => {
      if (body.responses[0]?.partitionResponses[0]?.errorCode === 0) ctx.set(seqKey, (ctx.has(seqKey) ? ctx.get<number>(seqKey) : 0) + 2);
    },
  });
  const endTxn = (title: string, committed: boolean, epochDelta = 0): Step => ({
    api: ApiKey.EndTxn,
    version: ev,
    title,
    request: (ctx) => ({ transactionalId: tid, producerId: pid(ctx).producerId, producerEpoch: pid(ctx).producerEpoch + epochDelta, committed }),
    until: (b: { errorCode: number }) => settled(b.errorCode),
    attempts: 25,
    save: (body: { errorCode: number; producerId: bigint; producerEpoch: number }, ctx) => {
      // EndTxn v5 hands out the epoch for the next transaction (KIP-890); sequences restart.
      if (body.errorCode === 0 && ev >= 5 && body.producerEpoch >= 0) {
        ctx.set(key, { producerId: body.producerId, producerEpoch: body.producerEpoch });
        ctx.set(seqKey, 0);
      }
    },
  });
  const read = (title: string, isolationLevel: number): Step => ({ api: ApiKey.Fetch, version: fv, title, needs: [key], request: (ctx) => fetchBody(ctx, fv, t, 0, { isolationLevel }) });
  // Kafka answers EndTxn once the decision is logged and writes the markers afterwards; a reader
  // sees the outcome when the last stable offset reaches the high watermark, so wait for that.
  type FetchAnswer = { responses: Array<{ partitions: Array<{ highWatermark: bigint; lastStableOffset: bigint }> }> };
  const readDecided = (title: string): Step => ({
    ...read(title, 1),
    until: (b: FetchAnswer) => b.responses[0]?.partitions[0]?.lastStableOffset === b.responses[0]?.partitions[0]?.highWatermark,
    attempts: 25,
  });
  const fcv = env.common(ApiKey.FindCoordinator, 'max');
  return [
    {
      api: ApiKey.FindCoordinator,
      version: fcv,
      title: `wait for the group coordinator of ${g}`,
      compare: false,
      request: () => ({ key: g, keyType: 0, coordinatorKeys: [g] }),
      until: (b: { errorCode: number; coordinators: Array<{ errorCode: number }> }) => (fcv >= 4 ? b.coordinators[0]?.errorCode === 0 : b.errorCode === 0),
    },
    {
      api: ApiKey.FindCoordinator,
      version: fcv,
      title: `wait for the transaction coordinator of ${tid}`,
      compare: false,
      request: () => ({ key: tid, keyType: 1, coordinatorKeys: [tid] }),
      until: (b: { errorCode: number; coordinators: Array<{ errorCode: number }> }) => (fcv >= 4 ? b.coordinators[0]?.errorCode === 0 : b.errorCode === 0),
    },
    { api: ApiKey.InitProducerId, version: v(ApiKey.InitProducerId), title: 'transactional producer id', request: () => ({ transactionalId: tid, transactionTimeoutMs: 60_000 }), save: savePid(key) },
    addPartitions('add the partition to the transaction'),
    produce('transactional batch'),
    read('read committed while the transaction is open', 1),
    read('read uncommitted while the transaction is open', 0),
    { api: ApiKey.DescribeTransactions, version: 0, title: 'describe the open transaction', request: () => ({ transactionalIds: [tid, env.name('txn-none')] }) },
    {
      api: ApiKey.ListTransactions,
      version: v(ApiKey.ListTransactions),
      title: 'list transactions (only this run\'s compared)',
      request: () => ({ stateFilters: [], producerIdFilters: [] }),
      normalise: (b: { transactionStates: Array<{ transactionalId: string }> }) => ({ ...b, transactionStates: b.transactionStates.filter((x) => x.transactionalId.endsWith(`-${env.runId}`)) }),
    },
    { api: ApiKey.DescribeProducers, version: 0, title: 'producers of the partition', request: () => ({ topics: [{ name: t, partitionIndexes: [0, 5] }] }) },
    { api: ApiKey.AddOffsetsToTxn, version: v(ApiKey.AddOffsetsToTxn), title: 'add the group\'s offsets', request: (ctx) => ({ transactionalId: tid, ...pid(ctx), groupId: g }) },
    {
      api: ApiKey.TxnOffsetCommit,
      version: Math.min(v(ApiKey.TxnOffsetCommit), 5), // v6 names topics by id
      title: 'commit an offset in the transaction',
      request: (ctx) => ({ transactionalId: tid, groupId: g, ...pid(ctx), topics: [{ name: t, partitions: [{ partitionIndex: 0, committedOffset: 1, committedMetadata: null }] }] }),
      save: (b: { topics: Array<{ partitions: Array<{ errorCode: number }> }> }, ctx) => ctx.set(`${key}:offsets`, b.topics[0]?.partitions[0]?.errorCode === 0 ? true : undefined),
    },
    endTxn('commit', true),
    readDecided('read committed after the commit'),
    {
      api: ApiKey.OffsetFetch,
      version: v(ApiKey.OffsetFetch),
      title: 'the offset committed by the transaction',
      needs: [key, `${key}:offsets`],
      // Visible once the commit marker reached __consumer_offsets (written after EndTxn's answer).
      until: (b: { groups?: Array<{ topics: Array<{ partitions: Array<{ committedOffset: bigint }> }> }>; topics?: Array<{ partitions: Array<{ committedOffset: bigint }> }> }) =>
        ((b.groups?.[0]?.topics ?? b.topics ?? [])[0]?.partitions[0]?.committedOffset ?? -1n) >= 0n,
      attempts: 25,
      request: () => (v(ApiKey.OffsetFetch) >= 8 ? { groups: [{ groupId: g, topics: null }] } : { groupId: g, topics: [{ name: t, partitionIndexes: [0] }] }),
    },
    addPartitions('second transaction: add the partition'),
    produce('second transaction: a batch'),
    endTxn('abort', false),
    readDecided('read committed after the abort'),
    // Transactions v2 (KIP-890 part 2, Produce v12+ with transaction.version 2) add a partition
    // on the first transactional produce; older clients must call AddPartitionsToTxn first.
    produce('third transaction: a batch without AddPartitionsToTxn'),
    endTxn('commit the third transaction', true),
    readDecided('read committed after the third transaction'),
    endTxn('commit with nothing open', true),
    endTxn('commit with a stale epoch', true, -1),
    addPartitions('unknown transactional id', env.name('txn-unknown')),
    {
      api: ApiKey.InitProducerId,
      version: v(ApiKey.InitProducerId),
      title: 'init again (bumps the epoch)',
      request: () => ({ transactionalId: tid, transactionTimeoutMs: 60_000 }),
      save: savePid(`${key}:new`),
      until: (b: { errorCode: number }) => settled(b.errorCode),
      attempts: 25,
    },
    produce('a batch with the fenced epoch'),
  ];
}

export const transactionsSession: Session = {
  name: 'transactions',
  description: 'InitProducerId, idempotent produce, committed and aborted transactions, transaction admin APIs',
  build(env) {
    const idem = env.name('tx-idem');
    const tmin = env.name('tx-min');
    const tmax = env.name('tx-max');
    return [
      ...setupTopics(env, [{ name: idem }, { name: tmin }, { name: tmax }]),
      ...warmUp(env),
      ...idempotenceSteps(env, idem),
      ...transactionSteps(env, 'min', tmin),
      ...transactionSteps(env, 'max', tmax),
    ];
  },
};
