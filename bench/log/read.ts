/**
 * Read-side figures of the log:
 *  - a consumer reading from the start (1 MiB fetches), with and without giving the read memory
 *    back (ReadResult.release), which is what a broker does once the response is written;
 *  - a tailing consumer: reads served while a producer appends (16 KiB batches, 8 in flight);
 *  - index lookup: the in-memory offset-index binary search, and a random-offset read of one
 *    batch (index lookup + header scan + pread).
 *
 *   npx tsx bench/log/read.ts [totalMiB=512]
 */
import { benchDir, eventLoopMonitor, fmt, makeBatch, mbps, openBenchLog } from './common';

const TOTAL = Number(process.argv[2] ?? 512) * 1024 * 1024;

async function main(): Promise<void> {
  const { dir, cleanup } = benchDir('read');
  try {
    const log = await openBenchLog(dir, { 'segment.bytes': 256 * 1024 * 1024 });
    const batches = Array.from({ length: 8 }, (_, i) => makeBatch(16 * 1024, i));
    const n = Math.floor(TOTAL / batches[0]!.length);
    let next = 0;
    await Promise.all(batches.map(async (b) => { while (next++ < n) await log.append(b); }));
    const bytes = log.size;
    console.log(`read benchmark: log of ${fmt(bytes / 1048576, 0)} MiB in ${log.segments.length} segments, ${log.logEndOffset} records`);

    for (const release of [true, false]) {
      for (let pass = 0; pass < 2; pass++) {
        let offset = 0;
        let read = 0;
        const t0 = performance.now();
        while (offset < log.logEndOffset) {
          const r = await log.read(offset, { maxBytes: 1024 * 1024 });
          read += r.records.length;
          offset = lastOffsetIn(r.records) + 1;
          if (release) r.release();
        }
        const ms = performance.now() - t0;
        if (pass === 1) {
          console.log(`consumer from the start (1 MiB fetches, ${release ? 'buffers released to the pool' : 'fresh buffers'}): ${fmt(mbps(read, ms))} MB/s`);
        }
      }
    }

    // Tailing consumer: appends go on while it reads from where it is to the end.
    {
      const tailLog = await openBenchLog(`${dir}/tail`, {});
      let producing = true;
      let appended = 0;
      const producers = batches.map(async (b) => {
        while (producing) {
          await tailLog.append(b);
          appended += b.length;
        }
      });
      let offset = 0;
      let read = 0;
      let reads = 0;
      let emptyReads = 0;
      const mon = eventLoopMonitor();
      const t0 = performance.now();
      while (performance.now() - t0 < 3000) {
        if (offset >= tailLog.logEndOffset) {
          emptyReads++;
          await new Promise((r) => setImmediate(r));
          continue;
        }
        const r = await tailLog.read(offset, { maxBytes: 1024 * 1024 });
        reads++;
        read += r.records.length;
        if (r.records.length) offset = lastOffsetIn(r.records) + 1;
        r.release();
      }
      const ms = performance.now() - t0;
      producing = false;
      await Promise.all(producers);
      const stall = mon.stop();
      console.log(
        `tailing consumer: ${fmt(mbps(read, ms))} MB/s read (${reads} reads, avg ${fmt(read / Math.max(1, reads) / 1024)} KiB) ` +
          `while appending ${fmt(mbps(appended, ms))} MB/s; consumer lag at the end ${tailLog.logEndOffset - offset} records; ` +
          `longest event-loop delay ${fmt(stall.maxMs)} ms`,
      );
      await tailLog.close(false);
    }

    // Index lookups.
    {
      const seg = log.segments[0]!;
      await seg.ensureIndexes();
      const idx = seg.offsetIndex;
      const last = idx.lastOffset;
      const N = 1_000_000;
      let sink = 0;
      const t0 = performance.now();
      for (let i = 0; i < N; i++) sink += idx.floorEntry((i * 7919) % last);
      const ns = ((performance.now() - t0) * 1e6) / N;
      const M = 2000;
      const t1 = performance.now();
      for (let i = 0; i < M; i++) {
        const r = await log.read(Math.floor(Math.random() * log.logEndOffset), { maxBytes: 1 });
        sink += r.records.length;
        r.release();
      }
      const us = ((performance.now() - t1) * 1000) / M;
      console.log(
        `index lookup: ${fmt(ns, 0)} ns per binary search over ${idx.entries} entries; ` +
          `random-offset read of one batch ${fmt(us)} µs (index + header scan + pread)${sink < 0 ? '' : ''}`,
      );
    }
    await log.close(false);
  } finally {
    cleanup();
  }
}

function lastOffsetIn(buf: Buffer): number {
  let off = 0;
  let last = -1;
  while (off + 61 <= buf.length) {
    last = buf.readInt32BE(off) * 2 ** 32 + buf.readUInt32BE(off + 4) + buf.readInt32BE(off + 23);
    off += buf.readInt32BE(off + 8) + 12;
  }
  return last;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
