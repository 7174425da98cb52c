/**
 * CRC-32C batch validation throughput (target ≥ 4 GB/s): validateBatch's shallow path (framing,
 * CRC over attributes..end, header checks) on realistic batches of 16 KiB and 1 MiB.
 * Run: npx tsx bench/micro/crc.bench.ts
 */
import { buildRecordBatch } from '../../src/protocol/records/batch-builder';
import { computeBatchCrc } from '../../src/protocol/records/batch-header';
import { validateBatch } from '../../src/protocol/records/batch-validate';

function batchOf(bytes: number): Buffer {
  const records = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const value = Buffer.from(JSON.stringify({ id: i, user: `user-${i % 113}`, action: ['view', 'click', 'buy'][i % 3], amount: (i * 7919) % 10007, ts: 1700000000000 + i }));
    records.push({ key: Buffer.from(`key-${i % 1000}`), value, timestamp: 1700000000000 + i });
    size += value.length + 20;
  }
  return buildRecordBatch({ records });
}

function measure(label: string, bytes: number, fn: () => void, seconds = 1): void {
  for (let i = 0; i < 200; i++) fn();
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(seconds * 1e9);
  let n = 0;
  while (process.hrtime.bigint() < deadline) {
    for (let i = 0; i < 20; i++) fn();
    n += 20;
  }
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(`${label.padEnd(40)} ${((n * bytes) / secs / 1e9).toFixed(2).padStart(6)} GB/s  (${(n / secs).toFixed(0)} batches/s)\n`);
}

for (const target of [16 * 1024, 1024 * 1024]) {
  const batch = batchOf(target);
  const label = `${(batch.length / 1024).toFixed(0)} KiB batch`;
  measure(`computeBatchCrc, ${label}`, batch.length, () => computeBatchCrc(batch, 0, batch.length));
  measure(`validateBatch (shallow), ${label}`, batch.length, () => validateBatch(batch));
}
