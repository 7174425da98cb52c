/**
 * Child process for the SIGKILL test: opens the log in argv[2] (recovering it; argv[4] 'direct'
 * appends with direct I/O), then appends
 * batches of records "seq:<n>" forever, a few in flight at once, flushing now and then.
 * Reports on stdout (synchronous for pipes on Linux): "A <seq>" once the append holding record
 * <seq> is acknowledged, "F <seq>" once a flush covering it completed.
 */
import { buildRecordBatch } from '../../../src/protocol/records';
import { DirectIo } from '../../../src/log/direct-io';
import { ManualClock } from '../../../src/util/clock';
import { parseLogConfig } from '../../../src/log/log-config';
import { nodeLogFs } from '../../../src/log/log-fs';
import { openLog } from '../../../src/log/log-loader';

async function main(): Promise<void> {
  const dir = process.argv[2]!;
  let seq = Number(process.argv[3]);
  const config = parseLogConfig({ 'segment.bytes': 32 * 1024, 'index.interval.bytes': 512, 'file.delete.delay.ms': 0 });
  const direct = process.argv[4] === 'direct';
  const log = await openLog(nodeLogFs, new ManualClock(), {
    dir,
    tp: { topic: 'crash', partition: 0 },
    config,
    recoveryPoint: 0,
    logStartOffset: 0,
    hadCleanShutdown: false,
  }, { directIo: direct ? new DirectIo({ onBytesPerSec: 0 }) : undefined });
  if (log.logEndOffset !== seq) throw new Error(`expected LEO ${seq}, found ${log.logEndOffset}`);
  process.stdout.write('READY\n');
  let appends = 0;
  const inFlight = new Set<Promise<void>>();
  for (;;) {
    const n = 1 + Math.floor(Math.random() * 5);
    const records = Array.from({ length: n }, (_, i) => ({
      key: null,
      value: Buffer.from(`seq:${seq + i}:`.padEnd(20 + Math.floor(Math.random() * 300), 'x')),
      timestamp: Date.now(),
    }));
    const last = seq + n - 1;
    seq += n;
    const p = log.append(buildRecordBatch({ records }), { leaderEpoch: 1 }).then(() => {
      process.stdout.write(`A ${last}\n`);
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
    if (++appends % 10 === 0) {
      const upTo = last;
      await p;
      void log.flush().then(() => process.stdout.write(`F ${upTo}\n`));
    }
    if (inFlight.size >= 4) await Promise.race(inFlight);
  }
}

main().catch((e) => {
  process.stderr.write(`child failed: ${e?.stack ?? e}\n`);
  process.exit(3);
});
