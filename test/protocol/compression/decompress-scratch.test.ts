import { DecompressScratch } from '../../../src/protocol/compression/decompress-scratch';

describe('DecompressScratch', () => {
  it('hands out the same memory while it is large enough, growing when it is not', () => {
    const s = new DecompressScratch(1 << 20);
    const a = s.take(1000);
    expect(a.length).toBe(1000);
    expect(s.take(50_000).buffer).toBe(a.buffer);
    const bigger = s.take(200_000);
    expect(bigger.length).toBe(200_000);
    expect(bigger.buffer).not.toBe(a.buffer);
    expect(s.take(10).buffer).toBe(bigger.buffer);
  });

  it('never keeps more than its limit: larger outputs get fresh memory each time', () => {
    const s = new DecompressScratch(100_000);
    const kept = s.take(60_000);
    expect(s.capacity).toBeLessThanOrEqual(100_000);
    const huge = s.take(300_000);
    expect(huge.length).toBe(300_000);
    expect(huge.buffer).not.toBe(kept.buffer);
    expect(s.take(300_000).buffer).not.toBe(huge.buffer);
    expect(s.capacity).toBeLessThanOrEqual(100_000);
    expect(s.take(90_000).length).toBe(90_000);
  });
});
