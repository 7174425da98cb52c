import { renderChart } from '../../../bench/lib/chart';
import { sampleResults } from './fixture';

describe('renderChart', () => {
  const svg = renderChart(sampleResults());

  it('is one SVG document with both panels and the legend', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('Producer throughput, 1 KiB records');
    expect(svg).toContain('End-to-end p99 latency, acks=all');
    for (const s of ['null sink', 'tributary', 'kafka', 'target p99 5 ms']) expect(svg).toContain(s);
  });

  it('draws one bar per successful figure and a dash for a failed one', () => {
    // 3 throughput rows × 3 series, one failed; 2 latency rows × 2 brokers; plus the background and legend squares.
    const bars = svg.match(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill="#[0-9a-f]{6}"><title>/g) ?? [];
    expect(bars).toHaveLength(8 + 4);
    expect(svg).toContain('p16 group 50% 100k/s');
    expect(svg).toContain('p1 acks=1 none tributary'.split(' ')[0]);
    expect(svg).toContain('>–</text>');
  });

  it('escapes text and has balanced tags', () => {
    const r = sampleResults();
    r.meta.date = '<&>2026-01-02T03';
    const out = renderChart(r);
    expect(out).toContain('&lt;&amp;&gt;');
    const stack: string[] = [];
    for (const m of out.matchAll(/<(\/?)([a-z]+)\b[^>]*?(\/?)>/g)) {
      if (m[3] === '/') continue; // self-closing
      if (m[1] === '/') expect(stack.pop()).toBe(m[2]);
      else stack.push(m[2]);
    }
    expect(stack).toEqual([]);
  });
});
