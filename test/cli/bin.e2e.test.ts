/**
 * The command users run (`npx tributary`, `npm start`): bin/tributary.js loads the esbuild bundle
 * of the CLI (dist/cli/tributary.cjs, made by `npm run build`, which `npm ci` runs through the
 * `prepare` script). This starts that file as a child process, uses it with a real client, and
 * stops it with SIGTERM, so a bundling mistake (a module the bundle cannot resolve, code that
 * behaves differently once bundled) fails here rather than for users.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { npmStartNodeOptions } from '../../tools/npm-start-options';

const repoRoot = join(__dirname, '..', '..');
const bundle = join(repoRoot, 'dist', 'cli', 'tributary.cjs');

interface LogLine {
  msg?: string;
  port?: number;
  listeners?: Array<{ port: number }>;
}

function startCli(args: string[]): { child: ChildProcessWithoutNullStreams; lines: LogLine[]; waitFor: (msg: RegExp) => Promise<LogLine> } {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'tributary.js'), ...args], {
    env: { ...process.env, TRIBUTARY_LOG_FORMAT: 'json' },
  });
  const lines: LogLine[] = [];
  const waiters: Array<{ re: RegExp; resolve: (l: LogLine) => void }> = [];
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const text = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        continue;
      }
      lines.push(line);
      for (const w of [...waiters]) {
        if (line.msg !== undefined && w.re.test(line.msg)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  const waitFor = (re: RegExp): Promise<LogLine> => {
    const seen = lines.find((l) => l.msg !== undefined && re.test(l.msg));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      waiters.push({ re, resolve });
      child.once('exit', (code) => reject(new Error(`CLI exited (${code}) before logging ${re}`)));
    });
  };
  return { child, lines, waitFor };
}

describe('bin/tributary.js (the bundled CLI)', () => {
  it('is built', () => {
    // `npm ci` builds it (prepare script); locally, `npm run build`.
    expect(existsSync(bundle)).toBe(true);
  });

  it('starts, serves a client and shuts down cleanly on SIGTERM', async () => {
    const cli = startCli(['--ephemeral', '--override', 'listeners=PLAINTEXT://127.0.0.1:0']);
    try {
      const ready = await cli.waitFor(/ready on/);
      const port = ready.listeners?.[0]?.port;
      expect(typeof port).toBe('number');

      const kafka = new Kafka({ clientId: 'cli-test', brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      const producer = kafka.producer();
      const consumer = kafka.consumer({ groupId: 'cli-test-group' });
      await Promise.all([admin.connect(), producer.connect(), consumer.connect()]);
      try {
        await admin.createTopics({ topics: [{ topic: 'cli-topic', numPartitions: 2 }], waitForLeaders: true });
        await producer.send({ topic: 'cli-topic', messages: [{ key: 'k', value: 'from the bundled CLI', partition: 1 }] });
        await consumer.subscribe({ topic: 'cli-topic', fromBeginning: true });
        const got = await new Promise<string>((resolve) => {
          void consumer.run({ eachMessage: async ({ message }) => resolve(message.value!.toString()) });
        });
        expect(got).toBe('from the bundled CLI');
      } finally {
        await Promise.all([admin.disconnect(), producer.disconnect(), consumer.disconnect()]);
      }

      const exit = new Promise<number | null>((resolve) => cli.child.once('exit', (code) => resolve(code)));
      cli.child.kill('SIGTERM');
      expect(await exit).toBe(0);
      expect(cli.lines.some((l) => l.msg === 'broker stopped')).toBe(true);
    } finally {
      if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
    }
  });

  it('compiles the bundle from the code cache the build made, when started as `npm start` starts it', async () => {
    // V8 accepts the cache only under the Node options it was made with: npm start's.
    const nodeOptions = npmStartNodeOptions(repoRoot);
    expect(nodeOptions.length).toBeGreaterThan(0);
    const cacheFile = join(repoRoot, 'dist', 'cli', 'tributary.code-cache');
    const madeAt = statSync(cacheFile).mtimeMs;
    const child = spawn(process.execPath, [...nodeOptions, join(repoRoot, 'bin', 'tributary.js'), '--ephemeral', '--override', 'listeners=PLAINTEXT://127.0.0.1:0'], {
      env: { ...process.env, TRIBUTARY_LOG_FORMAT: 'json', TRIBUTARY_CODE_CACHE_REPORT: '1' },
    });
    try {
      let stderr = '';
      let stdout = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => {
          stdout += c.toString('utf8');
          if (/ ready on /.test(stdout)) resolve();
        });
        child.once('exit', (code) => reject(new Error(`exited (${code}) before ready: ${stderr}`)));
      });
      expect(stderr).toContain('code cache: used');
      const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
      expect(statSync(cacheFile).mtimeMs).toBe(madeAt); // only the build writes it
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('rejects a bad configuration with a clear message and exit code 1', async () => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'tributary.js'), '--ephemeral', '--override', 'num.partitions=zero']);
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(stderr).toMatch(/invalid configuration/);
    expect(stderr).toMatch(/num\.partitions/);
  });
});
