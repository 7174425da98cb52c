/**
 * Workload 4: 1,000 partitions and 1,000 connections, idle and active — broker memory and CPU.
 *   warm-up: a fresh broker creates one topic of 1,000 partitions; one session of 1,000
 *            connections writes one record to every partition (refusals retried until each is
 *            accepted) and then 3 s of the active load; not measured. (Kafka answers slowly
 *            for its first seconds with 1,000 new partitions; this measures its steady state.)
 *   created: 3 s with no clients.
 *   (prime:  1,000 new connections open, ApiVersions answered; each partition gets one record.)
 *   idle:    the 1,000 connections stay open, sending nothing.
 *   active:  each connection sends one Produce (acks=1, one 1 KiB record) to its own partition
 *            every 1/BENCH_CONN_RATE s (10/s by default: 10,000 requests/s in all).
 * Phases follow the load generator's "#phase" lines; peak RSS is the kernel's high-water mark
 * over each phase.
 */
import { BenchContext } from '../lib/context';
import type { ConnsResult, CreateResult } from '../lib/loadgen';
import { PhaseMeter, PhaseUsage, rssBytes } from '../lib/proc-stats';
import type { BrokerKind } from '../lib/options';

export interface PartitionsRun {
  partitions: number;
  connections: number;
  rssBeforeCreateBytes: number;
  createSeconds: number;
  /** The unmeasured first session: how long until every new partition accepted a record. */
  warmup: ConnsResult;
  created: PhaseUsage;
  idle: PhaseUsage;
  active: PhaseUsage;
  conns: ConnsResult;
}

export async function runPartitions(ctx: BenchContext, kind: BrokerKind): Promise<PartitionsRun> {
  const label = 'partitions';
  const n = ctx.opts.partitionsCount;
  const topic = `many-p${n}`;
  const dir = ctx.freshDir(kind, label);
  const b = await ctx.startBroker(kind, label, dir);
  try {
    await new Promise((r) => setTimeout(r, 1000));
    const rssBefore = rssBytes(b.pid);
    const cr = await ctx.loadgen<CreateResult>('create', `${kind}-${label}`, { bootstrap: b.bootstrap, topic, partitions: n }, undefined, 300_000);
    const warmup = await ctx.loadgen<ConnsResult>('conns', `${kind}-${label}`, {
      bootstrap: b.bootstrap,
      topic,
      partitions: n,
      conns: ctx.opts.connections,
      idle: 0.1,
      active: 3,
      'per-conn-rate': ctx.opts.perConnectionRate,
    }, undefined, 600_000);
    const meter = new PhaseMeter(b.pid).start();
    await new Promise((r) => setTimeout(r, 3000));
    const created = meter.stop();
    const phases: Partial<Record<'idle' | 'active', PhaseUsage>> = {};
    let current: { name: 'idle' | 'active'; meter: PhaseMeter } | undefined;
    const conns = await ctx.loadgen<ConnsResult>('conns', `${kind}-${label}`, {
      bootstrap: b.bootstrap,
      topic,
      partitions: n,
      conns: ctx.opts.connections,
      idle: ctx.opts.idleSeconds,
      active: ctx.opts.activeSeconds,
      'per-conn-rate': ctx.opts.perConnectionRate,
    }, (line) => {
      const m = /^#phase (\w+)/.exec(line);
      if (!m) return;
      if (current) phases[current.name] = current.meter.stop();
      current = m[1] === 'idle' || m[1] === 'active' ? { name: m[1], meter: new PhaseMeter(b.pid).start() } : undefined;
    }, 600_000);
    if (current) phases[current.name] = current.meter.stop();
    if (!phases.idle || !phases.active) throw new Error('the load generator did not report its phases');
    return {
      partitions: n,
      connections: ctx.opts.connections,
      rssBeforeCreateBytes: rssBefore,
      createSeconds: cr.readySeconds,
      warmup,
      created,
      idle: phases.idle,
      active: phases.active,
      conns,
    };
  } finally {
    await ctx.stop(b);
    ctx.removeDir(dir);
  }
}
