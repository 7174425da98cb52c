/**
 * Compress / decompress throughput per codec on ~1 MiB of realistic record data (the records
 * section of a magic-2 batch of JSON events), through the public codec API and per library, which
 * is how the backends in src/protocol/compression/backends.ts were chosen.
 * Run: npx tsx bench/micro/compression.bench.ts
 */
import { buildRecordBatch } from '../../src/protocol/records/batch-builder';
import { BATCH_HEADER_SIZE, Compression, CompressionType } from '../../src/protocol/records/batch-header';
import { availableBackends, compress, decompress, overrideBackends, resetBackendOverrides } from '../../src/protocol/compression';

function recordData(bytes: number): Buffer {
  const records = [];
  let size = 0;
  let x = 1;
  for (let i = 0; size < bytes; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const value = Buffer.from(JSON.stringify({ id: i, user: `user-${x % 500}`, action: ['view', 'click', 'buy'][x % 3], amount: (x % 100000) / 100, session: x.toString(16), path: `/products/${x % 1000}` }));
    records.push({ key: Buffer.from(`user-${x % 500}`), value, timestamp: 1700000000000 + i * 13, headers: [{ key: 'source', value: Buffer.from('web') }] });
    size += value.length + 30;
  }
  const batch = buildRecordBatch({ records });
  return batch.subarray(BATCH_HEADER_SIZE);
}

function rate(fn: () => void, bytes: number, seconds = 0.7): number {
  for (let i = 0; i < 3; i++) fn();
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(seconds * 1e9));
  let n = 0;
  while (process.hrtime.bigint() < deadline) {
    fn();
    n++;
  }
  return (n * bytes) / (Number(process.hrtime.bigint() - start) / 1e9) / 1e6;
}

const data = recordData(1024 * 1024);
const max = data.length;
const fmt = (mbs: number): string => `${mbs.toFixed(0).padStart(6)} MB/s`;
process.stdout.write(`input: ${data.length} bytes of record data; libraries: ${JSON.stringify(availableBackends())}\n\n`);
process.stdout.write(`${'codec'.padEnd(28)} ${'ratio'.padStart(6)} ${'compress'.padStart(11)} ${'decompress'.padStart(11)}\n`);

const codecs: Array<[string, CompressionType]> = [
  ['gzip', Compression.GZIP],
  ['snappy (xerial)', Compression.SNAPPY],
  ['lz4 (frame)', Compression.LZ4],
  ['zstd', Compression.ZSTD],
];
for (const [name, codec] of codecs) {
  const packed = compress(codec, data);
  const c = rate(() => compress(codec, data), data.length);
  const d = rate(() => decompress(codec, packed, { maxOutputBytes: max }), data.length);
  process.stdout.write(`${name.padEnd(28)} ${(data.length / packed.length).toFixed(2).padStart(6)} ${fmt(c)} ${fmt(d)}\n`);
}

process.stdout.write('\nper library (the default picks the faster safe one):\n');
const variants: Array<[string, CompressionType, Parameters<typeof overrideBackends>[0]]> = [
  ['snappy compress: wasm-utils', Compression.SNAPPY, {}],
  ['snappy compress: snappy napi', Compression.SNAPPY, { wasmUtils: undefined }],
  ['lz4 compress: wasm-utils', Compression.LZ4, {}],
  ['lz4 compress: lz4-napi', Compression.LZ4, { wasmUtils: undefined }],
];
for (const [name, codec, override] of variants) {
  overrideBackends(override);
  process.stdout.write(`${name.padEnd(36)} ${fmt(rate(() => compress(codec, data), data.length))}\n`);
  resetBackendOverrides();
}
for (const [name, codec] of [['snappy', Compression.SNAPPY], ['lz4', Compression.LZ4]] as Array<[string, CompressionType]>) {
  const packed = compress(codec, data);
  process.stdout.write(`${(name + ' decompress: napi').padEnd(36)} ${fmt(rate(() => decompress(codec, packed, { maxOutputBytes: max }), data.length))}\n`);
  overrideBackends({ snappy: undefined, lz4: undefined });
  process.stdout.write(`${(name + ' decompress: TypeScript').padEnd(36)} ${fmt(rate(() => decompress(codec, packed, { maxOutputBytes: max }), data.length))}\n`);
  resetBackendOverrides();
}
