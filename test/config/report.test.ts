import pino from 'pino';
import { Writable } from 'node:stream';
import { loadBrokerConfig, logConfigReport } from '../../src/config';

describe('logConfigReport', () => {
  it('logs unknown keys as warnings and ignored keys as info, with their origin', () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(JSON.parse(String(chunk)));
        cb();
      },
    });
    const log = pino({ level: 'info' }, sink);
    const c = loadBrokerConfig({ profile: 'development', overrides: ['bogus=1', 'num.io.threads=4'] });
    logConfigReport(c, log);
    expect(lines.map((l) => [l.level, l.key, l.origin])).toEqual([
      [40, 'bogus', '--override bogus'],
      [30, 'num.io.threads', '--override num.io.threads'],
      [30, undefined, undefined],
    ]);
    expect(lines[2]).toMatchObject({ msg: 'broker config loaded', nodeId: 1, logDirs: ['./data'], listeners: ['PLAINTEXT://127.0.0.1:9092'] });
  });
});
