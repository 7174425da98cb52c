/**
 * Random idempotent-producer traffic (in-sequence batches, retries of recent and old batches,
 * gaps, stale and new epochs) with rolls, truncations and clean and unclean reopens, against a
 * model of Kafka's rules: every append's outcome (offsets, duplicate, or the error) matches.
 *
 * Model of a reload: a snapshot remembers each producer's last batch only; the log after it is
 * replayed (up to five batches per producer, of the current epoch). A clean reopen loads the
 * snapshot at the log end; an unclean one from recovery point 0 replays the whole log; a
 * truncation reloads the latest snapshot at or below the new log end.
 */
import fc from 'fast-check';
import { Log } from '../../src/log/log';
import { InvalidProducerEpochError, OutOfOrderSequenceError } from '../../src/log/producer-state-errors';
import { open } from './support/open';
import { pbatch } from './support/producer-batches';
import { tempDir } from './support/tmp';

type Op =
  | { kind: 'next'; pid: number; count: number }
  | { kind: 'retry'; pid: number; back: number }
  | { kind: 'gap'; pid: number }
  | { kind: 'epoch'; pid: number; delta: -1 | 1; seq: number }
  | { kind: 'roll' }
  | { kind: 'truncate'; back: number }
  | { kind: 'reopen'; clean: boolean };

const pid = fc.integer({ min: 1, max: 3 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('next' as const), pid, count: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('retry' as const), pid, back: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('gap' as const), pid }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('epoch' as const), pid, delta: fc.constantFrom(-1 as const, 1 as const), seq: fc.constantFrom(0, 3) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('roll' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), back: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen' as const), clean: fc.boolean() }) },
);

interface Sent {
  pid: number;
  epoch: number;
  seq: number;
  count: number;
  first: number;
  last: number;
}

type Outcome = { ok: [number, number, boolean] } | { err: 'epoch' | 'sequence' };

/** Kafka's rules over the batches the model remembers per producer. */
class Model {
  /** Every batch in the log, in offset order. */
  log: Sent[] = [];
  /** Remembered batches per producer (at most five, current epoch) and its epoch. */
  producers = new Map<number, { epoch: number; batches: Sent[] }>();
  leo = 0;

  append(pid: number, epoch: number, seq: number, count: number): Outcome {
    const p = this.producers.get(pid);
    if (p && p.epoch === epoch) {
      const dup = p.batches.find((b) => b.seq === seq && b.count === count);
      if (dup) return { ok: [dup.first, dup.last, true] };
    }
    if (p && epoch < p.epoch) return { err: 'epoch' };
    if (p && epoch === p.epoch) {
      const lastSeq = p.batches.length ? p.batches[p.batches.length - 1]!.seq + p.batches[p.batches.length - 1]!.count - 1 : -1;
      if (seq !== lastSeq + 1) return { err: 'sequence' };
    } else if (p && seq !== 0) {
      return { err: 'sequence' };
    }
    const sent: Sent = { pid, epoch, seq, count, first: this.leo, last: this.leo + count - 1 };
    this.leo += count;
    this.log.push(sent);
    this.remember(sent);
    return { ok: [sent.first, sent.last, false] };
  }

  private remember(s: Sent): void {
    const p = this.producers.get(s.pid);
    if (!p || p.epoch !== s.epoch) this.producers.set(s.pid, { epoch: s.epoch, batches: [s] });
    else p.batches = [...p.batches, s].slice(-5);
  }

  /** State from a snapshot at `from` (0: none) plus the log replayed after it. */
  replayFrom(from: number): void {
    this.producers.clear();
    for (const s of this.log) if (s.last < from) this.remember(s);
    for (const p of this.producers.values()) p.batches = p.batches.slice(-1);
    for (const s of this.log) if (s.first >= from) this.remember(s);
  }

  truncate(offset: number, snapshot: number): void {
    this.log = this.log.filter((s) => s.last < offset);
    this.leo = this.log.length ? this.log[this.log.length - 1]!.last + 1 : 0;
    this.replayFrom(snapshot);
  }

  cleanReopen(): void {
    for (const p of this.producers.values()) p.batches = p.batches.slice(-1);
  }
}

const CONFIG = { 'segment.bytes': 700 };

describe('producer state against a model', () => {
  it('every append outcome matches Kafka\'s rules across rolls, truncations and reopens', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 40 }), async (ops) => {
        const t = tempDir();
        let log: Log = await open(t.dir, { config: CONFIG });
        const model = new Model();
        /** What each producer would send next (its own view: epoch and next sequence). */
        const client = new Map<number, { epoch: number; seq: number; sent: Array<{ seq: number; count: number }> }>();
        const view = (p: number) => client.get(p) ?? { epoch: 0, seq: 0, sent: [] };
        const send = async (p: number, epoch: number, seq: number, count: number) => {
          const expected = model.append(p, epoch, seq, count);
          const got = await log.append(pbatch({ pid: p, epoch, seq, count })).then(
            (r): Outcome => ({ ok: [r.firstOffset, r.lastOffset, r.duplicate === true] }),
            (e): Outcome => {
              if (e instanceof InvalidProducerEpochError) return { err: 'epoch' };
              if (e instanceof OutOfOrderSequenceError) return { err: 'sequence' };
              throw e;
            },
          );
          expect(got).toEqual(expected);
          return 'ok' in got && !got.ok[2];
        };
        try {
          for (const op of ops) {
            if (op.kind === 'next' || op.kind === 'gap') {
              const v = view(op.pid);
              const seq = op.kind === 'gap' ? v.seq + 2 : v.seq;
              const count = op.kind === 'gap' ? 1 : op.count;
              if (await send(op.pid, v.epoch, seq, count)) {
                client.set(op.pid, { epoch: v.epoch, seq: seq + count, sent: [...v.sent, { seq, count }] });
              }
            } else if (op.kind === 'retry') {
              const v = view(op.pid);
              const b = v.sent[v.sent.length - 1 - op.back];
              if (b) await send(op.pid, v.epoch, b.seq, b.count);
            } else if (op.kind === 'epoch') {
              const v = view(op.pid);
              const epoch = Math.max(0, v.epoch + op.delta);
              if (await send(op.pid, epoch, op.seq, 1)) client.set(op.pid, { epoch, seq: op.seq + 1, sent: [{ seq: op.seq, count: 1 }] });
            } else if (op.kind === 'roll') {
              await log.rollNow();
            } else if (op.kind === 'truncate') {
              const target = Math.max(0, log.logEndOffset - op.back);
              // Truncation cuts whole batches: the model keeps those ending below the target.
              const cut = model.log.find((s) => s.last >= target)?.first ?? model.leo;
              const snapshot = Math.max(0, ...log.producerSnapshotOffsets().filter((o) => o <= cut));
              await log.truncateTo(target);
              model.truncate(cut, snapshot);
              expect(log.logEndOffset).toBe(model.leo);
            } else {
              await log.close(op.clean);
              log = await open(t.dir, { config: CONFIG, clean: op.clean, recoveryPoint: 0 });
              if (op.clean) model.cleanReopen();
              else model.replayFrom(0);
              expect(log.logEndOffset).toBe(model.leo);
            }
            for (const [p, s] of model.producers) {
              const e = log.activeProducers.get(BigInt(p))!;
              expect([e.producerEpoch, e.batches.length]).toEqual([s.epoch, s.batches.length]);
            }
          }
        } finally {
          await log.close(false).catch(() => undefined);
          t.cleanup();
        }
      }),
      { numRuns: 40 },
    );
  });
});
