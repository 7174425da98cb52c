/**
 * One hand-written SVG (bench/results/latest.svg): producer throughput per configuration (null
 * sink, Tributary, Kafka) on the left, end-to-end p99 latency on a log scale on the right.
 */
import type { BenchResults } from './results';
import { isError } from './context';
import { latencyCaseName } from '../workloads/latency';

const COLORS = { 'null sink': '#9e9e9e', tributary: '#1f77b4', kafka: '#ff7f0e' } as const;
type Series = keyof typeof COLORS;

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const num = (v: unknown, pick: (x: never) => number): number | undefined => (v === undefined || isError(v) ? undefined : pick(v as never));

function niceMax(x: number): number {
  if (x <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

interface Group {
  label: string;
  bars: { series: Series; value: number | undefined }[];
}

function panel(x0: number, y0: number, w: number, h: number, title: string, unit: string, groups: Group[], log: boolean, refLine?: { value: number; label: string }): string {
  const out: string[] = [];
  const values = groups.flatMap((g) => g.bars.map((b) => b.value)).filter((v): v is number => v !== undefined && v > 0);
  const top = 30;
  const bottom = 60;
  const left = 56;
  const ph = h - top - bottom;
  const pw = w - left - 10;
  let y: (v: number) => number;
  let ticks: number[];
  if (log) {
    const lo = Math.min(0.1, ...values.map((v) => 10 ** Math.floor(Math.log10(v))));
    const hi = Math.max(10, ...values.map((v) => 10 ** Math.ceil(Math.log10(v))), refLine ? refLine.value * 2 : 0);
    const a = Math.log10(lo);
    const b = Math.log10(hi);
    y = (v) => y0 + top + ph - ((Math.log10(Math.max(v, lo)) - a) / (b - a)) * ph;
    ticks = [];
    for (let e = Math.round(a); e <= Math.round(b); e++) ticks.push(10 ** e);
  } else {
    const max = niceMax(Math.max(1, ...values) * 1.08);
    y = (v) => y0 + top + ph - (v / max) * ph;
    ticks = [0, 0.25, 0.5, 0.75, 1].map((k) => k * max);
  }
  out.push(`<text x="${x0 + w / 2}" y="${y0 + 18}" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`);
  for (const t of ticks) {
    const ty = y(t);
    out.push(`<line x1="${x0 + left}" x2="${x0 + left + pw}" y1="${ty}" y2="${ty}" stroke="#e0e0e0"/>`);
    out.push(`<text x="${x0 + left - 6}" y="${ty + 4}" text-anchor="end" font-size="10">${t >= 1 || t === 0 ? Math.round(t) : t}</text>`);
  }
  out.push(`<text x="${x0 + 12}" y="${y0 + top + ph / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 ${x0 + 12} ${y0 + top + ph / 2})">${esc(unit)}</text>`);
  if (refLine) {
    const ry = y(refLine.value);
    // The label goes in the legend row (see renderChart): here it would sit on the bars.
    out.push(`<line x1="${x0 + left}" x2="${x0 + left + pw}" y1="${ry}" y2="${ry}" stroke="#d62728" stroke-dasharray="5,4"><title>${esc(refLine.label)}</title></line>`);
  }
  const gw = pw / Math.max(1, groups.length);
  groups.forEach((g, gi) => {
    const n = g.bars.length;
    const bw = Math.min(26, (gw * 0.8) / n);
    const gx = x0 + left + gi * gw + (gw - bw * n) / 2;
    g.bars.forEach((b, bi) => {
      const bx = gx + bi * bw;
      if (b.value === undefined || !(b.value > 0)) {
        out.push(`<text x="${bx + bw / 2}" y="${y0 + top + ph - 3}" text-anchor="middle" font-size="9" fill="#999">–</text>`);
        return;
      }
      const by = y(b.value);
      const base = y0 + top + ph;
      out.push(`<rect x="${bx.toFixed(1)}" y="${by.toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${Math.max(0.5, base - by).toFixed(1)}" fill="${COLORS[b.series]}"><title>${esc(`${g.label} ${b.series}: ${b.value.toFixed(b.value < 10 ? 2 : 0)} ${unit}`)}</title></rect>`);
      out.push(`<text x="${(bx + (bw - 2) / 2).toFixed(1)}" y="${(by - 3).toFixed(1)}" text-anchor="middle" font-size="8">${b.value < 10 ? b.value.toFixed(1) : Math.round(b.value)}</text>`);
    });
    const lines = g.label.split(' ');
    lines.forEach((line, li) => out.push(`<text x="${(x0 + left + gi * gw + gw / 2).toFixed(1)}" y="${y0 + top + ph + 14 + li * 12}" text-anchor="middle" font-size="10">${esc(line)}</text>`));
  });
  out.push(`<line x1="${x0 + left}" x2="${x0 + left + pw}" y1="${y0 + top + ph}" y2="${y0 + top + ph}" stroke="#333"/>`);
  return out.join('\n');
}

export function renderChart(r: BenchResults): string {
  const W = 1000;
  const H = 440;
  const tput: Group[] = (r.throughput ?? []).map((row) => ({
    label: `p${row.config.partitions} acks=${row.config.acks} ${row.config.compression}`,
    bars: [
      { series: 'null sink' as Series, value: num(row.nullSink, (v: { bytesPerSec: number }) => v.bytesPerSec / 1e6) },
      { series: 'tributary' as Series, value: num(row.brokers.tributary, (v: { bytesPerSec: number }) => v.bytesPerSec / 1e6) },
      { series: 'kafka' as Series, value: num(row.brokers.kafka, (v: { bytesPerSec: number }) => v.bytesPerSec / 1e6) },
    ],
  }));
  const lat: Group[] = (r.latency ?? []).map((row) => ({
    label: `${latencyCaseName(row)} ${row.fraction * 100}% ${Math.round(row.rate / 1000)}k/s`,
    bars: [
      { series: 'tributary' as Series, value: num(row.brokers.tributary, (v: { e2e: { p99Ms: number } }) => v.e2e.p99Ms) },
      { series: 'kafka' as Series, value: num(row.brokers.kafka, (v: { e2e: { p99Ms: number } }) => v.e2e.p99Ms) },
    ],
  }));
  const legend = (Object.keys(COLORS) as Series[])
    .map((s, i) => `<rect x="${20 + i * 110}" y="${H - 22}" width="12" height="12" fill="${COLORS[s]}"/><text x="${36 + i * 110}" y="${H - 12}" font-size="11">${s}</text>`)
    .join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    panel(0, 0, 680, H - 30, 'Producer throughput, 1 KiB records', 'MB/s', tput, false),
    panel(680, 0, 320, H - 30, 'End-to-end p99 latency, acks=all', 'ms (log scale)', lat, true, { value: 5, label: 'target 5 ms' }),
    legend,
    `<line x1="350" x2="380" y1="${H - 16}" y2="${H - 16}" stroke="#d62728" stroke-dasharray="5,4"/><text x="386" y="${H - 12}" font-size="11">target p99 5 ms</text>`,
    `<text x="${W - 10}" y="${H - 12}" text-anchor="end" font-size="10" fill="#666">${esc(r.meta.date.slice(0, 16))} · ${r.meta.host.cpus} cores · same run</text>`,
    '</svg>',
    '',
  ].join('\n');
}
