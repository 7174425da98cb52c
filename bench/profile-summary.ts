/**
 * Summarises V8 CPU profiles (`node --cpu-prof`, as `BENCH_PROFILE=1 npm run bench` records them
 * for Tributary): self and inclusive time per function, and self time per source file.
 *
 *   npx tsx bench/profile-summary.ts bench/results/profiles/<workload>/*.cpuprofile [--top 25]
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  gcMs: number;
  selfByFunction: [string, number][];
  inclusiveByFunction: [string, number][];
  selfByFile: [string, number][];
}

function keyOf(cf: CallFrame, root: string): { fn: string; file: string } {
  const url = cf.url.replace(/^file:\/\//, '');
  const file = url ? (url.startsWith(root) ? relative(root, url) : url.replace(/^.*node_modules\//, 'node_modules/')) : `(${cf.functionName || 'native'})`;
  const fn = `${cf.functionName || '(anonymous)'} ${url ? `${file}:${cf.lineNumber + 1}` : ''}`.trim();
  return { fn, file };
}

export function summarize(profiles: CpuProfile[], root: string): ProfileSummary {
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  const files = new Map<string, number>();
  let total = 0;
  let idle = 0;
  let gc = 0;
  for (const p of profiles) {
    const byId = new Map<number, ProfileNode>();
    const parent = new Map<number, number>();
    for (const n of p.nodes) byId.set(n.id, n);
    for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    // timeDeltas[i] is the time before sample i; attribute it to sample i (V8's convention).
    for (let i = 0; i < p.samples.length; i++) {
      const ms = (p.timeDeltas[i] ?? 0) / 1000;
      const node = byId.get(p.samples[i]);
      if (!node) continue;
      total += ms;
      const name = node.callFrame.functionName;
      if (name === '(idle)') {
        idle += ms;
        continue;
      }
      if (name === '(garbage collector)') gc += ms;
      const k = keyOf(node.callFrame, root);
      self.set(k.fn, (self.get(k.fn) ?? 0) + ms);
      files.set(k.file, (files.get(k.file) ?? 0) + ms);
      const seen = new Set<string>();
      for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
        const cf = (byId.get(id) as ProfileNode).callFrame;
        if (cf.functionName === '(root)') break;
        const fk = keyOf(cf, root).fn;
        if (seen.has(fk)) continue;
        seen.add(fk);
        incl.set(fk, (incl.get(fk) ?? 0) + ms);
      }
    }
  }
  const sorted = (m: Map<string, number>): [string, number][] => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return { totalMs: total, idleMs: idle, gcMs: gc, selfByFunction: sorted(self), inclusiveByFunction: sorted(incl), selfByFile: sorted(files) };
}

function main(): void {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args[topAt + 1]) : 25;
  const files = args.filter((a, i) => a.endsWith('.cpuprofile') && i !== topAt + 1);
  if (files.length === 0) {
    process.stderr.write('usage: tsx bench/profile-summary.ts FILE.cpuprofile... [--top N]\n');
    process.exit(2);
  }
  const root = `${process.cwd()}/`;
  const s = summarize(files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as CpuProfile), root);
  const busy = s.totalMs - s.idleMs;
  const pct = (ms: number): string => `${((ms / busy) * 100).toFixed(1).padStart(5)}%`;
  const out: string[] = [];
  out.push(`profiles: ${files.length}; wall ${(s.totalMs / 1000).toFixed(1)} s, busy ${(busy / 1000).toFixed(1)} s, idle ${(s.idleMs / 1000).toFixed(1)} s, GC ${pct(s.gcMs)} of busy`);
  out.push('', `self time (top ${top}, % of busy):`);
  for (const [k, ms] of s.selfByFunction.slice(0, top)) out.push(`  ${pct(ms)}  ${k}`);
  out.push('', `inclusive time (top ${top}):`);
  for (const [k, ms] of s.inclusiveByFunction.slice(0, top)) out.push(`  ${pct(ms)}  ${k}`);
  out.push('', `self time by file (top ${top}):`);
  for (const [k, ms] of s.selfByFile.slice(0, top)) out.push(`  ${pct(ms)}  ${k}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

if (require.main === module) main();
