import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { validateBatch } from '../../src/protocol/records';
import { batchesOf, valuesOf } from './support/batches';
import { open, readAll } from './support/open';
import { tempDir } from './support/tmp';

let t: ReturnType<typeof tempDir>;
beforeEach(() => (t = tempDir()));
afterEach(() => t.cleanup());

interface ChildRun {
  maxAcked: number;
  maxFlushed: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs the child until it has appended for a random while, then SIGKILLs it. */
function runAndKill(dir: string, startSeq: number, killAfterMs: number, writes: 'buffered' | 'direct'): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', join(__dirname, 'support/crash-child.ts'), dir, String(startSeq), writes], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TRIBUTARY_LOG_LEVEL: 'silent' },
    });
    let out = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!timer && out.includes('\nA ')) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      let maxAcked = startSeq - 1;
      let maxFlushed = startSeq - 1;
      for (const line of out.split('\n')) {
        const [kind, n] = line.split(' ');
        if (kind === 'A') maxAcked = Math.max(maxAcked, Number(n));
        if (kind === 'F') maxFlushed = Math.max(maxFlushed, Number(n));
      }
      resolve({ maxAcked, maxFlushed, code, signal, stderr });
    });
  });
}

// 'direct': appends with O_DIRECT (direct-appender.ts), which leave zero padding after the last
// batch until the appender is closed; recovery must cut it like any torn tail.
describe.each(['buffered', 'direct'] as const)('crash recovery with a real SIGKILL, %s appends', (writes) => {
  it('after each kill the log holds an intact prefix including everything acknowledged and flushed', async () => {
    const dir = join(t.dir, 'crash-0');
    let records = 0;
    let flushedSeen = 0;
    for (let round = 0; round < 6; round++) {
      const run = await runAndKill(dir, records, 30 + Math.floor(Math.random() * 400), writes);
      expect(run.stderr).toBe('');
      expect(run.signal).toBe('SIGKILL');
      const log = await open(dir, { clean: false, recoveryPoint: 0, config: { 'segment.bytes': 32 * 1024, 'index.interval.bytes': 512 } });
      const data = await readAll(log);
      for (const b of batchesOf(data)) validateBatch(b.bytes, 0);
      const values = valuesOf(data);
      values.forEach((v, i) => expect(v!.startsWith(`seq:${i}:`)).toBe(true));
      expect(log.logEndOffset).toBe(values.length);
      expect(values.length).toBeGreaterThan(run.maxFlushed);
      // A killed process loses nothing the kernel has: every acknowledged append is there too.
      expect(values.length).toBeGreaterThan(run.maxAcked);
      if (run.maxFlushed >= 0) flushedSeen++;
      records = values.length;
      if (process.env.CRASH_DEBUG) process.stderr.write(`round ${round}: ${records} records, acked ${run.maxAcked}, flushed ${run.maxFlushed}, segments ${log.segments.length}\n`);
      await log.close(false);
    }
    expect(records).toBeGreaterThan(0);
    expect(flushedSeen).toBeGreaterThan(0);
  }, 120_000);
});
