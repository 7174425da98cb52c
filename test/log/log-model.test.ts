/**
 * Random operation sequences against a simple model (an array of batches), with clean and
 * unclean reopens in the middle: after every step the log holds exactly the model's batches.
 */
import fc from 'fast-check';
import { Log } from '../../src/log/log';
import { batchesOf, makeBatch } from './support/batches';
import { open, readAll } from './support/open';
import { tempDir } from './support/tmp';

type Op =
  | { kind: 'append'; count: number; size: number }
  | { kind: 'appendMany'; n: number }
  | { kind: 'truncate'; back: number }
  | { kind: 'roll' }
  | { kind: 'advanceStart'; by: number }
  | { kind: 'reopen'; clean: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('append' as const), count: fc.integer({ min: 1, max: 4 }), size: fc.integer({ min: 1, max: 300 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('appendMany' as const), n: fc.integer({ min: 2, max: 8 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), back: fc.integer({ min: 0, max: 10 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('roll' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advanceStart' as const), by: fc.integer({ min: 0, max: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen' as const), clean: fc.boolean() }) },
);

interface ModelBatch {
  base: number;
  last: number;
  body: Buffer; // bytes after the partition leader epoch (CRC-covered part)
}

const CONFIG = { 'segment.bytes': 2048, 'index.interval.bytes': 200 };

describe('Log against a model', () => {
  it('matches the model after random operations and reopens', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), async (ops) => {
        const t = tempDir();
        let log: Log = await open(t.dir, { config: CONFIG });
        let model: ModelBatch[] = [];
        let start = 0;
        try {
          for (const op of ops) {
            if (op.kind === 'append' || op.kind === 'appendMany') {
              const inputs = op.kind === 'append' ? [makeBatch({ count: op.count, valueSize: op.size })] : Array.from({ length: op.n }, (_, i) => makeBatch({ count: 1 + (i % 3), valueSize: 20 * i }));
              const results = await Promise.all(inputs.map((b) => log.append(b, { leaderEpoch: 1 })));
              results.forEach((r, i) => model.push({ base: r.firstOffset, last: r.lastOffset, body: Buffer.from(inputs[i]!.subarray(16)) }));
            } else if (op.kind === 'truncate') {
              const keep = Math.max(0, model.length - op.back);
              const target = keep < model.length ? model[keep]!.base : log.logEndOffset;
              if (target < start) continue;
              await log.truncateTo(target);
              model = model.slice(0, keep);
            } else if (op.kind === 'roll') {
              await log.rollNow();
            } else if (op.kind === 'advanceStart') {
              const target = Math.min(log.logEndOffset, start + op.by);
              start = await log.advanceLogStartOffset(target);
            } else {
              await log.close(op.clean);
              log = await open(t.dir, {
                config: CONFIG,
                clean: op.clean,
                recoveryPoint: op.clean ? 0 : log.recoveryPoint,
                logStartOffset: start,
              });
            }
            const end = model.length ? model[model.length - 1]!.last + 1 : log.logEndOffset;
            expect(log.logEndOffset).toBe(end);
            expect(log.logStartOffset).toBe(start);
            const got = batchesOf(await readAll(log));
            const expected = model.filter((b) => b.last >= start);
            expect(got.map((b) => [b.baseOffset, b.lastOffset])).toEqual(expected.map((b) => [b.base, b.last]));
            got.forEach((b, i) => expect(b.bytes.subarray(16).equals(expected[i]!.body)).toBe(true));
          }
        } finally {
          await log.close(false).catch(() => undefined);
          t.cleanup();
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
