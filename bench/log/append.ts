/**
 * Append throughput of the log for 1 KiB records in 16 KiB and 1 MiB batches, as a ratio to
 * writing the same bytes with plain sequential fs writes in the same run (target >= 0.8), and
 * the longest event-loop stall during the log's appends (target < 20 ms).
 *
 *   npx tsx bench/log/append.ts [totalMiB=1024]
 *
 * The log is driven like a broker with several producers: a window of appends in flight (the
 * log writes what queued up together with one writev). Baselines: fs.writeSync in a loop, and
 * fs.write awaited one at a time, both positional on one fd, same chunk size.
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { computeBatchCrc } from '../../src/protocol/records/batch-header';
import { benchDir, eventLoopMonitor, fmt, makeBatch, mbps, median, openBenchLog } from './common';

const TOTAL = Number(process.argv[2] ?? 1024) * 1024 * 1024;
const WINDOW = Number(process.env.WINDOW ?? 8);
const RUNS = Number(process.env.RUNS ?? 3);

async function baselineSync(path: string, chunk: Buffer, total: number): Promise<number> {
  const fd = fs.openSync(path, 'w');
  const t0 = performance.now();
  for (let pos = 0; pos < total; pos += chunk.length) fs.writeSync(fd, chunk, 0, chunk.length, pos);
  const ms = performance.now() - t0;
  fs.closeSync(fd);
  fs.unlinkSync(path);
  return ms;
}

async function baselineAsync(path: string, chunk: Buffer, total: number): Promise<number> {
  const fd = fs.openSync(path, 'w');
  const t0 = performance.now();
  for (let pos = 0; pos < total; pos += chunk.length) {
    await new Promise<void>((res, rej) => fs.write(fd, chunk, 0, chunk.length, pos, (e) => (e ? rej(e) : res())));
  }
  const ms = performance.now() - t0;
  fs.closeSync(fd);
  fs.unlinkSync(path);
  return ms;
}

async function logAppend(dir: string, batches: Buffer[], total: number): Promise<{ ms: number; stallMs: number; p99Ms: number }> {
  const log = await openBenchLog(dir);
  const size = batches[0]!.length;
  const n = Math.ceil(total / size);
  const mon = eventLoopMonitor();
  const t0 = performance.now();
  let next = 0;
  // WINDOW producers, each appending its own buffer (a buffer is reused only once acknowledged).
  await Promise.all(
    batches.map(async (b) => {
      while (next < n) {
        next++;
        await log.append(b, { leaderEpoch: 0 });
      }
    }),
  );
  const ms = performance.now() - t0;
  const stall = mon.stop();
  if (log.logEndOffset <= 0) throw new Error('nothing appended');
  await log.close(false);
  return { ms, stallMs: stall.maxMs, p99Ms: stall.p99Ms };
}

async function main(): Promise<void> {
  const { dir, cleanup } = benchDir('append');
  try {
    console.log(`append benchmark: ${TOTAL / 1048576} MiB per run, ${WINDOW} appends in flight, node ${process.version}`);
    for (const batchBytes of [16 * 1024, 1024 * 1024]) {
      const batches = Array.from({ length: WINDOW }, (_, i) => makeBatch(batchBytes, i));
      const size = batches[0]!.length;
      const total = Math.floor(TOTAL / size) * size;
      // Context: the log verifies every batch's CRC-32C on append (as Kafka does); its cost alone.
      const crcStart = performance.now();
      for (let done = 0; done < total; done += size) computeBatchCrc(batches[0]!, 0, size);
      const crcMBps = mbps(total, performance.now() - crcStart);
      const runs: Array<{ sync: number; async: number; log: number; stall: number; p99: number }> = [];
      for (let r = 0; r < RUNS; r++) {
        const sync = await baselineSync(join(dir, 'plain-sync.bin'), batches[0]!, total);
        const async_ = await baselineAsync(join(dir, 'plain-async.bin'), batches[0]!, total);
        const logDir = join(dir, `log-${batchBytes}-${r}`);
        const res = await logAppend(logDir, batches, total);
        fs.rmSync(logDir, { recursive: true, force: true });
        runs.push({ sync: mbps(total, sync), async: mbps(total, async_), log: mbps(total, res.ms), stall: res.stallMs, p99: res.p99Ms });
      }
      // Ratios are taken within each run (same machine state), then the median over runs.
      const ratioSync = median(runs.map((x) => x.log / x.sync));
      const ratioAsync = median(runs.map((x) => x.log / x.async));
      const stall = Math.max(...runs.map((x) => x.stall));
      console.log(
        `batch ${size} B (${Math.round(size / 1024)} KiB, 1 KiB records): log ${fmt(median(runs.map((x) => x.log)))} MB/s | ` +
          `plain writeSync ${fmt(median(runs.map((x) => x.sync)))} MB/s (ratio ${fmt(ratioSync, 2)}) | ` +
          `plain fs.write ${fmt(median(runs.map((x) => x.async)))} MB/s (ratio ${fmt(ratioAsync, 2)}) | ` +
          `longest event-loop delay ${fmt(stall)} ms (p99 ${fmt(Math.max(...runs.map((x) => x.p99)))} ms) | ` +
          `per-run ratios vs writeSync: ${runs.map((x) => fmt(x.log / x.sync, 2)).join(' ')} | ` +
          `CRC-32C check alone ${fmt(crcMBps, 0)} MB/s`,
      );
    }
  } finally {
    cleanup();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
