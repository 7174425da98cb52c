import { ControlRecordType } from '../../src/protocol/records';
import { AppendOrigin } from '../../src/log/append-batches';
import { ProducerAppendInfo, ProducerBatch, TransactionVersion } from '../../src/log/producer-append-info';
import { ProducerStateEntry, decrementSequence, inSequence, incrementSequence } from '../../src/log/producer-state-entry';
import {
  InvalidProducerEpochError,
  InvalidTxnStateError,
  OutOfOrderSequenceError,
  TransactionCoordinatorFencedError,
} from '../../src/log/producer-state-errors';
import { VerificationGuard, VerificationStateEntry } from '../../src/log/producer-state-verification';
import { Log } from '../../src/log/log';
import { FaultyFs } from './support/faulty-fs';
import { open } from './support/open';
import { COORDINATOR, REPLICATION, marker, pbatch } from './support/producer-batches';
import { tempDir } from './support/tmp';

const MAX = 0x7fffffff;

let t: ReturnType<typeof tempDir>;
let log: Log;
beforeEach(async () => {
  t = tempDir();
  log = await open(t.dir);
});
afterEach(async () => {
  await log.close(false).catch(() => undefined);
  t.cleanup();
});

const entry = (pid: number) => log.activeProducers.get(BigInt(pid));

function batch(o: Partial<ProducerBatch> & { baseSequence: number }, count = 1, offset = 0): ProducerBatch {
  return {
    producerId: 7n,
    producerEpoch: 0,
    lastSequence: incrementSequence(o.baseSequence, count - 1),
    baseOffset: offset,
    lastOffset: offset + count - 1,
    maxTimestamp: 1000,
    isTransactional: false,
    isControl: false,
    marker: null,
    otherControl: false,
    ...o,
  };
}

describe('sequence arithmetic', () => {
  it('wraps at Int32.MAX as Kafka does', () => {
    expect(incrementSequence(MAX, 1)).toBe(0);
    expect(incrementSequence(MAX - 1, 3)).toBe(1);
    expect(decrementSequence(1, 3)).toBe(MAX - 1);
    expect(decrementSequence(5, 2)).toBe(3);
    expect(inSequence(MAX, 0)).toBe(true);
    expect(inSequence(4, 5)).toBe(true);
    expect(inSequence(4, 6)).toBe(false);
    expect(inSequence(-1, 0)).toBe(true);
  });
});

describe('ProducerAppendInfo (unit)', () => {
  const known = (): ProducerStateEntry => {
    const e = ProducerStateEntry.empty(7n);
    e.addBatch(3, 9, 100, 4, 1000);
    return e;
  };

  it('accepts the next sequence and records the batch', () => {
    const info = new ProducerAppendInfo(7n, known(), AppendOrigin.CLIENT, null, 'p-0');
    info.append(batch({ producerEpoch: 3, baseSequence: 10 }, 2, 101), undefined);
    const merged = info.mergedEntry();
    expect(merged.lastSeq).toBe(11);
    expect(merged.lastDataOffset).toBe(102);
    expect(merged.batches).toHaveLength(2);
  });

  it('checks later batches of the same request against the earlier ones', () => {
    const info = new ProducerAppendInfo(7n, known(), AppendOrigin.CLIENT, null, 'p-0');
    info.append(batch({ producerEpoch: 3, baseSequence: 10 }, 2, 101), undefined);
    expect(() => info.append(batch({ producerEpoch: 3, baseSequence: 13 }, 1, 103), undefined)).toThrow(OutOfOrderSequenceError);
  });

  it('never mutates the current entry', () => {
    const cur = known();
    const info = new ProducerAppendInfo(7n, cur, AppendOrigin.CLIENT, null, 'p-0');
    info.append(batch({ producerEpoch: 3, baseSequence: 10 }), undefined);
    expect(cur.lastSeq).toBe(9);
    expect(cur.batches).toHaveLength(1);
  });

  it('keeps only the last five batches', () => {
    const e = ProducerStateEntry.empty(7n);
    for (let i = 0; i < 8; i++) e.addBatch(0, i, i, 0, 1);
    expect(e.batches.map((b) => b.lastSeq)).toEqual([3, 4, 5, 6, 7]);
    expect(e.findDuplicate(0, 3, 3)?.lastOffset).toBe(3);
    expect(e.findDuplicate(0, 2, 2)).toBeNull();
    expect(e.findDuplicate(1, 7, 7)).toBeNull();
  });

  it('KIP-890: a sequence above the lowest one being verified is out of order', () => {
    const v = new VerificationStateEntry(0, 4, 3);
    const info = new ProducerAppendInfo(7n, known(), AppendOrigin.CLIENT, v, 'p-0');
    expect(() => info.append(batch({ producerEpoch: 3, baseSequence: 10 }), undefined)).toThrow(OutOfOrderSequenceError);
    v.maybeUpdateLowestSequenceAndEpoch(2, 3);
    expect(v.lowestSequence).toBe(2);
    v.maybeUpdateLowestSequenceAndEpoch(7, 4);
    expect([v.epoch, v.lowestSequence]).toEqual([4, 7]);
  });

  it('KIP-890: a transactions-v2 producer unknown here must start at sequence 0', () => {
    const v = new VerificationStateEntry(0, 5, 0, true);
    const info = new ProducerAppendInfo(7n, ProducerStateEntry.empty(7n), AppendOrigin.CLIENT, v, 'p-0');
    expect(() => info.append(batch({ baseSequence: 5 }), undefined)).toThrow(OutOfOrderSequenceError);
    const ok = new ProducerAppendInfo(7n, ProducerStateEntry.empty(7n), AppendOrigin.CLIENT, new VerificationStateEntry(0, 0, 0, true), 'p-0');
    ok.append(batch({ baseSequence: 0 }), undefined);
  });

  it('TV2 markers need a bumped epoch, except the retry of a completed one', () => {
    const mk = (epoch: number): ProducerBatch =>
      batch({ producerEpoch: epoch, baseSequence: -1, isControl: true, isTransactional: true, marker: { type: ControlRecordType.COMMIT, coordinatorEpoch: 0, timestamp: 5 } });
    const open = known();
    open.currentTxnFirstOffset = 100;
    expect(() => new ProducerAppendInfo(7n, open, AppendOrigin.COORDINATOR, null, 'p').append(mk(3), TransactionVersion.TV_2)).toThrow(
      InvalidProducerEpochError,
    );
    const done = new ProducerAppendInfo(7n, open, AppendOrigin.COORDINATOR, null, 'p').append(mk(4), TransactionVersion.TV_2);
    expect(done).toEqual({ producerId: 7n, firstOffset: 100, lastOffset: 0, isAborted: false });
    // Retry of a TV2 marker once the transaction ended: allowed, completes nothing.
    expect(new ProducerAppendInfo(7n, known(), AppendOrigin.COORDINATOR, null, 'p').append(mk(3), TransactionVersion.TV_2)).toBeNull();
    // Legacy: the same epoch is fine.
    expect(new ProducerAppendInfo(7n, open, AppendOrigin.COORDINATOR, null, 'p').append(mk(3), undefined)).not.toBeNull();
  });
});

describe('idempotent appends through the log', () => {
  it('accepts a new producer at sequence 0 and continues in sequence', async () => {
    const a = await log.append(pbatch({ pid: 1, seq: 0, count: 3 }));
    const b = await log.append(pbatch({ pid: 1, seq: 3, count: 2 }));
    expect([a.firstOffset, a.lastOffset, b.firstOffset, b.lastOffset]).toEqual([0, 2, 3, 4]);
    expect(entry(1)!.lastSeq).toBe(4);
    expect(log.producerStates()).toEqual([
      { producerId: 1n, producerEpoch: 0, lastSequence: 4, lastTimestamp: 1_700_000_000_001, coordinatorEpoch: -1, currentTxnStartOffset: -1 },
    ]);
  });

  it('a gap is OUT_OF_ORDER_SEQUENCE_NUMBER and nothing is written', async () => {
    await log.append(pbatch({ pid: 1, seq: 0 }));
    const err = await log.append(pbatch({ pid: 1, seq: 2 })).catch((e) => e);
    expect(err).toBeInstanceOf(OutOfOrderSequenceError);
    expect(err.kafkaErrorCode).toBe(45);
    expect(log.logEndOffset).toBe(1);
    expect(entry(1)!.lastSeq).toBe(0);
  });

  it('a retry of the last batch returns the original offsets and writes nothing', async () => {
    await log.append(pbatch({ pid: 1, seq: 0, count: 2 }));
    const orig = await log.append(pbatch({ pid: 1, seq: 2, count: 3 }));
    const retry = await log.append(pbatch({ pid: 1, seq: 2, count: 3 }));
    expect(retry.duplicate).toBe(true);
    expect([retry.firstOffset, retry.lastOffset]).toEqual([orig.firstOffset, orig.lastOffset]);
    expect(retry.logAppendTime).toBe(1_700_000_000_002);
    expect([retry.recordCount, retry.sizeInBytes]).toEqual([0, 0]);
    expect(log.logEndOffset).toBe(5);
  });

  it('retries of any of the last five batches are duplicates; older ones are out of order', async () => {
    const results = [];
    for (let i = 0; i < 7; i++) results.push(await log.append(pbatch({ pid: 1, seq: i })));
    for (let i = 2; i < 7; i++) {
      const r = await log.append(pbatch({ pid: 1, seq: i }));
      expect(r.duplicate).toBe(true);
      expect(r.firstOffset).toBe(results[i]!.firstOffset);
    }
    await expect(log.append(pbatch({ pid: 1, seq: 1 }))).rejects.toBeInstanceOf(OutOfOrderSequenceError);
    expect(log.logEndOffset).toBe(7);
  });

  it('an older epoch is INVALID_PRODUCER_EPOCH; a newer one must start at 0', async () => {
    await log.append(pbatch({ pid: 1, epoch: 2, seq: 0 }));
    const old = await log.append(pbatch({ pid: 1, epoch: 1, seq: 1 })).catch((e) => e);
    expect(old).toBeInstanceOf(InvalidProducerEpochError);
    expect(old.kafkaErrorCode).toBe(47);
    await expect(log.append(pbatch({ pid: 1, epoch: 3, seq: 5 }))).rejects.toBeInstanceOf(OutOfOrderSequenceError);
    await log.append(pbatch({ pid: 1, epoch: 3, seq: 0 }));
    expect([entry(1)!.producerEpoch, entry(1)!.lastSeq, entry(1)!.batches.length]).toEqual([3, 0, 1]);
    // The retry of the old epoch's batch is no longer a duplicate: it is fenced.
    await expect(log.append(pbatch({ pid: 1, epoch: 2, seq: 0 }))).rejects.toBeInstanceOf(InvalidProducerEpochError);
  });

  it('an unknown producer may start at any sequence (KIP-360: no UNKNOWN_PRODUCER_ID from the log)', async () => {
    const r = await log.append(pbatch({ pid: 9, epoch: 4, seq: 1234 }));
    expect(r.firstOffset).toBe(0);
    expect(entry(9)!.lastSeq).toBe(1234);
    await expect(log.append(pbatch({ pid: 9, epoch: 4, seq: 1236 }))).rejects.toBeInstanceOf(OutOfOrderSequenceError);
  });

  it('sequences wrap from Int32.MAX to 0, also inside one batch', async () => {
    await log.append(pbatch({ pid: 1, seq: MAX - 1, count: 1 }));
    await log.append(pbatch({ pid: 1, seq: MAX, count: 3 }));
    expect(entry(1)!.lastSeq).toBe(1);
    await log.append(pbatch({ pid: 1, seq: 2 }));
    const dup = await log.append(pbatch({ pid: 1, seq: MAX, count: 3 }));
    expect([dup.duplicate, dup.firstOffset, dup.lastOffset]).toEqual([true, 1, 3]);
  });

  it('the batches of one append are validated together: one bad batch refuses all', async () => {
    const two = Buffer.concat([pbatch({ pid: 1, seq: 0, count: 2 }), pbatch({ pid: 1, seq: 2, count: 2 })]);
    const r = await log.append(two);
    expect([r.firstOffset, r.lastOffset]).toEqual([0, 3]);
    const bad = Buffer.concat([pbatch({ pid: 1, seq: 4 }), pbatch({ pid: 1, seq: 9 })]);
    await expect(log.append(bad)).rejects.toBeInstanceOf(OutOfOrderSequenceError);
    expect(log.logEndOffset).toBe(4);
    expect(entry(1)!.lastSeq).toBe(3);
    // A duplicate anywhere in the request makes the whole request a duplicate (Kafka returns early).
    const mixed = Buffer.concat([pbatch({ pid: 1, seq: 2, count: 2 }), pbatch({ pid: 1, seq: 4 })]);
    const d = await log.append(mixed);
    expect([d.duplicate, d.firstOffset, d.lastOffset]).toEqual([true, 2, 3]);
    expect(log.logEndOffset).toBe(4);
  });

  it('producers are independent', async () => {
    await log.append(pbatch({ pid: 1, seq: 0 }));
    await log.append(pbatch({ pid: 2, seq: 0 }));
    await log.append(pbatch({ pid: 1, seq: 1 }));
    await expect(log.append(pbatch({ pid: 2, seq: 2 }))).rejects.toBeInstanceOf(OutOfOrderSequenceError);
    expect(log.producerIdCount).toBe(2);
  });

  it('validates appends in flight against each other, and answers a retry of one in flight', async () => {
    const sent = Array.from({ length: 20 }, (_, i) => log.append(pbatch({ pid: 1, seq: i })));
    const retry = log.append(pbatch({ pid: 1, seq: 19 }));
    const gap = log.append(pbatch({ pid: 1, seq: 25 })).catch((e) => e);
    const results = await Promise.all(sent);
    expect(results.map((r) => r.firstOffset)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect((await retry).firstOffset).toBe(19);
    expect((await retry).duplicate).toBe(true);
    expect(await gap).toBeInstanceOf(OutOfOrderSequenceError);
    expect(log.logEndOffset).toBe(20);
  });

  it('a failed write forgets what it would have done to producer state', async () => {
    await log.close();
    const fs = new FaultyFs();
    log = await open(t.dir, { fs });
    await log.append(pbatch({ pid: 1, seq: 0 }));
    fs.spaceLeft = 10;
    await expect(log.append(pbatch({ pid: 1, seq: 1 }))).rejects.toThrow(/ENOSPC|append/);
    fs.spaceLeft = Infinity;
    // Neither a duplicate nor out of order: the failed batch never happened.
    const r = await log.append(pbatch({ pid: 1, seq: 1 }));
    expect(r.duplicate).toBeUndefined();
    expect(r.firstOffset).toBe(1);
  });

  it('replication applies batches without checks; coordinator appends check epochs only', async () => {
    const follower = pbatch({ pid: 1, seq: 5 });
    follower.writeBigInt64BE(0n, 0);
    await log.append(follower, REPLICATION);
    const gap = pbatch({ pid: 1, seq: 50 });
    gap.writeBigInt64BE(1n, 0);
    await log.append(gap, REPLICATION);
    expect(entry(1)!.lastSeq).toBe(50);
    // Coordinator (e.g. TxnOffsetCommit): no sequence check, but epochs are fenced.
    await log.append(pbatch({ pid: 2, epoch: 5, seq: 77 }), COORDINATOR);
    await log.append(pbatch({ pid: 2, epoch: 5, seq: 3 }), COORDINATOR);
    await expect(log.append(pbatch({ pid: 2, epoch: 4, seq: 4 }), COORDINATOR)).rejects.toBeInstanceOf(InvalidProducerEpochError);
  });

  it('a non-transactional batch while a transaction is open is INVALID_TXN_STATE', async () => {
    await log.append(pbatch({ pid: 1, seq: 0, txn: true }));
    const err = await log.append(pbatch({ pid: 1, seq: 1 })).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidTxnStateError);
    expect(err.kafkaErrorCode).toBe(48);
  });

  it('markers: an older coordinator epoch is TRANSACTION_COORDINATOR_FENCED, an older producer epoch INVALID_PRODUCER_EPOCH', async () => {
    await log.append(pbatch({ pid: 1, epoch: 1, seq: 0, txn: true }));
    await log.append(marker({ pid: 1, epoch: 1, commit: true, coordinatorEpoch: 5 }), COORDINATOR);
    await log.append(pbatch({ pid: 1, epoch: 1, seq: 1, txn: true }));
    const fenced = await log.append(marker({ pid: 1, epoch: 1, commit: true, coordinatorEpoch: 4 }), COORDINATOR).catch((e) => e);
    expect(fenced).toBeInstanceOf(TransactionCoordinatorFencedError);
    expect(fenced.kafkaErrorCode).toBe(52);
    await expect(log.append(marker({ pid: 1, epoch: 0, commit: true, coordinatorEpoch: 5 }), COORDINATOR)).rejects.toBeInstanceOf(
      InvalidProducerEpochError,
    );
    expect(log.hasOngoingTransaction(1n)).toBe(true);
    await log.append(marker({ pid: 1, epoch: 1, commit: false, coordinatorEpoch: 5 }), COORDINATOR);
    expect(log.hasOngoingTransaction(1n)).toBe(false);
    expect(entry(1)!.coordinatorEpoch).toBe(5);
  });

  it('clients may not append markers', async () => {
    await expect(log.append(marker({ pid: 1, commit: true }))).rejects.toThrow(/control/);
  });
});

describe('KIP-890 verification seam', () => {
  beforeEach(async () => {
    await log.close();
    log = await open(t.dir, { producerState: { transactionVerificationEnabled: true } });
  });

  it('a transaction is started only with the guard that is still registered', async () => {
    await expect(log.append(pbatch({ pid: 1, seq: 0, txn: true }))).rejects.toBeInstanceOf(InvalidTxnStateError);
    const guard = log.maybeStartTransactionVerification(1n, 0, 0);
    expect(log.verificationGuard(1n)).toBe(guard);
    await log.append(pbatch({ pid: 1, seq: 0, txn: true }), { verificationGuard: guard });
    // The transaction is open: later batches need no guard, and the entry is gone.
    expect(log.verificationGuard(1n)).not.toBe(guard);
    expect(log.maybeStartTransactionVerification(1n, 1, 0)).not.toBe(guard);
    await log.append(pbatch({ pid: 1, seq: 1, txn: true }));
    await log.append(marker({ pid: 1, commit: false }), COORDINATOR);
    // A stale guard cannot open the next transaction.
    await expect(log.append(pbatch({ pid: 1, seq: 2, txn: true }), { verificationGuard: guard })).rejects.toBeInstanceOf(
      InvalidTxnStateError,
    );
  });

  it('a batch of a newer epoch is verified even while the last transaction is still open (transactions v2)', async () => {
    // With transactions v2 each transaction has a new epoch. A batch of the next transaction can
    // arrive before the marker ending the previous one: it must not ride on that open transaction
    // unverified (Kafka 4.x checks the epoch in hasOngoingTransaction).
    const first = log.maybeStartTransactionVerification(1n, 0, 0, true);
    await log.append(pbatch({ pid: 1, epoch: 0, seq: 0, txn: true }), { verificationGuard: first });
    expect(log.hasOngoingTransaction(1n, 0)).toBe(true);
    expect(log.hasOngoingTransaction(1n, 1)).toBe(false);
    expect(log.maybeStartTransactionVerification(1n, 1, 0, true)).toBe(VerificationGuard.SENTINEL);
    const next = log.maybeStartTransactionVerification(1n, 0, 1, true);
    expect(next).not.toBe(VerificationGuard.SENTINEL);
    await expect(log.append(pbatch({ pid: 1, epoch: 1, seq: 0, txn: true }))).rejects.toBeInstanceOf(InvalidTxnStateError);
    expect(log.hasOngoingTransaction(1n, 0)).toBe(true);
  });
});
