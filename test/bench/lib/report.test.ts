import { renderMarkdown } from '../../../bench/lib/report';
import { evaluateTargets } from '../../../bench/lib/results';
import { sampleResults } from './fixture';

describe('renderMarkdown', () => {
  const r = sampleResults();
  r.targets = evaluateTargets(r);
  const md = renderMarkdown(r);

  it('opens with the machine, the versions and the notes', () => {
    expect(md).toContain('# Macro benchmark results');
    expect(md).toContain('2 × test cpu');
    expect(md).toContain('Apache Kafka 4.4.0, librdkafka 2.0.2, Tributary abc1234');
    expect(md).toContain('- a note');
  });

  it('lists every target with its verdict', () => {
    for (const t of r.targets) expect(md).toContain(`| ${t.name} | ${t.goal} |`);
    expect(md).toContain('| 4.00 ms | pass |');
    expect(md).toContain('| n/a | n/a |');
  });

  it('writes both disk baselines, or why the device one is missing', () => {
    expect(md).toContain('1,000 MB/s including the final fdatasync');
    expect(md).toContain('(O_DIRECT, 1.0 GiB in 1 MiB requests, one at a time): writes 2,500 MB/s, reads 1,500 MB/s');
    const without = sampleResults();
    without.baseline!.device = { unavailable: 'O_DIRECT refused here (EINVAL)' };
    expect(renderMarkdown(without)).toContain('The device without the page cache: not measured, O_DIRECT refused here (EINVAL).');
    // Results from before the device baseline still render.
    const older = sampleResults();
    delete older.baseline!.device;
    expect(renderMarkdown(older)).not.toContain('without the page cache');
  });

  it('writes throughput rows with ratios, errors without breaking the table, and the uncompressed footnote', () => {
    expect(md).toContain('| p16 acks=1 none | 1,000 | 800 |');
    expect(md).toMatch(/\| 1\.33× \| 0\.80× \| 0\.80× \|/);
    expect(md).toContain('error: broker / exploded');
    expect(md).toContain('390 (sent uncompressed†)');
    expect(md).toContain('† The broker stored about as many bytes as were produced');
    const rows = md.split('\n').filter((l) => l.startsWith('| p1') || l.startsWith('| p16'));
    const header = md.split('\n').find((l) => l.startsWith('| config | null sink'));
    for (const row of rows.slice(0, 3)) expect(row.split('|').length).toBe(header!.split('|').length);
  });

  it('writes latency percentiles per broker', () => {
    expect(md).toContain('| p16 | 10% | 20,000 | tributary | 1.00 | 4.00 | 8.00 | 12.0 |');
    expect(md).toContain('| p16 group | 50% | 100,000 | tributary | 1.00 | 3.00 |');
  });

  it('describes the consumer group of the group case and flags offsets that were not kept', () => {
    expect(md).toContain('| p16 group 50% | tributary | 85 | 70 | 0 | equal to the positions |');
    expect(md).toContain('| p16 group 50% | kafka | 1,050 | 70 | 0 | committed offsets sum to 4990, positions to 5000 |');
  });
});
