/**
 * Produce request codec: decode and encode of a request carrying one 1 MiB record batch.
 * Decode must hand the batch out as a slice of the frame (no copy), so its cost should not grow
 * with the batch size. Run: npx tsx bench/micro/produce-codec.bench.ts
 */
import { decodeProduceRequest, encodeProduceRequest, ProduceRequest } from '../../src/protocol/generated/produce';
import { Reader } from '../../src/protocol/primitives/reader';
import { Writer } from '../../src/protocol/primitives/writer';

function time(label: string, iterations: number, fn: () => void): number {
  for (let i = 0; i < Math.min(1000, iterations / 10); i++) fn();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  const ns = Number(process.hrtime.bigint() - t0);
  const opsPerSec = (iterations * 1e9) / ns;
  console.log(`${label.padEnd(48)} ${opsPerSec.toFixed(0).padStart(10)} ops/s  ${(ns / iterations / 1000).toFixed(2)} µs/op`);
  return opsPerSec;
}

const batch = Buffer.alloc(1 << 20, 7);
const request: ProduceRequest = {
  transactionalId: null,
  acks: -1,
  timeoutMs: 30000,
  topicData: [{ name: 'bench-topic', topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitionData: [{ index: 0, records: batch }] }],
};

const results: Record<string, number> = {};
for (const v of [7, 9, 11]) {
  const w = new Writer();
  encodeProduceRequest(w, request, v);
  const frame = w.toBuffer();
  results[`decode v${v}`] = time(`decode Produce v${v} (1 MiB batch)`, 200_000, () => {
    const m = decodeProduceRequest(new Reader(frame), v);
    if (m.topicData[0].partitionData[0].records!.buffer !== frame.buffer) throw new Error('records were copied');
  });
  results[`encode v${v}`] = time(`encode Produce v${v} (1 MiB batch, by reference)`, 200_000, () => {
    const out = new Writer(256);
    encodeProduceRequest(out, request, v);
    out.toBuffers();
  });
}
console.log(JSON.stringify({ bench: 'produce-codec', results }));
