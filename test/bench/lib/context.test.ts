import { bestOf, isError } from '../../../bench/lib/context';

describe('bestOf', () => {
  it('keeps the highest-scoring run and every score', () => {
    const r = bestOf([{ v: 3 }, { v: 7 }, { error: 'x' }, { v: 5 }], (x) => x.v);
    expect(r).toEqual({ v: 7, repeats: [3, 7, 5] });
  });

  it('returns the first error when every repeat failed', () => {
    const r = bestOf<{ v: number }>([{ error: 'first' }, { error: 'second' }], (x) => x.v);
    expect(isError(r) && r.error).toBe('first');
  });

  it('picks the lowest value with a negated score', () => {
    const r = bestOf([{ p99: 9 }, { p99: 4 }], (x) => -x.p99);
    expect(!isError(r) && r.p99).toBe(4);
  });
});
