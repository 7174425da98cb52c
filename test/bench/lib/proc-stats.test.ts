import { spawn } from 'node:child_process';
import { cpuSeconds, PhaseMeter, processTree, rssBytes } from '../../../bench/lib/proc-stats';

describe('proc-stats', () => {
  it('reads this process: CPU time grows with work, RSS is plausible', () => {
    const before = cpuSeconds(process.pid);
    const end = Date.now() + 150;
    let x = 0;
    while (Date.now() < end) x += Math.sqrt(x + 1);
    expect(x).toBeGreaterThan(0);
    expect(cpuSeconds(process.pid) - before).toBeGreaterThanOrEqual(0.05);
    expect(rssBytes(process.pid)).toBeGreaterThan(10 * 1024 * 1024);
  });

  it('finds child processes and measures a phase of the whole tree', async () => {
    const child = spawn(process.execPath, ['-e', 'const e = Date.now() + 400; let x = 0; while (Date.now() < e) x++; setTimeout(() => {}, 2000)']);
    try {
      await new Promise((r) => setTimeout(r, 50));
      expect(processTree(process.pid)).toContain(child.pid);
      const meter = new PhaseMeter(process.pid).start();
      await new Promise((r) => setTimeout(r, 500));
      const u = meter.stop();
      expect(u.seconds).toBeGreaterThanOrEqual(0.45);
      expect(u.cpuSeconds).toBeGreaterThanOrEqual(0.2); // the child's busy loop counts
      expect(u.peakRssBytes).toBeGreaterThanOrEqual(u.endRssBytes * 0.5);
    } finally {
      child.kill();
    }
  });

  it('gives NaN for a process that does not exist', () => {
    expect(cpuSeconds(2 ** 30)).toBeNaN();
    expect(rssBytes(2 ** 30)).toBeNaN();
  });
});
