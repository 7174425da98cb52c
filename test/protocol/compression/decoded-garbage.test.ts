import { compress, decompress } from '../../../src/protocol/compression/codec';
import { noteDecodedBytes, PACE_BYTES } from '../../../src/protocol/compression/decoded-garbage';
import { Compression } from '../../../src/protocol/records/batch-header';

describe('young-generation collections paced by decoded bytes', () => {
  const saved = globalThis.gc;
  afterEach(() => {
    globalThis.gc = saved;
  });

  it('asks for one minor collection per PACE_BYTES decoded, when gc is exposed', () => {
    const calls: unknown[] = [];
    globalThis.gc = ((options?: unknown) => void calls.push(options)) as NodeJS.GCFunction;
    noteDecodedBytes(PACE_BYTES); // whatever was counted before, this crosses the pace once
    calls.length = 0;
    noteDecodedBytes(PACE_BYTES / 2);
    expect(calls).toEqual([]);
    noteDecodedBytes(PACE_BYTES / 2);
    expect(calls).toEqual([{ type: 'minor' }]);
  });

  it('counts what decompress returns, for every codec', () => {
    let calls = 0;
    globalThis.gc = (() => void calls++) as NodeJS.GCFunction;
    noteDecodedBytes(PACE_BYTES);
    calls = 0;
    const data = Buffer.alloc(1024 * 1024, 7);
    for (const codec of [Compression.GZIP, Compression.SNAPPY, Compression.LZ4, Compression.ZSTD]) {
      const frame = compress(codec, data);
      for (let i = 0; i < PACE_BYTES / data.length; i++) expect(decompress(codec, frame).length).toBe(data.length);
    }
    expect(calls).toBe(4);
    expect(decompress(Compression.NONE, data)).toBe(data);
  });

  it('does nothing more without an exposed gc (an embedding process)', () => {
    globalThis.gc = undefined;
    expect(() => noteDecodedBytes(3 * PACE_BYTES)).not.toThrow();
  });
});
