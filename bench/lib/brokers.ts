/**
 * The processes a benchmark drives: Tributary, the reference Apache Kafka, and the null sink.
 * Each runs as its own process on 127.0.0.1 with its own data directory under the work
 * directory (so both brokers write to the same disk), and reports its start-up time: from spawn
 * to the first Metadata answer that lists a broker (and, if asked, a topic with every partition
 * led).
 *
 * Kafka is launched the way compat-tests/reference-kafka/kafka.sh launches it — the same
 * classpath (`kafka.sh classpath`), JVM options, KRaft settings and log4j set-up — but by this
 * module, because the start-up workload needs to restart Kafka on an existing data directory and
 * to time the JVM from spawn, which kafka.sh (fresh temporary directory, 0.2 s polling) does not.
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { waitReady } from './kafka-probe';
import { npmStartNodeOptions } from '../../tools/npm-start-options';

export type TargetKind = 'tributary' | 'kafka' | 'null-sink';

export interface RunningTarget {
  kind: TargetKind;
  host: string;
  port: number;
  bootstrap: string;
  pid: number;
  dataDir: string;
  logFile: string;
  /** Spawn → ready, milliseconds. */
  startupMs: number;
  alive(): boolean;
  /** SIGTERM, then SIGKILL after 60 s; resolves with how long the stop took. */
  stop(): Promise<{ stopMs: number; code: number | null; signal: string | null }>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function track(child: ChildProcess): { alive: () => boolean; exited: Promise<{ code: number | null; signal: string | null }> } {
  let running = true;
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    });
  });
  return { alive: () => running, exited };
}

function stopper(child: ChildProcess, exited: Promise<{ code: number | null; signal: string | null }>, alive: () => boolean) {
  return async (): Promise<{ stopMs: number; code: number | null; signal: string | null }> => {
    const t0 = performance.now();
    if (alive()) child.kill('SIGTERM');
    const killer = setTimeout(() => alive() && child.kill('SIGKILL'), 60_000);
    const r = await exited;
    clearTimeout(killer);
    return { stopMs: performance.now() - t0, ...r };
  };
}

async function launch(opts: {
  kind: TargetKind;
  cmd: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  port: number;
  dataDir: string;
  logFile: string;
  readyTopic?: { name: string; partitions: number };
  timeoutMs: number;
}): Promise<RunningTarget> {
  const out = createWriteStream(opts.logFile, { flags: 'a' });
  const t0 = performance.now();
  const child = spawn(opts.cmd, opts.args, { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const { alive, exited } = track(child);
  const stop = stopper(child, exited, alive);
  try {
    const startupMs = await waitReady({
      host: '127.0.0.1',
      port: opts.port,
      topic: opts.readyTopic?.name,
      partitions: opts.readyTopic?.partitions,
      sinceMs: t0,
      timeoutMs: opts.timeoutMs,
      alive,
    });
    return {
      kind: opts.kind,
      host: '127.0.0.1',
      port: opts.port,
      bootstrap: `127.0.0.1:${opts.port}`,
      pid: child.pid as number,
      dataDir: opts.dataDir,
      logFile: opts.logFile,
      startupMs,
      alive,
      stop,
    };
  } catch (e) {
    await stop();
    throw new Error(`${opts.kind} did not start: ${(e as Error).message} (log: ${opts.logFile})`);
  }
}

export interface TributaryLaunch {
  repoRoot: string;
  dataDir: string;
  logFile: string;
  env: Record<string, string>;
  cpuProfileDir?: string;
  readyTopic?: { name: string; partitions: number };
}

/** `node bin/tributary.js` (the compiled CLI) with the listener and data directory of this run. */
export async function startTributary(l: TributaryLaunch): Promise<RunningTarget> {
  const port = await freePort();
  mkdirSync(l.dataDir, { recursive: true });
  const nodeArgs = l.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${l.cpuProfileDir}`] : [];
  const overrides = [
    `listeners=PLAINTEXT://127.0.0.1:${port}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    `log.dirs=${l.dataDir}`,
    'offsets.topic.num.partitions=1', // as kafka.sh configures the reference broker
  ];
  return launch({
    kind: 'tributary',
    cmd: process.execPath,
    // bin/tributary.js is what `npx tributary` and `npm start` run (it loads the CLI bundle, dist/cli/tributary.cjs).
    args: [...npmStartNodeOptions(l.repoRoot), ...nodeArgs, join(l.repoRoot, 'bin', 'tributary.js'), ...overrides.flatMap((o) => ['--override', o])],
    env: { ...process.env, TRIBUTARY_LOG_FORMAT: 'json', ...l.env },
    port,
    dataDir: l.dataDir,
    logFile: l.logFile,
    readyTopic: l.readyTopic,
    timeoutMs: 120_000,
  });
}

let kafkaClasspath: string | undefined;
export function kafkaVersion(repoRoot: string): string {
  return execFileSync(join(repoRoot, 'compat-tests', 'reference-kafka', 'kafka.sh'), ['version'], { encoding: 'utf8' }).trim();
}

export interface KafkaLaunch {
  repoRoot: string;
  /** Holds server.properties, log4j2.properties, logs/ and data/. Reused as is when it exists. */
  dir: string;
  logFile: string;
  readyTopic?: { name: string; partitions: number };
}

/** The JVM options kafka.sh uses. */
const KAFKA_JVM = ['-Xms256m', '-Xmx1g', '-XX:+UseG1GC', '-Djava.awt.headless=true'];

/** Starts Kafka in `dir`, formatting its KRaft storage first if `dir` is new (not timed). */
export async function startKafka(l: KafkaLaunch): Promise<RunningTarget & { formatMs: number }> {
  if (!kafkaClasspath) {
    kafkaClasspath = execFileSync(join(l.repoRoot, 'compat-tests', 'reference-kafka', 'kafka.sh'), ['classpath'], { encoding: 'utf8' }).trim();
  }
  const props = join(l.dir, 'server.properties');
  const jvm = (): string[] => [...KAFKA_JVM, `-Dlog4j2.configurationFile=${join(l.dir, 'log4j2.properties')}`, `-Dkafka.logs.dir=${join(l.dir, 'logs')}`, '-cp', kafkaClasspath as string];
  let port: number;
  let formatMs = 0;
  if (!existsSync(props)) {
    port = await freePort();
    let controller = await freePort();
    while (controller === port) controller = await freePort();
    mkdirSync(join(l.dir, 'data'), { recursive: true });
    mkdirSync(join(l.dir, 'logs'), { recursive: true });
    writeFileSync(join(l.dir, 'log4j2.properties'), [
      'status = warn',
      'appender.server.type = File',
      'appender.server.name = server',
      `appender.server.fileName = ${join(l.dir, 'logs', 'server.log')}`,
      'appender.server.layout.type = PatternLayout',
      'appender.server.layout.pattern = [%d] %p %m (%c)%n',
      'rootLogger.level = INFO',
      'rootLogger.appenderRef.server.ref = server',
      'logger.request.name = kafka.request.logger',
      'logger.request.level = WARN',
      '',
    ].join('\n'));
    // The settings of compat-tests/reference-kafka/kafka.sh, with log.dirs under our work dir.
    writeFileSync(props, [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controller}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controller}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      'inter.broker.listener.name=PLAINTEXT',
      'controller.listener.names=CONTROLLER',
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      `log.dirs=${join(l.dir, 'data')}`,
      'auto.create.topics.enable=true',
      'num.partitions=1',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'transaction.state.log.num.partitions=1',
      'share.coordinator.state.topic.replication.factor=1',
      'share.coordinator.state.topic.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      '',
    ].join('\n'));
    // As Kafka's Uuid.randomUuid: never an id starting with '-', which the tool's argument
    // parser would take for an option (a format failed on such an id once in 64).
    let clusterId = randomBytes(16).toString('base64url');
    while (clusterId.startsWith('-')) clusterId = randomBytes(16).toString('base64url');
    const t0 = performance.now();
    const r = spawnSync('java', [...jvm(), 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', props], { encoding: 'utf8' });
    formatMs = performance.now() - t0;
    writeFileSync(join(l.dir, 'logs', 'format.log'), `${r.stdout ?? ''}${r.stderr ?? ''}`);
    if (r.status !== 0) {
      const tail = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-3).join(' / ');
      throw new Error(`kafka-storage format failed (exit ${r.status ?? r.signal}): ${tail}`);
    }
  } else {
    const text = readFileSync(props, 'utf8');
    const m = /^listeners=PLAINTEXT:\/\/127\.0\.0\.1:(\d+)/m.exec(text);
    if (!m) throw new Error(`no PLAINTEXT listener in ${props}`);
    port = Number(m[1]);
  }
  const t = await launch({
    kind: 'kafka',
    cmd: 'java',
    args: [...jvm(), 'kafka.Kafka', props],
    port,
    dataDir: join(l.dir, 'data'),
    logFile: l.logFile,
    readyTopic: l.readyTopic,
    timeoutMs: 180_000,
  });
  return { ...t, formatMs };
}

/** The null sink binary on a free port; its "ready" is the line announcing the port. */
export async function startNullSink(binary: string, logFile: string): Promise<RunningTarget> {
  const out = createWriteStream(logFile, { flags: 'a' });
  const t0 = performance.now();
  const child = spawn(binary, ['--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr?.pipe(out);
  const { alive, exited } = track(child);
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    const onData = (d: Buffer): void => {
      buf += d.toString();
      const m = /port (\d+)\n/.exec(buf);
      if (m) {
        child.stdout?.off('data', onData);
        child.stdout?.pipe(out);
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', () => reject(new Error(`null sink exited at start (log: ${logFile})`)));
  });
  return {
    kind: 'null-sink',
    host: '127.0.0.1',
    port,
    bootstrap: `127.0.0.1:${port}`,
    pid: child.pid as number,
    dataDir: '',
    logFile,
    startupMs: performance.now() - t0,
    alive,
    stop: stopper(child, exited, alive),
  };
}
