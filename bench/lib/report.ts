/** Markdown tables of a run (bench/results/latest.md). */
import { BenchResults, PerBroker, sentUncompressed } from './results';
import { isError } from './context';
import type { BrokerKind } from './options';
import { groupCommitProblem, latencyCaseName } from '../workloads/latency';

const MB = 1e6;
const MiB = 1024 * 1024;
const f = (x: number | undefined, d = 0): string => (x === undefined || !Number.isFinite(x) ? 'n/a' : x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
const ratio = (a: number | undefined, b: number | undefined, d = 2): string => (a === undefined || b === undefined || !b ? 'n/a' : `${(a / b).toFixed(d)}×`);
type Err = { error: string };
const val = <T>(v: T | Err | undefined): T | undefined => (v === undefined || isError(v) ? undefined : v);
const why = (v: unknown): string => (isError(v) ? `error: ${v.error.replace(/\|/g, '/')}` : 'not run');

function brokers(r: BenchResults): BrokerKind[] {
  return (r.meta.settings.brokers as BrokerKind[] | undefined) ?? ['tributary', 'kafka'];
}

export function renderMarkdown(r: BenchResults): string {
  const L: string[] = [];
  const m = r.meta;
  L.push(`# Macro benchmark results`, '');
  L.push(`Run ${m.date} in ${f(m.durationSeconds)} s on ${m.host.cpus} × ${m.host.cpuModel}, ${f(m.host.memoryGiB)} GiB, Linux ${m.host.kernel}; load average ${m.host.loadAverageStart.map((x) => x.toFixed(1)).join('/')} at start, ${m.host.loadAverageEnd.map((x) => x.toFixed(1)).join('/')} at end.`);
  L.push(`Node ${m.versions.node}, ${m.versions.java}, Apache Kafka ${m.versions.kafka}, librdkafka ${m.versions.librdkafka}, Tributary ${m.versions.tributaryCommit}.`);
  L.push(`Settings: ${Object.entries(m.settings).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`).join(', ')}.`, '');
  for (const n of m.notes) L.push(`- ${n}`);
  if (m.notes.length) L.push('');

  L.push('## Targets', '', '| target | goal | this run | |', '| --- | --- | --- | --- |');
  for (const t of r.targets) L.push(`| ${t.name} | ${t.goal} | ${t.value} | ${t.pass === null ? 'n/a' : t.pass ? 'pass' : '**miss**'} |`);
  L.push('');

  if (r.baseline) {
    const d = r.baseline.disk;
    L.push('## Baselines', '');
    L.push(`Sequential write of ${f(d.bytes / 2 ** 30, 1)} GiB in 1 MiB writes: ${f(d.pageCacheBytesPerSec / MB)} MB/s into the page cache, ${f(d.syncedBytesPerSec / MB)} MB/s including the final fdatasync (${f(d.fdatasyncSeconds, 2)} s).`, '');
    const dev = r.baseline.device;
    if (dev && 'unavailable' in dev) L.push(`The device without the page cache: not measured, ${dev.unavailable}.`, '');
    else if (dev) L.push(`The device without the page cache (O_DIRECT, ${f(dev.bytes / 2 ** 30, 1)} GiB in 1 MiB requests, one at a time): writes ${f(dev.directWriteBytesPerSec / MB)} MB/s, reads ${f(dev.directReadBytesPerSec / MB)} MB/s. These bound Tributary's opt-in direct I/O (\`log.direct.io.enable\`): its writes, and catch-up reads of what it wrote that way.`, '');
  }

  if (r.throughput) {
    const ks = brokers(r);
    L.push('## Producer throughput (1 KiB records, MB/s of record values)', '');
    L.push(`| config | null sink | ${ks.map((k) => `${k} MB/s | ${k} records/s | ${k} CPU s/GB | ${k} peak RSS MiB`).join(' | ')} | tributary / kafka | tributary / null sink | tributary / disk |`);
    L.push(`| --- | --- | ${ks.map(() => '--- | --- | --- | ---').join(' | ')} | --- | --- | --- |`);
    const disk = r.baseline?.disk.syncedBytesPerSec;
    let uncompressed = false;
    for (const row of r.throughput) {
      const ns = val(row.nullSink);
      const cells = ks.map((k) => {
        const v = val(row.brokers[k]);
        const flag = v && row.config.compression !== 'none' && sentUncompressed(v) ? ' (sent uncompressed†)' : '';
        if (flag) uncompressed = true;
        return v ? `${f(v.bytesPerSec / MB)}${flag} | ${f(v.recordsPerSec)} | ${f(v.cpuSecondsPerGB, 2)} | ${f(v.peakRssBytes / MiB)}` : `${why(row.brokers[k])} | | |`;
      });
      const t = val(row.brokers.tributary)?.bytesPerSec;
      L.push(`| p${row.config.partitions} acks=${row.config.acks} ${row.config.compression} | ${ns ? f(ns.bytesPerSec / MB) : why(row.nullSink)} | ${cells.join(' | ')} | ${ratio(t, val(row.brokers.kafka)?.bytesPerSec)} | ${ratio(t, ns?.bytesPerSec)} | ${ratio(t, disk)} |`);
    }
    L.push('');
    const rep = (v: unknown, scale: number, d: number): string => {
      const x = val(v as { repeats?: number[] } | Err | undefined);
      return x?.repeats ? x.repeats.map((n) => f(n / scale, d)).join(' / ') : '–';
    };
    if (r.throughput.some((row) => (val(row.nullSink)?.repeats?.length ?? 0) > 1)) {
      L.push(`Every repeat (MB/s; the tables report the best):`, '', `| config | null sink | ${ks.join(' | ')} |`, `| --- | --- | ${ks.map(() => '---').join(' | ')} |`);
      for (const row of r.throughput) L.push(`| p${row.config.partitions} acks=${row.config.acks} ${row.config.compression} | ${rep(row.nullSink, MB, 0)} | ${ks.map((k) => rep(row.brokers[k], MB, 0)).join(' | ')} |`);
      L.push('');
    }
    if (uncompressed) L.push('† The broker stored about as many bytes as were produced: librdkafka sent the batches uncompressed, as it does (silently) when a broker\'s ApiVersions does not list FindCoordinator, to which it ties its LZ4 feature. Such a figure is not comparable with a compressed one.', '');
  }

  if (r.latency) {
    L.push('## End-to-end latency (produce call → consumed; acks=all, no compression)', '');
    L.push('| config | load | rate (records/s) | broker | p50 ms | p99 ms | p99.9 ms | max ms | ack p99 ms | achieved rate | generator lag max ms | broker CPU cores |');
    L.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const row of r.latency) {
      for (const k of brokers(r)) {
        const v = val(row.brokers[k]);
        L.push(v
          ? `| ${latencyCaseName(row)} | ${row.fraction * 100}% | ${f(row.rate)} | ${k} | ${f(v.e2e.p50Ms, 2)} | ${f(v.e2e.p99Ms, 2)} | ${f(v.e2e.p999Ms, 2)} | ${f(v.e2e.maxMs, 1)} | ${f(v.ack.p99Ms, 2)} | ${f(v.achievedRate)} | ${f(v.scheduleLagMaxMs, 1)} | ${f(v.cpuCores, 2)} |`
          : `| ${latencyCaseName(row)} | ${row.fraction * 100}% | ${f(row.rate)} | ${k} | ${why(row.brokers[k])} | | | | | | | |`);
      }
    }
    L.push('', `p99 of every repeat (ms; the table reports the lowest): ${r.latency.map((row) => `${latencyCaseName(row)} at ${row.fraction * 100}%: ${brokers(r).map((k) => `${k} ${val(row.brokers[k])?.repeats?.map((x) => f(x, 1)).join(' / ') ?? '–'}`).join(', ')}`).join('; ')}.`);
    L.push('', `Rate: ${r.latency.map((row) => `${latencyCaseName(row)} at ${row.fraction * 100}%: ${row.rateSource}`).join('; ')}.`, '');
    const groupRows = r.latency.filter((row) => row.consumer === 'group');
    if (groupRows.length > 0) {
      L.push('"group": the consumer is a member of a consumer group (subscribe, then an asynchronous offset commit after every poll batch of up to 500 records, as the OMB Kafka driver\'s consumer does). Its group, from the reported run:', '');
      L.push('| config | broker | join ms | commits/s | commits failed | committed offsets after the last commit |', '| --- | --- | --- | --- | --- | --- |');
      for (const row of groupRows) {
        for (const k of brokers(r)) {
          const g = val(row.brokers[k])?.group;
          L.push(g
            ? `| ${latencyCaseName(row)} ${row.fraction * 100}% | ${k} | ${f(g.joinMs, 0)} | ${f(g.commitsPerSec)} | ${f(g.commitsFailed)} | ${groupCommitProblem(g) ?? 'equal to the positions'} |`
            : `| ${latencyCaseName(row)} ${row.fraction * 100}% | ${k} | ${why(row.brokers[k])} | | | |`);
        }
      }
      L.push('');
    }
  }

  const table = <T>(title: string, data: PerBroker<T> | undefined, rows: [string, (v: T) => string][]): void => {
    if (!data) return;
    const ks = brokers(r);
    L.push(`## ${title}`, '', `| | ${ks.join(' | ')} |`, `| --- | ${ks.map(() => '---').join(' | ')} |`);
    for (const [name, get] of rows) L.push(`| ${name} | ${ks.map((k) => { const v = val(data[k]); return v ? get(v) : why(data[k]); }).join(' | ')} |`);
    L.push('');
  };
  table('Consumer catch-up and start-up with data', r.catchup, [
    ['data loaded (GiB on disk)', (v) => f(v.dataBytesOnDisk / 2 ** 30, 2)],
    ['load rate, acks=all, p16 (MB/s)', (v) => f(v.produceBytesPerSec / MB)],
    ['catch-up read (GiB)', (v) => f(v.consumedBytes / 2 ** 30, 2)],
    ['catch-up (MB/s)', (v) => f(v.consumeBytesPerSec / MB)],
    ['catch-up (records/s)', (v) => f(v.consumeRecordsPerSec)],
    ['catch-up broker CPU s/GB', (v) => f(v.consumeCpuSecondsPerGB, 2)],
    ['catch-up peak RSS (MiB)', (v) => f(v.consumePeakRssBytes / MiB)],
    ['clean stop (ms)', (v) => f(v.stopMs)],
    ['start-up with data (ms)', (v) => f(v.startupWithDataMs)],
    ['RSS after start-up (MiB)', (v) => f(v.rssAfterStartBytes / MiB)],
  ]);
  table('Many partitions and connections', r.partitions, [
    ['partitions / connections', (v) => `${v.partitions} / ${v.connections}`],
    ['RSS before the topic (MiB)', (v) => f(v.rssBeforeCreateBytes / MiB)],
    ['create topic (s)', (v) => f(v.createSeconds, 2)],
    ['after creation: every partition accepted a record (s, refusals retried)', (v) => `${f(v.warmup.primeSeconds, 2)} (${v.warmup.primeRetries})`],
    ['after creation: first 3 s of load, requests/s answered', (v) => f(v.warmup.requestsPerSec)],
    ['peak RSS, partitions only (MiB)', (v) => f(v.created.peakRssBytes / MiB)],
    ['peak RSS, idle connections (MiB)', (v) => f(v.idle.peakRssBytes / MiB)],
    ['CPU cores, idle connections', (v) => f(v.idle.cpuCores, 3)],
    ['peak RSS, active (MiB)', (v) => f(v.active.peakRssBytes / MiB)],
    ['CPU cores, active', (v) => f(v.active.cpuCores, 2)],
    ['active Produce requests/s answered', (v) => f(v.conns.requestsPerSec)],
    ['errors / skipped (one in flight per connection)', (v) => `${v.conns.errors}${v.conns.firstErrorCode ? ` (code ${v.conns.firstErrorCode})` : ''} / ${v.conns.skipped}`],
    ['connect the connections (s)', (v) => f(v.conns.connectSeconds, 2)],
  ]);
  table('Start-up, empty data directory', r.startup, [
    ['median (ms)', (v) => f(v.medianEmptyMs)],
    ['runs (ms)', (v) => v.emptyMs.map((x) => f(x)).join(', ')],
    ['RSS when ready (MiB)', (v) => f(v.rssAtReadyBytes / MiB)],
    ['storage format, not included (ms)', (v) => (v.formatMs === undefined ? '—' : f(v.formatMs))],
    ['clean stop (ms)', (v) => f(v.stopMs)],
  ]);
  return L.join('\n');
}
