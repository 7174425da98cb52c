/**
 * `npm run bench`: the macro benchmark. Runs every workload against Tributary and, in the same
 * run, against Apache Kafka (compat-tests/reference-kafka) on this machine, driven by a C load
 * generator on librdkafka whose own ceiling is measured against a null sink; then writes
 * bench/results/latest.json, latest.md and latest.svg. Settings: environment variables, see
 * bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { BenchContext, attempt } from './lib/context';
import { loadOptions, BrokerKind } from './lib/options';
import { buildBinaries } from './lib/toolchain';
import { measureDirectDevice, measureSequentialWrite } from './lib/disk';
import { kafkaVersion } from './lib/brokers';
import { BenchResults, PerBroker, evaluateTargets, measurementErrors } from './lib/results';
import { renderMarkdown } from './lib/report';
import { renderChart } from './lib/chart';
import { runThroughput } from './workloads/throughput';
import { runLatency } from './workloads/latency';
import { runCatchup } from './workloads/catchup';
import { runPartitions } from './workloads/partitions';
import { runStartup } from './workloads/startup';

const repoRoot = resolve(__dirname, '..');

function sh(cmd: string, args: string[]): string {
  try {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    return `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  } catch {
    return 'unknown';
  }
}

function buildTributary(ctxLog: (s: string) => void): void {
  // `npm run build` is what `npm start` runs first: tsc, then the one-file CLI bundle that bin/tributary.js loads.
  ctxLog('building Tributary (npm run build)');
  const r = spawnSync('npm', ['run', '--silent', 'build'], { encoding: 'utf8', cwd: repoRoot });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${(r.stdout + r.stderr).split('\n').slice(0, 20).join('\n')}`);
  if (!existsSync(join(repoRoot, 'dist', 'cli', 'tributary.cjs'))) throw new Error('dist/cli/tributary.cjs is missing after the build');
}

async function perBroker<T>(ctx: BenchContext, what: string, fn: (k: BrokerKind) => Promise<T>): Promise<PerBroker<T>> {
  const out: PerBroker<T> = {};
  for (const k of ctx.opts.brokers) out[k] = await attempt(ctx, `${k} ${what}`, () => fn(k));
  return out;
}

async function main(): Promise<void> {
  const opts = loadOptions(repoRoot);
  const started = Date.now();
  const log = (s: string): void => void process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
  const runDir = join(opts.workDir, `run-${new Date(started).toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(runDir, { recursive: true });
  if (opts.brokers.includes('tributary')) buildTributary(log);
  const bins = buildBinaries(join(repoRoot, 'bench'), opts.workDir, log);
  const ctx = new BenchContext(opts, repoRoot, bins, runDir);
  const onSignal = (): void => {
    log('interrupted: stopping brokers');
    void ctx.stopAll().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  log(`work directory ${runDir}; workloads ${opts.workloads.join(', ')}; brokers ${opts.brokers.join(', ')}; scale ${opts.scale}`);

  const loadStart = loadavg();
  const results: BenchResults = {
    meta: {
      date: new Date(started).toISOString(),
      durationSeconds: 0,
      host: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: totalmem() / 2 ** 30, kernel: release(), loadAverageStart: loadStart, loadAverageEnd: [] },
      versions: {
        node: process.version,
        java: sh('java', ['-version']).split('\n')[0] ?? 'unknown',
        kafka: opts.brokers.includes('kafka') ? kafkaVersion(repoRoot) : 'not run',
        librdkafka: bins.librdkafkaVersion,
        tributaryCommit: sh('git', ['-C', repoRoot, 'rev-parse', '--short', 'HEAD']) + (sh('git', ['-C', repoRoot, 'status', '--porcelain', 'src']) ? ' (+ uncommitted changes in src/)' : ''),
      },
      settings: {
        scale: opts.scale,
        brokers: opts.brokers,
        workloads: opts.workloads,
        repeats: opts.repeats,
        windowSeconds: opts.windowSeconds,
        warmupSeconds: opts.warmupSeconds,
        latencyWindowSeconds: opts.latencyWindowSeconds,
        catchupGiB: +(opts.catchupBytes / 2 ** 30).toFixed(2),
        startupDataGiB: +(opts.startupBytes / 2 ** 30).toFixed(2),
        producers: opts.producers,
        tributaryEnv: Object.entries(opts.tributaryEnv).map(([k, v]) => `${k}=${v}`).join(';') || 'none',
        cpuProfile: opts.cpuProfile,
      },
      notes: [],
    },
    targets: [],
  };
  const w = new Set(opts.workloads);
  try {
    if (w.has('baseline')) {
      log('baseline: sequential disk write, then the device with O_DIRECT');
      results.baseline = {
        disk: measureSequentialWrite(join(runDir, 'data'), opts.diskBytes),
        device: measureDirectDevice(join(runDir, 'data'), opts.diskBytes),
      };
    }
    if (w.has('throughput')) results.throughput = await runThroughput(ctx);
    if (w.has('latency')) results.latency = await runLatency(ctx, results.throughput);
    if (w.has('catchup')) results.catchup = await perBroker(ctx, 'catch-up', (k) => runCatchup(ctx, k));
    if (w.has('partitions')) results.partitions = await perBroker(ctx, 'partitions', (k) => runPartitions(ctx, k));
    if (w.has('startup')) results.startup = await perBroker(ctx, 'start-up', (k) => runStartup(ctx, k));
  } finally {
    await ctx.stopAll();
  }
  results.meta.host.loadAverageEnd = loadavg();
  results.meta.durationSeconds = (Date.now() - started) / 1000;
  if (opts.startupBytes < 10 * 2 ** 30) results.meta.notes.push(`Start-up with data used ${(opts.startupBytes / 2 ** 30).toFixed(1)} GiB, not the workload's 10 GiB.`);
  if (opts.catchupBytes < 2 * 2 ** 30) results.meta.notes.push(`Catch-up read ${(opts.catchupBytes / 2 ** 30).toFixed(2)} GiB, not 2 GiB (BENCH_SCALE=${opts.scale}).`);
  if (loadStart[0] > cpus().length * 0.5) results.meta.notes.push(`The machine was busy when the run started (load average ${loadStart[0].toFixed(1)} on ${cpus().length} cores): other processes shared the CPUs, so absolute figures are low and noisy; the ratios compare runs made minutes apart under similar load.`);
  results.targets = evaluateTargets(results);

  mkdirSync(opts.resultsDir, { recursive: true });
  const base = process.env.BENCH_RESULT_NAME ?? 'latest';
  writeFileSync(join(opts.resultsDir, `${base}.json`), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(opts.resultsDir, `${base}.md`), `${renderMarkdown(results)}\n`);
  writeFileSync(join(opts.resultsDir, `${base}.svg`), renderChart(results));
  log(`wrote ${join(opts.resultsDir, `${base}.{json,md,svg}`)} in ${results.meta.durationSeconds.toFixed(0)} s`);
  for (const t of results.targets) log(`target ${t.pass === null ? 'n/a ' : t.pass ? 'pass' : 'MISS'}  ${t.name}: ${t.value} (goal ${t.goal})`);
  if (!opts.keepData) rmSync(join(runDir, 'data'), { recursive: true, force: true });
  const errors = measurementErrors(results);
  for (const e of errors) log(`${e.reference ? 'reference broker' : 'measurement'} failed: ${e.where}: ${e.error}`);
  const ours = errors.filter((e) => !e.reference);
  if (opts.strict && ours.length > 0) {
    process.stderr.write(`bench: ${ours.length} measurement(s) of Tributary or the null sink failed (BENCH_STRICT=1)\n`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
