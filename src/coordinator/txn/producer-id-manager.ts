/**
 * Producer id allocation (Kafka's ProducerIdManager). Ids are handed out from blocks of
 * PRODUCER_ID_BLOCK_SIZE; a block is reserved durably before any id of it is used, so an id is
 * never handed out twice, even across restarts (at most the rest of a block is skipped). In
 * KRaft the controller reserves blocks in its metadata log (ProducerIdsRecord); here a small file
 * holds the start of the next free block (ProducerIdBlockStore), written atomically.
 *
 * `generateProducerId` is synchronous (coordinator operations run without awaiting): the next
 * block is fetched in the background once 90% of the current one is used; if none is ready the
 * call fails with COORDINATOR_LOAD_IN_PROGRESS, which clients retry (Kafka does the same while
 * waiting for the controller).
 */
import { CoordinatorLoadInProgressError } from '../../protocol/kafka-errors';
import { CorruptFileError } from '../../log/errors';
import { dirOf, readWholeFile, writeFileAtomic, type LogFs } from '../../log/log-fs';
import { invariant } from '../../util/invariant';
import type { Logger } from '../../util/logger';

/** Kafka's ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE. */
export const PRODUCER_ID_BLOCK_SIZE = 1000;
/** Kafka prefetches the next block when 90% of the current one is used. */
const PREFETCH_RATIO = 0.9;
const FILE_VERSION = 1;

/** Durable reservation of producer id blocks. */
export interface ProducerIdBlockStore {
  /** Reserves the next `size` ids; resolves with the first once the reservation is durable. */
  reserveBlock(size: number): Promise<bigint>;
}

/** A JSON file `{"version":1,"nextBlockStart":"<n>"}`, replaced atomically on every reservation. */
export class FileProducerIdBlockStore implements ProducerIdBlockStore {
  private next: bigint | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly fs: LogFs,
    readonly path: string,
  ) {}

  reserveBlock(size: number): Promise<bigint> {
    invariant(Number.isInteger(size) && size > 0, () => `producer id block size must be positive, got ${size}`);
    // Reservations are serialized: each reads the high-water mark the previous one wrote.
    const run = async (): Promise<bigint> => {
      const first = this.next ?? (await this.load());
      const next = first + BigInt(size);
      await this.fs.mkdir(dirOf(this.path));
      await writeFileAtomic(this.fs, this.path, Buffer.from(JSON.stringify({ version: FILE_VERSION, nextBlockStart: next.toString() })));
      this.next = next;
      return first;
    };
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => undefined);
    return p;
  }

  private async load(): Promise<bigint> {
    const data = await readWholeFile(this.fs, this.path, 4096);
    if (data === null) return 0n;
    let parsed: { version?: unknown; nextBlockStart?: unknown };
    try {
      parsed = JSON.parse(data.toString('utf8')) as typeof parsed;
    } catch (e) {
      throw new CorruptFileError(this.path, `producer id block file is not JSON (${(e as Error).message})`);
    }
    if (parsed.version !== FILE_VERSION || typeof parsed.nextBlockStart !== 'string' || !/^\d+$/.test(parsed.nextBlockStart)) {
      throw new CorruptFileError(this.path, `unexpected producer id block file content ${JSON.stringify(parsed)}`);
    }
    return BigInt(parsed.nextBlockStart);
  }
}

export class ProducerIdManager {
  private current: { next: bigint; end: bigint } | null = null;
  private prefetched: { next: bigint; end: bigint } | null = null;
  private fetching: Promise<void> | null = null;

  constructor(
    private readonly store: ProducerIdBlockStore,
    private readonly log: Logger,
    private readonly blockSize = PRODUCER_ID_BLOCK_SIZE,
  ) {}

  /** Reserves the first block (broker start-up). */
  async startup(): Promise<void> {
    await this.fetchBlock();
    this.current = this.prefetched;
    this.prefetched = null;
  }

  /** The next producer id; COORDINATOR_LOAD_IN_PROGRESS while no reserved id is left. */
  generateProducerId(): bigint {
    if (this.current && this.current.next >= this.current.end) this.current = null;
    if (!this.current && this.prefetched) {
      this.current = this.prefetched;
      this.prefetched = null;
    }
    if (!this.current) {
      this.maybeFetch();
      throw new CoordinatorLoadInProgressError('Producer id block is used up; waiting for the next one');
    }
    const id = this.current.next;
    this.current.next += 1n;
    const used = Number(this.current.next - (this.current.end - BigInt(this.blockSize)));
    if (used >= this.blockSize * PREFETCH_RATIO) this.maybeFetch();
    return id;
  }

  /** Resolves once no block reservation is in flight (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.fetching) await this.fetching;
  }

  private maybeFetch(): void {
    if (this.prefetched || this.fetching) return;
    this.fetchBlock().catch((e: unknown) => this.log.error({ err: e }, 'could not reserve a producer id block'));
  }

  private fetchBlock(): Promise<void> {
    if (this.fetching) return this.fetching;
    this.fetching = this.store
      .reserveBlock(this.blockSize)
      .then((first) => {
        this.prefetched = { next: first, end: first + BigInt(this.blockSize) };
        this.log.info({ firstProducerId: first.toString(), size: this.blockSize }, 'reserved a producer id block');
      })
      .finally(() => {
        this.fetching = null;
      });
    return this.fetching;
  }
}
