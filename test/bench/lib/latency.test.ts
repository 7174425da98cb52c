import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarizeLatencyFile } from '../../../bench/lib/latency';

describe('summarizeLatencyFile', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'bench-latency-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads uint64 nanoseconds and reports percentiles in milliseconds (3 significant digits)', () => {
    // 1..1000 ms, one sample each.
    const buf = Buffer.alloc(8 * 1000);
    for (let i = 0; i < 1000; i++) buf.writeBigUInt64LE(BigInt((i + 1) * 1_000_000), i * 8);
    const path = join(dir, 'a.bin');
    writeFileSync(path, buf);
    const s = summarizeLatencyFile(path);
    expect(s.samples).toBe(1000);
    expect(s.p50Ms).toBeCloseTo(500, -1);
    expect(s.p99Ms).toBeCloseTo(990, -1);
    expect(s.p999Ms).toBeCloseTo(999, -1);
    expect(s.maxMs).toBeCloseTo(1000, -1);
    expect(s.meanMs).toBeCloseTo(500.5, -1);
  });

  it('keeps sub-millisecond resolution and survives an empty file', () => {
    const buf = Buffer.alloc(16);
    buf.writeBigUInt64LE(250_000n, 0); // 0.25 ms
    buf.writeBigUInt64LE(250_000n, 8);
    const path = join(dir, 'b.bin');
    writeFileSync(path, buf);
    expect(summarizeLatencyFile(path).p50Ms).toBeCloseTo(0.25, 2);
    writeFileSync(join(dir, 'c.bin'), Buffer.alloc(0));
    expect(summarizeLatencyFile(join(dir, 'c.bin')).samples).toBe(0);
  });
});
