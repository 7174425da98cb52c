import fc from 'fast-check';
import { buildMessageSet, decodeMessageSet } from '../../../src/protocol/records/legacy-message-set';
import { writeLegacyEntry, legacyEntrySize, NO_TIMESTAMP_TYPE } from '../../../src/protocol/records/legacy-message';
import { Compression, CompressionType, TimestampType } from '../../../src/protocol/records/batch-header';
import { compress } from '../../../src/protocol/compression';
import { CorruptRecordError, InvalidRecordError, RecordsError, UnsupportedCompressionTypeError } from '../../../src/protocol/records/errors';
import { bytesOrNull } from './arbitraries';

const LEGACY_CODECS: CompressionType[] = [Compression.NONE, Compression.GZIP, Compression.SNAPPY, Compression.LZ4];

/** One entry (any fields), for hand-built sets. */
function entry(e: { offset: bigint; magic: 0 | 1; attributes?: number; timestamp?: number; key?: Buffer | null; value?: Buffer | null }): Buffer {
  const full = { attributes: 0, timestamp: -1, key: null, value: null, ...e };
  const buf = Buffer.alloc(legacyEntrySize(full.magic, full.key, full.value));
  writeLegacyEntry(buf, 0, full);
  return buf;
}

describe('legacy message sets', () => {
  it('decodes a golden magic 0 message (CRC-32 IEEE)', () => {
    // offset 7, size 19, crc, magic 0, attributes 0, key null, value "hello".
    const golden = Buffer.from('0000000000000007' + '00000013' + '87a77ab2' + '00' + '00' + 'ffffffff' + '00000005' + '68656c6c6f', 'hex');
    const [m] = decodeMessageSet(golden);
    expect(m).toMatchObject({ offset: 7n, magic: 0, timestamp: -1, timestampType: NO_TIMESTAMP_TYPE, key: null, compression: Compression.NONE });
    expect(m.value!.toString()).toBe('hello');
    expect(entry({ offset: 7n, magic: 0, value: Buffer.from('hello') }).equals(golden)).toBe(true);
  });

  it('decodes a golden magic 1 message with its timestamp', () => {
    const golden = Buffer.from('0000000000000000' + '00000019' + 'd6cbc247' + '01' + '00' + '0000018bcfe56800' + '00000001' + '6b' + '00000002' + '7676', 'hex');
    expect(decodeMessageSet(golden)[0]).toMatchObject({ magic: 1, timestamp: 1700000000000, timestampType: TimestampType.CREATE_TIME, key: Buffer.from('k'), value: Buffer.from('vv') });
  });

  it.each([0, 1] as const)('round-trips magic %i sets with every legacy codec', (magic) => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ key: bytesOrNull, value: bytesOrNull, timestamp: fc.integer({ min: -1, max: 2 ** 42 }) }), { minLength: 1, maxLength: 20 }),
        fc.constantFrom(...LEGACY_CODECS),
        fc.bigInt({ min: 0n, max: 2n ** 60n }),
        (messages, compression, baseOffset) => {
          const set = buildMessageSet({ magic, compression, baseOffset, messages });
          const out = decodeMessageSet(set);
          expect(out.map((m) => m.offset)).toEqual(messages.map((_, i) => baseOffset + BigInt(i)));
          expect(out.map((m) => [m.key, m.value])).toEqual(messages.map((m) => [m.key, m.value]));
          expect(out.map((m) => m.timestamp)).toEqual(messages.map((m) => (magic === 0 ? -1 : m.timestamp)));
          expect(out.every((m) => m.compression === compression && m.magic === magic)).toBe(true);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('writes compressed magic 1 sets with relative inner offsets and the last offset on the wrapper', () => {
    const set = buildMessageSet({ magic: 1, compression: Compression.GZIP, baseOffset: 100n, messages: [{ timestamp: 5 }, { timestamp: 9 }, { timestamp: 7 }] });
    expect(set.readBigInt64BE(0)).toBe(102n);
    expect(set.readBigInt64BE(18)).toBe(9n); // wrapper timestamp = max
    expect(decodeMessageSet(set).map((m) => m.offset)).toEqual([100n, 101n, 102n]);
  });

  const wrap = (magic: 0 | 1, codec: CompressionType, wrapperOffset: bigint, inner: Buffer[], attributes = 0, timestamp = -1): Buffer =>
    entry({ offset: wrapperOffset, magic, attributes: codec | attributes, timestamp, value: compress(codec, Buffer.concat(inner), { legacyLz4HeaderChecksum: magic === 0 }) });

  it('applies Kafka’s wrapper offset rules for magic 1', () => {
    const inner = [0n, 1n, 2n].map((o) => entry({ offset: o, magic: 1, value: Buffer.from(String(o)) }));
    expect(decodeMessageSet(wrap(1, Compression.GZIP, 52n, inner)).map((m) => m.offset)).toEqual([50n, 51n, 52n]);
    // librdkafka quirk: wrapper offset 0 keeps the inner offsets.
    expect(decodeMessageSet(wrap(1, Compression.GZIP, 0n, inner)).map((m) => m.offset)).toEqual([0n, 1n, 2n]);
    expect(() => decodeMessageSet(wrap(1, Compression.GZIP, 1n, inner))).toThrow(/less than the last inner/);
  });

  it('keeps absolute inner offsets for magic 0, including lz4 with the broken KIP-57 checksum', () => {
    const inner = [30n, 31n].map((o) => entry({ offset: o, magic: 0, value: Buffer.from('x') }));
    const set = wrap(0, Compression.LZ4, 31n, inner);
    expect(decodeMessageSet(set).map((m) => m.offset)).toEqual([30n, 31n]);
    // The same broken frame in a magic 1 wrapper is refused.
    const frame = compress(Compression.LZ4, Buffer.concat([30n, 31n].map((o) => entry({ offset: o - 30n, magic: 1, value: Buffer.from('x') }))), { legacyLz4HeaderChecksum: true });
    expect(() => decodeMessageSet(entry({ offset: 31n, magic: 1, attributes: Compression.LZ4, value: frame }))).toThrow(CorruptRecordError);
  });

  it('gives inner messages the wrapper timestamp under LogAppendTime', () => {
    const inner = [0n, 1n].map((o) => entry({ offset: o, magic: 1, timestamp: 10, value: Buffer.from('x') }));
    const out = decodeMessageSet(wrap(1, Compression.SNAPPY, 1n, inner, 0x08, 777));
    expect(out.map((m) => [m.timestamp, m.timestampType])).toEqual([[777, TimestampType.LOG_APPEND_TIME], [777, TimestampType.LOG_APPEND_TIME]]);
    const built = buildMessageSet({ magic: 1, compression: Compression.LZ4, timestampType: TimestampType.LOG_APPEND_TIME, logAppendTime: 4242, messages: [{ timestamp: 1 }, { timestamp: 2 }] });
    expect(decodeMessageSet(built).map((m) => m.timestamp)).toEqual([4242, 4242]);
  });

  it('rejects invalid wrappers (INVALID_RECORD)', () => {
    const inner = [entry({ offset: 0n, magic: 1, value: Buffer.from('x') })];
    expect(() => decodeMessageSet(entry({ offset: 0n, magic: 1, attributes: Compression.GZIP, value: null }))).toThrow(/null value/);
    expect(() => decodeMessageSet(wrap(1, Compression.GZIP, 0n, []))).toThrow(/no inner messages/);
    expect(() => decodeMessageSet(wrap(0, Compression.GZIP, 0n, inner))).toThrow(/does not match wrapper magic/);
    const compressedInner = [entry({ offset: 0n, magic: 1, attributes: Compression.GZIP, value: Buffer.from('x') })];
    expect(() => decodeMessageSet(wrap(1, Compression.GZIP, 0n, compressedInner))).toThrow(/must not be compressed/);
    expect(() => decodeMessageSet(entry({ offset: 0n, magic: 1, attributes: Compression.ZSTD, value: Buffer.from('x') }))).toThrow(InvalidRecordError);
    expect(() => decodeMessageSet(entry({ offset: 0n, magic: 1, attributes: 5, value: Buffer.from('x') }))).toThrow(UnsupportedCompressionTypeError);
    expect(() => buildMessageSet({ magic: 1, compression: Compression.ZSTD, messages: [{}] })).toThrow(UnsupportedCompressionTypeError);
  });

  it('checks CRCs of outer and inner messages', () => {
    const good = entry({ offset: 0n, magic: 1, value: Buffer.from('abc') });
    const bad = Buffer.from(good);
    bad[bad.length - 1] ^= 1;
    expect(() => decodeMessageSet(bad)).toThrow(/crc/);
    expect(decodeMessageSet(bad, { verifyCrc: false })[0].value!.toString()).toBe('abb');
    expect(() => decodeMessageSet(wrap(1, Compression.GZIP, 0n, [bad]))).toThrow(/crc/);
  });

  it('ignores a partial trailing message, outer and inner', () => {
    const set = buildMessageSet({ magic: 1, messages: [{ value: Buffer.from('a') }, { value: Buffer.from('b') }] });
    const firstSize = set.readInt32BE(8) + 12;
    for (let cut = firstSize; cut < set.length; cut++) {
      expect(decodeMessageSet(set.subarray(0, cut)).map((m) => m.value!.toString())).toEqual(['a']);
    }
    const inner = [entry({ offset: 0n, magic: 1, value: Buffer.from('a') }), entry({ offset: 1n, magic: 1, value: Buffer.from('b') }).subarray(0, 20)];
    expect(decodeMessageSet(wrap(1, Compression.GZIP, 0n, inner)).map((m) => m.value!.toString())).toEqual(['a']);
  });

  it('never fails with anything but RecordsError on corrupted or truncated input', () => {
    const set = buildMessageSet({ magic: 1, compression: Compression.SNAPPY, messages: [{ key: Buffer.from('k'), value: Buffer.from('value') }, { value: null }] });
    for (let cut = 0; cut <= set.length; cut++) {
      try {
        decodeMessageSet(set.subarray(0, cut));
      } catch (e) {
        expect(e).toBeInstanceOf(RecordsError);
      }
    }
    fc.assert(
      fc.property(fc.nat(set.length - 1), fc.integer({ min: 1, max: 255 }), fc.boolean(), (pos, x, verifyCrc) => {
        const bad = Buffer.from(set);
        bad[pos] ^= x;
        try {
          decodeMessageSet(bad, { verifyCrc });
        } catch (e) {
          expect(e).toBeInstanceOf(RecordsError);
        }
      }),
    );
  });
});
