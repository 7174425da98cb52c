import { ManualClock, systemClock } from '../../src/util/clock';

describe('systemClock', () => {
  it('never fires a timer whose delay exceeds what Node timers accept (Kafka Long.MAX_VALUE intervals)', async () => {
    let fired = false;
    const h = systemClock.setTimeout(() => (fired = true), 9223372036854775807);
    await new Promise((r) => setTimeout(r, 30));
    expect(fired).toBe(false);
    systemClock.clearTimeout(h);
  });

  it('fires ordinary timers', async () => {
    await new Promise<void>((resolve) => systemClock.setTimeout(resolve, 5));
  });
});

describe('ManualClock', () => {
  it('runs due timers in order as time advances', () => {
    const c = new ManualClock(1000);
    const seen: string[] = [];
    c.setTimeout(() => seen.push('b'), 20);
    c.setTimeout(() => seen.push('a'), 10);
    const h = c.setTimeout(() => seen.push('never'), 15);
    c.clearTimeout(h);
    c.advance(15);
    expect(seen).toEqual(['a']);
    c.advance(10);
    expect(seen).toEqual(['a', 'b']);
    expect(c.now()).toBe(1025);
  });
});
