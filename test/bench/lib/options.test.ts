import { loadOptions } from '../../../bench/lib/options';

describe('loadOptions', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of Object.keys(process.env)) if (k.startsWith('BENCH_') && !(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  it('defaults: every workload and broker, 2 GiB catch-up, 10 GiB start-up data, 2 repeats', () => {
    for (const k of Object.keys(process.env)) if (k.startsWith('BENCH_')) delete process.env[k];
    const o = loadOptions('/repo');
    expect(o.workloads).toEqual(['baseline', 'throughput', 'latency', 'catchup', 'partitions', 'startup']);
    expect(o.brokers).toEqual(['tributary', 'kafka']);
    expect(o.catchupBytes).toBe(2 * 1024 ** 3);
    expect(o.startupBytes).toBe(10 * 1024 ** 3);
    expect(o.repeats).toBe(2);
    expect(o.resultsDir).toBe('/repo/bench/results');
  });

  it('BENCH_SCALE scales sizes and durations; the start-up data is never less than the catch-up', () => {
    process.env.BENCH_SCALE = '0.5';
    const o = loadOptions('/repo');
    expect(o.catchupBytes).toBe(1024 ** 3);
    expect(o.startupBytes).toBe(5 * 1024 ** 3);
    expect(o.windowSeconds).toBe(2.5);
    process.env.BENCH_STARTUP_GIB = '1';
    process.env.BENCH_CATCHUP_GIB = '4';
    expect(loadOptions('/repo').startupBytes).toBe(2 * 1024 ** 3);
  });

  it('parses lists and K=V pairs, and rejects unknown names and bad numbers', () => {
    process.env.BENCH_ONLY = 'throughput, startup';
    process.env.BENCH_TRIBUTARY_ENV = 'A=1;B=x=y';
    const o = loadOptions('/repo');
    expect(o.workloads).toEqual(['throughput', 'startup']);
    expect(o.tributaryEnv).toEqual({ A: '1', B: 'x=y' });
    process.env.BENCH_ONLY = 'thruput';
    expect(() => loadOptions('/repo')).toThrow(/unknown 'thruput'/);
    process.env.BENCH_ONLY = '';
    process.env.BENCH_SCALE = '-1';
    expect(() => loadOptions('/repo')).toThrow(/BENCH_SCALE/);
  });
});
