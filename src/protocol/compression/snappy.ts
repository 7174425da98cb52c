/**
 * Snappy as Kafka carries it. The Java client wraps snappy in xerial's SnappyOutputStream framing:
 *
 *   header  0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00, int32 version (1), int32 min compatible version (1)
 *   blocks  int32 big-endian compressed length, then one raw snappy block (of ≤ 32 KiB input)
 *
 * Other clients (librdkafka with some settings, kafkajs' snappy plugin, franz-go) send either that
 * framing or one raw snappy block; xerial's reader (and so Kafka's) takes data without the magic
 * header as a raw block, and so do we. We write the xerial framing, as the Java client does.
 *
 * Decompression is bounded: every raw block declares its uncompressed length up front, so the
 * total is known (and checked against the limit) before anything is allocated.
 */
import { CorruptRecordError, DecompressedSizeExceededError, CodecUnavailableError } from '../records/errors';
import { backend } from './backends';
import { readSnappyLength, snappyDecodeInto, SnappyFormatError } from './snappy-raw';

export const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
export const XERIAL_HEADER_SIZE = 16;
/** xerial SnappyOutputStream's default block size, which Kafka's Java client uses. */
export const XERIAL_BLOCK_SIZE = 32 * 1024;

export const isXerialFramed = (data: Buffer): boolean =>
  data.length >= XERIAL_HEADER_SIZE && data.compare(XERIAL_MAGIC, 0, 8, 0, 8) === 0;

/** One raw snappy block of `data` (wasm-utils if loadable, else the `snappy` library). */
export function snappyCompressRaw(data: Buffer): Buffer {
  const wasm = backend('wasmUtils');
  if (wasm) return wasm.snappyCompress(data);
  const napi = backend('snappy');
  if (napi) return napi.compressSync(data, { copyOutputData: true });
  throw new CodecUnavailableError('snappy', 'compress');
}

/** xerial-framed snappy, byte-compatible with the Java client's output framing. */
export function snappyCompress(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(XERIAL_HEADER_SIZE);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(1, 8);
  header.writeInt32BE(1, 12);
  parts.push(header);
  for (let pos = 0; pos < data.length; pos += XERIAL_BLOCK_SIZE) {
    const block = snappyCompressRaw(data.subarray(pos, Math.min(data.length, pos + XERIAL_BLOCK_SIZE)));
    const len = Buffer.allocUnsafe(4);
    len.writeInt32BE(block.length, 0);
    parts.push(len, block);
  }
  return Buffer.concat(parts);
}

interface BlockRef {
  start: number;
  end: number;
  /** Offset of the first element after the length preamble. */
  body: number;
  length: number;
}

function describeBlock(data: Buffer, start: number, end: number): BlockRef {
  const [length, used] = readSnappyLength(data, start, end);
  return { start, end, body: start + used, length };
}

/** Splits xerial framing (or takes the whole input as one raw block) without decompressing. */
function locateBlocks(data: Buffer): BlockRef[] {
  if (!isXerialFramed(data)) return [describeBlock(data, 0, data.length)];
  const compatible = data.readInt32BE(12);
  if (compatible < 1) throw new SnappyFormatError(`xerial snappy header has unsupported compatible version ${compatible}`);
  const blocks: BlockRef[] = [];
  let pos = XERIAL_HEADER_SIZE;
  while (pos < data.length) {
    if (data.length - pos < 4) throw new SnappyFormatError('xerial snappy data ends inside a block length');
    const size = data.readInt32BE(pos);
    pos += 4;
    if (size < 0 || size > data.length - pos) throw new SnappyFormatError(`xerial snappy block length ${size} exceeds the ${data.length - pos} bytes left`);
    if (size > 0) blocks.push(describeBlock(data, pos, pos + size));
    pos += size;
  }
  return blocks;
}

function decodeBlockInto(data: Buffer, block: BlockRef, out: Buffer, outPos: number): void {
  const napi = backend('snappy');
  if (napi) {
    let decoded: string | Buffer;
    try {
      decoded = napi.uncompressSync(data.subarray(block.start, block.end), { asBuffer: true, copyOutputData: true });
    } catch (e) {
      throw new SnappyFormatError(`snappy block is corrupt: ${(e as Error).message}`);
    }
    if (typeof decoded === 'string' || decoded.length !== block.length) throw new SnappyFormatError('snappy block decoded to an unexpected length');
    decoded.copy(out, outPos);
    return;
  }
  snappyDecodeInto(data, block.body, block.end, out, outPos, block.length);
}

/** Decompresses xerial-framed or raw snappy; fails past `maxOutputBytes`. */
export function snappyDecompress(data: Buffer, maxOutputBytes: number): Buffer {
  try {
    const blocks = locateBlocks(data);
    let total = 0;
    for (const b of blocks) {
      total += b.length;
      if (total > maxOutputBytes) throw new DecompressedSizeExceededError('snappy', maxOutputBytes);
    }
    const out = Buffer.allocUnsafe(total);
    let pos = 0;
    for (const b of blocks) {
      decodeBlockInto(data, b, out, pos);
      pos += b.length;
    }
    return out;
  } catch (e) {
    if (e instanceof SnappyFormatError) throw new CorruptRecordError(`invalid snappy data: ${e.message}`, { cause: e });
    throw e;
  }
}
