import fc from 'fast-check';
import type { Assignment } from '../../../../src/coordinator/group/consumer/assignment';
import {
  compareTopicIds,
  SubscriptionType,
  type GroupAssignment,
  type GroupSpec,
  type MemberSubscriptionAndAssignment,
  type SubscribedTopicDescriber,
} from '../../../../src/coordinator/group/consumer/assignors/partition-assignor';
import { RangeAssignor } from '../../../../src/coordinator/group/consumer/assignors/range-assignor';
import { UniformAssignor } from '../../../../src/coordinator/group/consumer/assignors/uniform-assignor';

interface Member {
  topics: string[];
  current?: Record<string, number[]>;
  instanceId?: string | null;
}

function spec(members: Record<string, Member>, type?: SubscriptionType): GroupSpec {
  const subs = new Map<string, MemberSubscriptionAndAssignment>();
  const owners = new Map<string, string>();
  for (const [id, m] of Object.entries(members)) {
    const assignment: Assignment = new Map(Object.entries(m.current ?? {}).map(([t, ps]) => [t, new Set(ps)]));
    for (const [t, ps] of assignment) for (const p of ps) owners.set(`${t}:${p}`, id);
    subs.set(id, { rackId: null, instanceId: m.instanceId ?? null, subscribedTopicIds: new Set(m.topics), assignment });
  }
  const topicSets = [...subs.values()].map((s) => [...s.subscribedTopicIds].sort().join(','));
  const homogeneous = topicSets.every((t) => t === topicSets[0]);
  return {
    memberIds: [...subs.keys()],
    subscriptionType: type ?? (homogeneous ? SubscriptionType.HOMOGENEOUS : SubscriptionType.HETEROGENEOUS),
    memberSubscription: (id) => subs.get(id)!,
    isPartitionAssigned: (t, p) => owners.has(`${t}:${p}`),
  };
}

function topics(counts: Record<string, number>): SubscribedTopicDescriber {
  return { numPartitions: (t) => counts[t] ?? -1, racksForPartition: () => new Set() };
}

function plain(a: GroupAssignment): Record<string, Record<string, number[]>> {
  const out: Record<string, Record<string, number[]>> = {};
  for (const [m, as] of a) {
    out[m] = {};
    for (const [t, ps] of as) if (ps.size > 0) out[m]![t] = [...ps].sort((x, y) => x - y);
  }
  return out;
}

function sizes(a: GroupAssignment): number[] {
  return [...a.values()].map((as) => [...as.values()].reduce((n, ps) => n + ps.size, 0));
}

/** Every partition of every subscribed topic exactly once, only to subscribers. */
function expectComplete(a: GroupAssignment, s: GroupSpec, counts: Record<string, number>): void {
  const seen = new Map<string, string>();
  for (const [m, as] of a) {
    for (const [t, ps] of as) {
      expect(s.memberSubscription(m).subscribedTopicIds.has(t)).toBe(true);
      for (const p of ps) {
        expect(seen.has(`${t}-${p}`)).toBe(false);
        seen.set(`${t}-${p}`, m);
      }
    }
  }
  const subscribed = new Set(s.memberIds.flatMap((m) => [...s.memberSubscription(m).subscribedTopicIds]));
  let expected = 0;
  for (const t of subscribed) expected += counts[t]!;
  expect(seen.size).toBe(expected);
}

describe('uniform assignor, homogeneous subscriptions', () => {
  const uniform = new UniformAssignor();

  it('spreads 6 partitions over 3 members two each', () => {
    const s = spec({ a: { topics: ['t'] }, b: { topics: ['t'] }, c: { topics: ['t'] } });
    const a = uniform.assign(s, topics({ t: 6 }));
    expectComplete(a, s, { t: 6 });
    expect(sizes(a)).toEqual([2, 2, 2]);
  });

  it('gives the remainder to the first members: 7 over 3 is 3, 2, 2', () => {
    const s = spec({ a: { topics: ['t'] }, b: { topics: ['t'] }, c: { topics: ['t'] } });
    expect(sizes(uniform.assign(s, topics({ t: 7 })))).toEqual([3, 2, 2]);
  });

  it('is sticky: members keep what they own, a new member gets the surplus', () => {
    const s = spec({ a: { topics: ['t'], current: { t: [0, 1, 2] } }, b: { topics: ['t'], current: { t: [3, 4, 5] } }, c: { topics: ['t'] } });
    const a = plain(uniform.assign(s, topics({ t: 6 })));
    expect(a.a!.t!.every((p) => [0, 1, 2].includes(p))).toBe(true);
    expect(a.b!.t!.every((p) => [3, 4, 5].includes(p))).toBe(true);
    expect(a.a!.t).toHaveLength(2);
    expect(a.b!.t).toHaveLength(2);
    expect(a.c!.t).toEqual([2, 5]);
  });

  it('drops partitions of topics no longer subscribed to', () => {
    const s = spec({ a: { topics: ['t'], current: { t: [0], old: [0, 1] } } });
    expect(plain(uniform.assign(s, topics({ t: 2, old: 2 })))).toEqual({ a: { t: [0, 1] } });
  });

  it('assigns nothing to members subscribed to nothing', () => {
    const s = spec({ a: { topics: [] }, b: { topics: [] } });
    expect(plain(uniform.assign(s, topics({})))).toEqual({});
  });

  it('keeps balance and stickiness for random groups (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 40 }), fc.array(fc.integer({ min: 0, max: 7 }), { maxLength: 40 }), (m, n, owners) => {
        const members: Record<string, Member> = {};
        for (let i = 0; i < m; i++) members[`m${i}`] = { topics: ['t'], current: { t: [] } };
        owners.slice(0, n).forEach((o, p) => {
          if (o < m) members[`m${o}`]!.current!.t!.push(p);
        });
        const s = spec(members);
        const a = uniform.assign(s, topics({ t: n }));
        expectComplete(a, s, { t: n });
        const sz = sizes(a);
        expect(Math.max(...sz) - Math.min(...sz)).toBeLessThanOrEqual(1);
        // Each member keeps as many of its partitions as its new share allows.
        Object.entries(members).forEach(([id, mem], i) => {
          const kept = mem.current!.t!.filter((p) => a.get(id)!.get('t')?.has(p));
          expect(kept.length).toBe(Math.min(mem.current!.t!.length, sz[i]!));
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe('uniform assignor, heterogeneous subscriptions', () => {
  const uniform = new UniformAssignor();

  it('gives each topic only to its subscribers and balances members', () => {
    const s = spec({ a: { topics: ['t1'] }, b: { topics: ['t1', 't2'] }, c: { topics: ['t2'] } });
    const a = uniform.assign(s, topics({ t1: 4, t2: 4 }));
    expectComplete(a, s, { t1: 4, t2: 4 });
    const sz = sizes(a);
    expect(Math.max(...sz) - Math.min(...sz)).toBeLessThanOrEqual(1);
  });

  it('moves partitions from an overloaded member to a new subscriber', () => {
    const s = spec({ a: { topics: ['t1', 't2'], current: { t1: [0, 1, 2, 3], t2: [0, 1, 2, 3] } }, b: { topics: ['t2'] } });
    const a = plain(uniform.assign(s, topics({ t1: 4, t2: 4 })));
    expect(a.a!.t1).toEqual([0, 1, 2, 3]);
    expect(a.b!.t2).toHaveLength(4);
    expect(a.a!.t2).toBeUndefined();
  });

  it('is complete and subscriber-only for random subscriptions (property)', () => {
    const names = ['t0', 't1', 't2', 't3'];
    fc.assert(
      fc.property(fc.array(fc.subarray(names, { minLength: 1 }), { minLength: 1, maxLength: 6 }), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 4, maxLength: 4 }), (subs, counts) => {
        const members: Record<string, Member> = {};
        subs.forEach((ts, i) => (members[`m${i}`] = { topics: ts }));
        const c = Object.fromEntries(names.map((n, i) => [n, counts[i]!]));
        const s = spec(members, SubscriptionType.HETEROGENEOUS);
        const first = uniform.assign(s, topics(c));
        expectComplete(first, s, c);
        // Running again from its own output changes nothing (stable).
        const again = spec(Object.fromEntries(Object.entries(members).map(([id, m]) => [id, { ...m, current: plain(first)[id] ?? {} }])), SubscriptionType.HETEROGENEOUS);
        expect(plain(uniform.assign(again, topics(c)))).toEqual(plain(first));
      }),
      { numRuns: 200 },
    );
  });
});

describe('range assignor', () => {
  const range = new RangeAssignor();

  it('gives contiguous ranges in member id order, the remainder to the first members', () => {
    const s = spec({ c: { topics: ['t'] }, a: { topics: ['t'] }, b: { topics: ['t'] } });
    expect(plain(range.assign(s, topics({ t: 7 })))).toEqual({ a: { t: [0, 1, 2] }, b: { t: [3, 4] }, c: { t: [5, 6] } });
  });

  it('co-partitions topics of equal size', () => {
    const s = spec({ a: { topics: ['x', 'y'] }, b: { topics: ['x', 'y'] } });
    expect(plain(range.assign(s, topics({ x: 4, y: 4 })))).toEqual({ a: { x: [0, 1], y: [0, 1] }, b: { x: [2, 3], y: [2, 3] } });
  });

  it('sorts static members (by instance id) before dynamic ones', () => {
    const s = spec({ a: { topics: ['t'] }, z: { topics: ['t'], instanceId: 'i-1' } });
    expect(plain(range.assign(s, topics({ t: 2 })))).toEqual({ z: { t: [0] }, a: { t: [1] } });
  });

  it('heterogeneous: each topic split among its own subscribers', () => {
    const s = spec({ a: { topics: ['x'] }, b: { topics: ['x', 'y'] }, c: { topics: ['y'] } });
    expect(plain(range.assign(s, topics({ x: 4, y: 2 })))).toEqual({ a: { x: [0, 1] }, b: { x: [2, 3], y: [0] }, c: { y: [1] } });
  });

  it('leaves members without partitions when there are fewer partitions than members', () => {
    const s = spec({ a: { topics: ['t'] }, b: { topics: ['t'] }, c: { topics: ['t'] } });
    expect(plain(range.assign(s, topics({ t: 2 })))).toEqual({ a: { t: [0] }, b: { t: [1] }, c: {} });
  });
});

describe('topic id order', () => {
  it('compares the two halves as signed longs, like Kafka\'s Uuid', () => {
    const id = (hex: string): string => Buffer.from(hex, 'hex').toString('base64url');
    const low = id('00000000000000010000000000000000');
    const high = id('7fffffffffffffff0000000000000000');
    const negative = id('80000000000000000000000000000000');
    expect(compareTopicIds(low, high)).toBeLessThan(0);
    expect(compareTopicIds(negative, low)).toBeLessThan(0);
    expect(compareTopicIds(low, low)).toBe(0);
  });
});
