/**
 * Broker resource use from /proc: CPU time (utime + stime of every thread) and resident memory,
 * summed over the broker process and its descendants (a launcher that re-executes itself, say
 * to set GLIBC_TUNABLES, is still measured whole). Peak RSS per phase uses the kernel's own
 * high-water mark: writing "5" to /proc/PID/clear_refs resets VmHWM (Linux 4.0+), and VmHWM is
 * read at the end of the phase; a 100 ms sampler of VmRSS backs it up where clear_refs is not
 * permitted. With several processes the summed VmHWM is an upper bound of the true peak.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** `pid` and every process below it. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      /* exited meanwhile */
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]) ?? []));
  return out;
}

const sum = (pids: number[], f: (p: number) => number): number => {
  let total = 0;
  let any = false;
  for (const p of pids) {
    const v = f(p);
    if (Number.isFinite(v)) {
      total += v;
      any = true;
    }
  }
  return any ? total : Number.NaN;
};

/** CPU seconds (user + system) the process has used so far; NaN once it has gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; the fields after its ')' are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / ticksPerSecond();
  } catch {
    return Number.NaN;
  }
}

function statusKiB(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

const ownRss = (pid: number): number => statusKiB(pid, 'VmRSS') * 1024;
const ownPeak = (pid: number): number => statusKiB(pid, 'VmHWM') * 1024;
export const treeCpuSeconds = (pid: number): number => sum(processTree(pid), cpuSeconds);
export const rssBytes = (pid: number): number => sum(processTree(pid), ownRss);
export const peakRssBytes = (pid: number): number => sum(processTree(pid), ownPeak);

/** Resets VmHWM to the current RSS in the whole tree; false when the kernel refuses. */
export function resetPeakRss(pid: number): boolean {
  try {
    for (const p of processTree(pid)) writeFileSync(`/proc/${p}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

export interface PhaseUsage {
  seconds: number;
  cpuSeconds: number;
  /** Average cores busy over the phase (cpuSeconds / seconds). */
  cpuCores: number;
  peakRssBytes: number;
  endRssBytes: number;
}

/** Measures one phase of a process: start() then stop() returns its CPU and memory use. */
export class PhaseMeter {
  private t0 = 0;
  private cpu0 = 0;
  private maxSampled = 0;
  private timer: NodeJS.Timeout | undefined;
  private hwmReset = false;
  private pids: number[] = [];
  private samples = 0;

  constructor(private readonly pid: number) {}

  start(): this {
    this.hwmReset = resetPeakRss(this.pid);
    this.t0 = performance.now();
    this.cpu0 = treeCpuSeconds(this.pid);
    this.maxSampled = rssBytes(this.pid) || 0;
    this.pids = processTree(this.pid);
    this.timer = setInterval(() => {
      // The tree is rescanned every 2 s only: a /proc scan costs CPU the broker would miss.
      if (++this.samples % 20 === 0) this.pids = processTree(this.pid);
      const r = sum(this.pids, ownRss);
      if (r > this.maxSampled) this.maxSampled = r;
    }, 100);
    this.timer.unref();
    return this;
  }

  stop(): PhaseUsage {
    if (this.timer) clearInterval(this.timer);
    const seconds = (performance.now() - this.t0) / 1000;
    const cpu = treeCpuSeconds(this.pid) - this.cpu0;
    const end = rssBytes(this.pid);
    const hwm = this.hwmReset ? peakRssBytes(this.pid) : Number.NaN;
    const peak = Math.max(Number.isFinite(hwm) ? hwm : 0, this.maxSampled, Number.isFinite(end) ? end : 0);
    return { seconds, cpuSeconds: cpu, cpuCores: cpu / seconds, peakRssBytes: peak, endRssBytes: end };
  }
}
