import type { ConnectionContext } from '../../src/network';
import { ConnectionSequencer } from '../../src/server/connection-sequencer';

const conn = (): ConnectionContext => ({}) as ConnectionContext;
const deferred = (): { promise: Promise<void>; resolve: () => void } => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('ConnectionSequencer', () => {
  it('runs a request synchronously when nothing is pending', () => {
    const s = new ConnectionSequencer();
    expect(s.run(conn(), 3, () => 42)).toBe(42);
  });

  it('holds a request until every earlier request on the connection finished', async () => {
    const s = new ConnectionSequencer();
    const c = conn();
    const started: string[] = [];
    const commit = deferred();
    void s.run(c, 8, () => {
      started.push('commit');
      return commit.promise;
    });
    const fetched = s.run(c, 9, () => {
      started.push('fetch');
      return 'offsets';
    });
    await tick();
    expect(started).toEqual(['commit']);
    commit.resolve();
    await expect(fetched).resolves.toBe('offsets');
    expect(started).toEqual(['commit', 'fetch']);
  });

  it('lets consecutive Produce requests run concurrently, but not past an earlier request', async () => {
    const s = new ConnectionSequencer();
    const c = conn();
    const started: string[] = [];
    const meta = deferred();
    const p1 = deferred();
    void s.run(c, 3, () => {
      started.push('metadata');
      return meta.promise;
    });
    void s.run(c, 0, () => {
      started.push('produce1');
      return p1.promise;
    });
    void s.run(c, 0, () => {
      started.push('produce2');
      return Promise.resolve();
    });
    const list = s.run(c, 2, () => {
      started.push('list-offsets');
      return 1;
    });
    await tick();
    expect(started).toEqual(['metadata']);
    meta.resolve();
    await tick();
    expect(started).toEqual(['metadata', 'produce1', 'produce2']);
    p1.resolve();
    await list;
    expect(started).toEqual(['metadata', 'produce1', 'produce2', 'list-offsets']);
  });

  it('keeps connections independent and survives a failing request', async () => {
    const s = new ConnectionSequencer();
    const a = conn();
    const b = conn();
    const slow = deferred();
    void s.run(a, 8, () => slow.promise);
    expect(s.run(b, 8, () => 'b')).toBe('b');
    const failed = s.run(a, 9, () => Promise.reject(new Error('boom')));
    const after = s.run(a, 9, () => 'after');
    slow.resolve();
    await expect(failed).rejects.toThrow('boom');
    await expect(after).resolves.toBe('after');
  });
});
