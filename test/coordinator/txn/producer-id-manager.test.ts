import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileProducerIdBlockStore, ProducerIdManager, PRODUCER_ID_BLOCK_SIZE } from '../../../src/coordinator/txn/producer-id-manager';
import { CorruptFileError } from '../../../src/log/errors';
import { nodeLogFs } from '../../../src/log/log-fs';
import { ErrorCode } from '../../../src/protocol/error-codes';
import { toErrorCode } from '../../../src/protocol/kafka-errors';
import { rootLogger } from '../../../src/util/logger';
import { MemoryBlockStore } from './txn-harness';

const log = rootLogger().child({ component: 'test' });
let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pid-blocks-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('FileProducerIdBlockStore', () => {
  it('reserves consecutive blocks and resumes after a restart, never handing out an id twice', async () => {
    const file = path.join(dir, 'meta', 'producer-id-block.json');
    const a = new FileProducerIdBlockStore(nodeLogFs, file);
    expect(await a.reserveBlock(1000)).toBe(0n);
    expect(await a.reserveBlock(1000)).toBe(1000n);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ version: 1, nextBlockStart: '2000' });
    const b = new FileProducerIdBlockStore(nodeLogFs, file);
    expect(await b.reserveBlock(10)).toBe(2000n);
  });

  it('serializes concurrent reservations', async () => {
    const s = new FileProducerIdBlockStore(nodeLogFs, path.join(dir, 'p.json'));
    const firsts = await Promise.all([s.reserveBlock(5), s.reserveBlock(5), s.reserveBlock(5)]);
    expect(firsts).toEqual([0n, 5n, 10n]);
  });

  it('refuses a damaged file rather than starting over at 0', async () => {
    const file = path.join(dir, 'p.json');
    fs.writeFileSync(file, '{"version":1,"nextBlockStart":"-3"}');
    await expect(new FileProducerIdBlockStore(nodeLogFs, file).reserveBlock(10)).rejects.toBeInstanceOf(CorruptFileError);
    fs.writeFileSync(file, 'not json');
    await expect(new FileProducerIdBlockStore(nodeLogFs, file).reserveBlock(10)).rejects.toBeInstanceOf(CorruptFileError);
  });
});

describe('ProducerIdManager', () => {
  it('hands out ids of its block, prefetching the next at 90%', async () => {
    const store = new MemoryBlockStore();
    const m = new ProducerIdManager(store, log, 10);
    await m.startup();
    const ids: bigint[] = [];
    for (let i = 0; i < 9; i++) ids.push(m.generateProducerId());
    expect(ids).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]);
    await m.idle();
    expect(store.reservations).toBe(2); // the prefetch started at the 9th id
    ids.push(m.generateProducerId(), m.generateProducerId());
    expect(ids.slice(9)).toEqual([9n, 10n]);
  });

  it('answers COORDINATOR_LOAD_IN_PROGRESS while no block is ready, then continues', async () => {
    let release!: () => void;
    const slow = { next: 0n, async reserveBlock(size: number) {
      const first = this.next;
      this.next += BigInt(size);
      if (first > 0n) await new Promise<void>((r) => (release = r));
      return first;
    } };
    const m = new ProducerIdManager(slow, log, 2);
    await m.startup();
    expect([m.generateProducerId(), m.generateProducerId()]).toEqual([0n, 1n]);
    let err: unknown;
    try {
      m.generateProducerId();
    } catch (e) {
      err = e;
    }
    expect(toErrorCode(err)).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    release();
    await m.idle();
    expect(m.generateProducerId()).toBe(2n);
  });

  it('uses Kafka\'s block size by default', () => {
    expect(PRODUCER_ID_BLOCK_SIZE).toBe(1000);
  });
});
