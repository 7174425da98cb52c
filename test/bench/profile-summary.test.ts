import { summarize } from '../../bench/profile-summary';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

describe('profile-summary', () => {
  // (root) → main → [hot (self), helper → hot]; plus idle and GC samples.
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 5, 6] },
      { id: 2, callFrame: frame('main', 'file:///repo/dist/a.js', 9), children: [3, 4] },
      { id: 3, callFrame: frame('hot', 'file:///repo/dist/b.js', 19) },
      { id: 4, callFrame: frame('helper', 'file:///repo/dist/a.js', 29), children: [7] },
      { id: 5, callFrame: frame('(idle)') },
      { id: 6, callFrame: frame('(garbage collector)') },
      { id: 7, callFrame: frame('hot', 'file:///repo/dist/b.js', 19) },
    ],
    samples: [3, 3, 7, 2, 5, 5, 6],
    timeDeltas: [1000, 1000, 1000, 1000, 3000, 3000, 1000],
    startTime: 0,
    endTime: 11000,
  };
  const s = summarize([profile], '/repo/');

  it('splits wall time into busy, idle and GC', () => {
    expect(s.totalMs).toBe(11);
    expect(s.idleMs).toBe(6);
    expect(s.gcMs).toBe(1);
  });

  it('merges a function seen at several stack positions, for self and inclusive time', () => {
    expect(s.selfByFunction[0]).toEqual(['hot dist/b.js:20', 3]);
    const incl = new Map(s.inclusiveByFunction);
    expect(incl.get('main dist/a.js:10')).toBe(4);
    expect(incl.get('helper dist/a.js:30')).toBe(1);
    expect(incl.get('hot dist/b.js:20')).toBe(3);
  });

  it('groups self time by file relative to the repository', () => {
    expect(new Map(s.selfByFile).get('dist/b.js')).toBe(3);
    expect(new Map(s.selfByFile).get('dist/a.js')).toBe(1);
  });
});
