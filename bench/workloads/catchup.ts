/**
 * Workload 3 (consumer catch-up) and the second half of workload 5 (start-up with data), on one
 * data directory per broker:
 *   1. fresh broker, topic of 16 partitions, produce `startupBytes` (10 GiB by default) of 1 KiB
 *      records (acks=all);
 *   2. one consumer reads the first `catchupBytes` from the beginning (the data was just written,
 *      so it is read from the page cache, as a consumer catching up on recent data would);
 *   3. clean stop (SIGTERM), then a restart on the same directory, timed from spawn until
 *      Metadata shows the topic with every partition led; one record fetched from the start
 *      confirms the data is served.
 */
import { execFileSync } from 'node:child_process';
import { BenchContext } from '../lib/context';
import type { ConsumeResult, CreateResult, ProduceResult } from '../lib/loadgen';
import { PhaseMeter, rssBytes } from '../lib/proc-stats';
import type { BrokerKind } from '../lib/options';

export interface CatchupRun {
  producedBytes: number;
  produceBytesPerSec: number;
  produceCpuSecondsPerGB: number;
  consumedBytes: number;
  consumeBytesPerSec: number;
  consumeRecordsPerSec: number;
  consumeCpuSecondsPerGB: number;
  consumePeakRssBytes: number;
  firstRecordSeconds: number;
  stopMs: number;
  startupWithDataMs: number;
  rssAfterStartBytes: number;
  dataBytesOnDisk: number;
}

const TOPIC = 'catchup-p16';
const PARTITIONS = 16;

function duBytes(dir: string): number {
  try {
    const out = execFileSync('du', ['-sb', dir], { encoding: 'utf8' });
    return Number(out.split(/\s/)[0]);
  } catch {
    return Number.NaN;
  }
}

export async function runCatchup(ctx: BenchContext, kind: BrokerKind): Promise<CatchupRun> {
  const label = 'catchup';
  const dir = ctx.freshDir(kind, label);
  const records = Math.ceil(ctx.opts.startupBytes / 1024);
  const readRecords = Math.ceil(ctx.opts.catchupBytes / 1024);
  let b = await ctx.startBroker(kind, label, dir);
  try {
    await ctx.loadgen<CreateResult>('create', `${kind}-${label}`, { bootstrap: b.bootstrap, topic: TOPIC, partitions: PARTITIONS }, undefined, 180_000);
    ctx.log(`${kind}: loading ${(records * 1024 / 2 ** 30).toFixed(2)} GiB`);
    let meter = new PhaseMeter(b.pid).start();
    const p = await ctx.loadgen<ProduceResult>('produce', `${kind}-${label}`, {
      bootstrap: b.bootstrap, topic: TOPIC, acks: 'all', compression: 'none', 'record-size': 1024, count: records,
    }, undefined, 3_600_000);
    const pu = meter.stop();
    if (p.acked < records) throw new Error(`only ${p.acked} of ${records} records acknowledged (${p.firstError})`);

    meter = new PhaseMeter(b.pid).start();
    const c = await ctx.loadgen<ConsumeResult>('consume', `${kind}-${label}`, {
      bootstrap: b.bootstrap, topic: TOPIC, count: readRecords, timeout: 1800,
    }, undefined, 1_900_000);
    const cu = meter.stop();
    if (!c.complete) throw new Error(`consumer read ${c.records} of ${readRecords} records`);

    const stop = await ctx.stop(b);
    const dataBytes = duBytes(dir);
    ctx.log(`${kind}: restarting on ${(dataBytes / 2 ** 30).toFixed(2)} GiB of data`);
    b = await ctx.startBroker(kind, `${label}-restart`, dir, { name: TOPIC, partitions: PARTITIONS });
    const rssAfterStart = rssBytes(b.pid);
    const check = await ctx.loadgen<ConsumeResult>('consume', `${kind}-${label}`, { bootstrap: b.bootstrap, topic: TOPIC, count: 1, timeout: 120 }, undefined, 180_000);
    if (!check.complete) throw new Error('no record could be fetched after the restart');
    return {
      producedBytes: p.ackedBytes,
      produceBytesPerSec: p.bytesPerSec,
      produceCpuSecondsPerGB: pu.cpuSeconds / (p.ackedBytes / 1e9),
      consumedBytes: c.bytes,
      consumeBytesPerSec: c.bytesPerSec,
      consumeRecordsPerSec: c.recordsPerSec,
      consumeCpuSecondsPerGB: cu.cpuSeconds / (c.bytes / 1e9),
      consumePeakRssBytes: cu.peakRssBytes,
      firstRecordSeconds: c.firstRecordSeconds,
      stopMs: stop.stopMs,
      startupWithDataMs: b.startupMs,
      rssAfterStartBytes: rssAfterStart,
      dataBytesOnDisk: dataBytes,
    };
  } finally {
    if (b.alive()) await ctx.stop(b);
    ctx.removeDir(dir);
  }
}
