/**
 * Latency percentiles with an HDR histogram (hdr-histogram-js): the load generator writes raw
 * nanosecond samples (little-endian uint64) and this records them at 3 significant digits.
 */
import { readFileSync } from 'node:fs';
import * as hdr from 'hdr-histogram-js';

export interface LatencySummary {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  meanMs: number;
}

export function summarizeLatencyFile(path: string): LatencySummary {
  const buf = readFileSync(path);
  const n = Math.floor(buf.length / 8);
  const h = hdr.build({ bitBucketSize: 64, lowestDiscernibleValue: 1000, highestTrackableValue: 3_600_000_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
  for (let i = 0; i < n; i++) {
    const v = Number(buf.readBigUInt64LE(i * 8));
    h.recordValue(Math.max(1000, v));
  }
  const ms = (ns: number): number => Math.round(ns / 1e3) / 1e3;
  const out: LatencySummary = {
    samples: n,
    p50Ms: ms(h.getValueAtPercentile(50)),
    p99Ms: ms(h.getValueAtPercentile(99)),
    p999Ms: ms(h.getValueAtPercentile(99.9)),
    maxMs: ms(h.maxValue),
    meanMs: ms(h.mean),
  };
  h.destroy();
  return out;
}
