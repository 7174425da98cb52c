/**
 * Young-generation collections paced by decompressed bytes.
 *
 * The native decoders (lz4-napi, snappy, zlib, zstd-napi) return their output in memory outside
 * V8's heap, owned by small JavaScript objects. V8 frees that memory when it collects those
 * objects, and it schedules young-generation collections by JavaScript allocation, or by external
 * memory only once tens of MiB have piled up. The produce path checks compressed batches without
 * building their records (scanRecords), so it allocates little JavaScript while decoding
 * ~400 MB/s: at 16 partitions with lz4 the decoded blocks waiting for a collection added
 * 15–20 MiB of RSS, and V8's external-memory pressure ran ~2 full collections a second
 * (3–6 ms each; bench/README.md, fix 13).
 *
 * When `gc` is exposed (`--expose-gc`: `npm start`, bin/tributary.js and the image run with it),
 * a minor collection runs after every PACE_BYTES decoded (~0.2 ms when the young generation is
 * mostly garbage). Without it (an embedding process), V8's own heuristics apply.
 */
export const PACE_BYTES = 16 * 1024 * 1024;

let decodedSinceCollection = 0;

/** Counts `bytes` of decoded output; collects the young generation every PACE_BYTES when it can. */
export function noteDecodedBytes(bytes: number): void {
  decodedSinceCollection += bytes;
  if (decodedSinceCollection < PACE_BYTES) return;
  decodedSinceCollection = 0;
  const collect = globalThis.gc;
  if (typeof collect === 'function') collect({ type: 'minor' });
}
