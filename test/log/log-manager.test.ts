import { existsSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../src/util/clock';
import { parseLogConfig } from '../../src/log/log-config';
import { LogManager } from '../../src/log/log-manager';
import { LogFs, nodeLogFs } from '../../src/log/log-fs';
import { makeBatch, valuesOf } from './support/batches';
import { readAll } from './support/open';
import { tempDir } from './support/tmp';

let t: ReturnType<typeof tempDir>;
beforeEach(() => (t = tempDir()));
afterEach(() => t.cleanup());

const TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

/** Advances a ManualClock in steps, letting the async work of fired timers finish in between. */
async function tick(clock: ManualClock, ms: number, step: number): Promise<void> {
  for (let done = 0; done < ms; done += step) {
    clock.advance(Math.min(step, ms - done));
    await new Promise((r) => setTimeout(r, 15));
  }
}

function manager(dirs: string[], clock = new ManualClock(), config: Record<string, unknown> = {}) {
  return new LogManager({
    logDirs: dirs,
    clock,
    defaultConfig: parseLogConfig({ 'file.delete.delay.ms': 1000, ...config }),
  });
}

describe('LogManager', () => {
  it('opens an empty log dir in a few milliseconds', async () => {
    // Warm up module loading and the JIT, then time a fresh dir.
    const warm = manager([join(t.dir, 'w')]);
    await warm.startup();
    await warm.shutdown();
    const m = manager([join(t.dir, 'a')]);
    const start = performance.now();
    await m.startup();
    const took = performance.now() - start;
    expect(took).toBeLessThan(20);
    await m.shutdown();
  });

  it('creates logs spread over the log dirs with partition.metadata, and reopens them after a clean shutdown', async () => {
    const dirs = [join(t.dir, 'a'), join(t.dir, 'b')];
    const m = manager(dirs);
    await m.startup();
    for (let p = 0; p < 4; p++) {
      const log = await m.getOrCreateLog({ topic: 'events', partition: p }, { topicId: TOPIC_ID });
      await log.append(makeBatch({ count: p + 1 }));
    }
    expect(readdirSync(dirs[0]!).filter((d) => d.startsWith('events-')).length).toBe(2);
    expect(readdirSync(dirs[1]!).filter((d) => d.startsWith('events-')).length).toBe(2);
    const metaDir = existsSync(join(dirs[0]!, 'events-0')) ? dirs[0]! : dirs[1]!;
    expect(readFileSync(join(metaDir, 'events-0', 'partition.metadata'), 'utf8')).toBe(`version: 0\ntopic_id: ${TOPIC_ID}`);
    await m.shutdown();
    for (const d of dirs) {
      expect(existsSync(join(d, '.kafka_cleanshutdown'))).toBe(true);
      expect(readFileSync(join(d, 'recovery-point-offset-checkpoint'), 'utf8')).toMatch(/^0\n2\n/);
    }
    const again = manager(dirs);
    await again.startup();
    for (const d of dirs) expect(existsSync(join(d, '.kafka_cleanshutdown'))).toBe(false);
    for (let p = 0; p < 4; p++) {
      const log = again.getLog({ topic: 'events', partition: p })!;
      expect(log.logEndOffset).toBe(p + 1);
      expect(log.recoveryPoint).toBe(p + 1);
      expect(log.topicId).toBe(TOPIC_ID);
    }
    await again.shutdown();
  });

  it('recovers from the recovery point after an unclean shutdown', async () => {
    const dir = join(t.dir, 'a');
    const m = manager([dir], new ManualClock(), { 'segment.bytes': 600 });
    await m.startup();
    const log = await m.getOrCreateLog({ topic: 't', partition: 0 });
    for (let i = 0; i < 20; i++) await log.append(makeBatch({ count: 2 }));
    await log.flush();
    await m.checkpointRecoveryPoints();
    const rp = log.recoveryPoint;
    expect(rp).toBe(40);
    for (let i = 0; i < 3; i++) await log.append(makeBatch({ count: 2 }));
    // Simulated crash: no shutdown, no marker; a torn write at the end of the active segment.
    await log.close(false);
    const active = join(dir, 't-0', readdirSync(join(dir, 't-0')).filter((f) => f.endsWith('.log')).sort().pop()!);
    writeFileSync(active, Buffer.concat([readFileSync(active), Buffer.from([0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 1])]));
    const again = manager([dir], new ManualClock(), { 'segment.bytes': 600 });
    await again.startup();
    const reopened = again.getLog({ topic: 't', partition: 0 })!;
    expect(reopened.logEndOffset).toBe(46);
    expect(reopened.recoveryPoint).toBe(40);
    expect(valuesOf(await readAll(reopened)).length).toBe(46);
    await again.shutdown();
  });


  it('opens up to 16 logs at once after a clean shutdown, and only recoveryConcurrency after an unclean one', async () => {
    const dir = join(t.dir, 'a');
    const m = manager([dir]);
    await m.startup();
    for (let p = 0; p < 24; p++) await (await m.getOrCreateLog({ topic: 'many', partition: p })).append(makeBatch({ count: 1 }));
    await m.shutdown();

    // Each log's open starts by listing its directory: count those listings in progress at once.
    const openAtOnce = async (recoveryConcurrency: number): Promise<number> => {
      let now = 0;
      let most = 0;
      const fs: LogFs = {
        ...nodeLogFs,
        readdir: async (path) => {
          if (!path.includes('many-')) return nodeLogFs.readdir(path);
          most = Math.max(most, ++now);
          await new Promise((r) => setTimeout(r, 5));
          now--;
          return nodeLogFs.readdir(path);
        },
      };
      const again = new LogManager({ logDirs: [dir], fs, recoveryConcurrency, defaultConfig: parseLogConfig({}) });
      await again.startup();
      expect(again.allLogs().filter((l) => l.tp.topic === 'many').length).toBe(24);
      await again.shutdown();
      return most;
    };
    expect(await openAtOnce(1)).toBe(16);
    expect(await openAtOnce(20)).toBe(20);
    unlinkSync(join(dir, '.kafka_cleanshutdown')); // as after a crash
    expect(await openAtOnce(3)).toBe(3);
  });
  it('deletes a log by renaming its directory to *-delete and removing it after file.delete.delay.ms', async () => {
    const dir = join(t.dir, 'a');
    const clock = new ManualClock();
    const m = manager([dir], clock);
    await m.startup();
    const log = await m.getOrCreateLog({ topic: 'gone', partition: 3 });
    await log.append(makeBatch());
    expect(await m.deleteLog({ topic: 'gone', partition: 3 })).toBe(true);
    const names = readdirSync(dir);
    expect(names).not.toContain('gone-3');
    const renamed = names.find((n) => n.endsWith('-delete'))!;
    expect(renamed).toMatch(/^gone-3\.[0-9a-f]{32}-delete$/);
    expect(m.getLog({ topic: 'gone', partition: 3 })).toBeUndefined();
    clock.advance(1000);
    await new Promise((r) => setTimeout(r, 50));
    expect(readdirSync(dir).some((n) => n.endsWith('-delete'))).toBe(false);
    await m.shutdown();
  });

  it('removes *-delete directories left from before a restart', async () => {
    const dir = join(t.dir, 'a');
    const m = manager([dir]);
    await m.startup();
    await m.shutdown();
    const left = join(dir, 'x-0.0123456789abcdef0123456789abcdef-delete');
    require('node:fs').mkdirSync(left);
    writeFileSync(join(left, '00000000000000000000.log'), 'junk');
    const again = manager([dir]);
    await again.startup();
    await again.shutdown();
    expect(existsSync(left)).toBe(false);
  });

  it('applies retention.ms and retention.bytes to whole non-active segments on its schedule', async () => {
    const clock = new ManualClock(1_000_000);
    const dir = join(t.dir, 'a');
    const m = new LogManager({
      logDirs: [dir],
      clock,
      retentionCheckIntervalMs: 1000,
      defaultConfig: parseLogConfig({ 'file.delete.delay.ms': 0, 'segment.bytes': 500, 'retention.ms': 10_000 }),
    });
    await m.startup();
    const log = await m.getOrCreateLog({ topic: 'r', partition: 0 });
    for (let i = 0; i < 12; i++) await log.append(makeBatch({ count: 1, valueSize: 100, timestamp: 1_000_000 + i * 1000 }));
    const segments = log.segments.length;
    expect(segments).toBeGreaterThan(3);
    clock.advance(5000);
    expect(await m.runRetention()).toBe(0);
    // Now the first segments' newest timestamps are more than 10 s old; the scheduled check runs.
    const before = log.segments.length;
    await tick(clock, 12_000, 1000);
    const deleted = before - log.segments.length;
    expect(deleted).toBeGreaterThan(0);
    expect(log.logStartOffset).toBe(log.segments[0]!.baseOffset);
    expect(log.segments.length).toBe(segments - deleted);
    // Size-based: keep at most ~2 segments' worth.
    log.updateConfig(parseLogConfig({ 'file.delete.delay.ms': 0, 'segment.bytes': 500, 'retention.bytes': 700 }));
    await m.runRetention();
    expect(log.size).toBeLessThanOrEqual(700 + log.activeSegment.size);
    expect(log.segments.length).toBeGreaterThanOrEqual(1);
    await m.shutdown();
  });

  it('flushes by flush.ms on the injected clock', async () => {
    const clock = new ManualClock();
    const m = new LogManager({
      logDirs: [join(t.dir, 'a')],
      clock,
      flushCheckIntervalMs: 100,
      defaultConfig: parseLogConfig({ 'flush.ms': 1000 }),
    });
    await m.startup();
    const log = await m.getOrCreateLog({ topic: 'f', partition: 0 });
    await log.append(makeBatch());
    await tick(clock, 500, 100);
    expect(log.recoveryPoint).toBe(0);
    await tick(clock, 600, 100);
    expect(log.recoveryPoint).toBe(1);
    await m.shutdown();
  });

  it('rebuilds a missing index after a clean shutdown', async () => {
    const dir = join(t.dir, 'a');
    const m = manager([dir]);
    await m.startup();
    const log = await m.getOrCreateLog({ topic: 'i', partition: 0 });
    for (let i = 0; i < 200; i++) await log.append(makeBatch({ count: 1, valueSize: 100 }));
    await m.shutdown();
    unlinkSync(join(dir, 'i-0', '00000000000000000000.index'));
    const again = manager([dir]);
    await again.startup();
    const reopened = again.getLog({ topic: 'i', partition: 0 })!;
    expect(reopened.logEndOffset).toBe(200);
    const r = await reopened.read(150, { maxBytes: 1 });
    expect(Number(r.records.readBigInt64BE(0))).toBe(150);
    await again.shutdown();
    expect(existsSync(join(dir, 'i-0', '00000000000000000000.index'))).toBe(true);
  });
});
