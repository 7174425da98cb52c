/**
 * LZ4 frame format as Kafka uses it (Kafka's Lz4BlockInputStream/Lz4BlockOutputStream, formerly
 * KafkaLZ4Block*Stream; KIP-57):
 *
 *   magic    0x184D2204 (little-endian)
 *   FLG      version 01 (bits 6-7), block independence (bit 5, required), block checksum (bit 4),
 *            content size (bit 3), content checksum (bit 2), bits 0-1 reserved (0)
 *   BD       block maximum size in bits 4-6: 4 = 64 KiB, 5 = 256 KiB, 6 = 1 MiB, 7 = 4 MiB
 *   [content size, uint64 LE, when FLG bit 3]
 *   HC       (XXH32(FLG..content size) >> 8) & 0xFF
 *   blocks   uint32 LE size (high bit = stored uncompressed), data, [XXH32 of data when FLG bit 4]
 *   end mark 0x00000000, then [XXH32 of all content when FLG bit 2]
 *
 * KIP-57: before Kafka 0.10 the HC byte was computed over the magic too (a bug). Magic-0 message
 * sets keep that broken checksum: Kafka writes it for magic 0 and skips the HC check when reading
 * magic 0 (`legacyHeaderChecksum`); magic ≥ 1 must carry the correct one.
 *
 * Decoding is our own (header, block walk, checksums, size limit); block bodies go to lz4-napi's
 * raw decoder or, without it, the TypeScript one. Encoding uses wasm-utils or lz4-napi (both
 * write FLG 0x60: independent blocks, no checksums, block size chosen from the input).
 */
import { CodecUnavailableError, CorruptRecordError, DecompressedSizeExceededError } from '../records/errors';
import { backend } from './backends';
import { DecompressScratch } from './decompress-scratch';
import { lz4BlockOutputBound, Lz4BlockError, lz4DecodeBlockInto } from './lz4-block';
import { xxhash32 } from './xxhash32';

export const LZ4_FRAME_MAGIC = 0x184d2204;
const INCOMPRESSIBLE = 0x80000000;

export interface Lz4FrameDescriptor {
  blockChecksum: boolean;
  contentChecksum: boolean;
  contentSize: number | undefined;
  blockMaxSize: number;
  /** Bytes before the first block (magic + descriptor + HC). */
  headerSize: number;
}

class Lz4FrameError extends Error {}

const hcByte = (data: Uint8Array, start: number, end: number): number => (xxhash32(data, start, end) >>> 8) & 0xff;

/** Parses and checks the frame header. `legacyHeaderChecksum` skips the HC check (magic 0). */
export function readLz4FrameDescriptor(data: Buffer, legacyHeaderChecksum = false): Lz4FrameDescriptor {
  if (data.length < 7) throw new Lz4FrameError(`lz4 frame of ${data.length} bytes is shorter than its header`);
  if (data.readUInt32LE(0) !== LZ4_FRAME_MAGIC) throw new Lz4FrameError('not an lz4 frame (bad magic)');
  const flg = data[4];
  const bd = data[5];
  if ((flg & 0x03) !== 0) throw new Lz4FrameError('lz4 FLG reserved bits must be 0');
  if ((flg & 0x20) === 0) throw new Lz4FrameError('lz4 dependent block streams are unsupported (as in Kafka)');
  if (flg >>> 6 !== 1) throw new Lz4FrameError(`lz4 frame version ${flg >>> 6} is unsupported`);
  if ((bd & 0x8f) !== 0) throw new Lz4FrameError('lz4 BD reserved bits must be 0');
  const sizeCode = (bd >>> 4) & 7;
  if (sizeCode < 4) throw new Lz4FrameError(`lz4 block size code ${sizeCode} must be between 4 and 7`);
  let pos = 6;
  let contentSize: number | undefined;
  if (flg & 0x08) {
    if (data.length < 15) throw new Lz4FrameError('lz4 frame ends inside its content size');
    const size = data.readBigUInt64LE(6);
    contentSize = size > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(size);
    pos = 14;
  }
  if (!legacyHeaderChecksum && data[pos] !== hcByte(data, 4, pos)) {
    throw new Lz4FrameError('lz4 frame descriptor checksum mismatch');
  }
  return {
    blockChecksum: (flg & 0x10) !== 0,
    contentChecksum: (flg & 0x04) !== 0,
    contentSize,
    blockMaxSize: 1 << (2 * sizeCode + 8),
    headerSize: pos + 1,
  };
}

/** Compresses into one lz4 frame; `legacyHeaderChecksum` writes the pre-KIP-57 HC (magic 0 only). */
export function lz4Compress(data: Buffer, legacyHeaderChecksum = false): Buffer {
  const wasm = backend('wasmUtils');
  let frame: Buffer;
  if (wasm) frame = wasm.lz4Compress(data);
  else {
    const napi = backend('lz4');
    if (!napi) throw new CodecUnavailableError('lz4', 'compress');
    frame = napi.compressFrameSync(data);
  }
  if (legacyHeaderChecksum) {
    const hcPos = readLz4FrameDescriptor(frame).headerSize - 1;
    frame[hcPos] = hcByte(frame, 0, hcPos);
  }
  return frame;
}

/**
 * Decodes one compressed block into a new buffer of at most `limit` bytes. lz4-napi takes a raw
 * block preceded by its maximum output size (LE u32): the block's own size field (already read)
 * is overwritten with it for the call and restored before returning, so `data` reads the same
 * afterwards (nothing else can see it meanwhile: the call is synchronous). This spares a copy of
 * the whole frame per batch.
 */
function decodeBlock(data: Buffer, sizeFieldPos: number, size: number, limit: number): Buffer {
  const start = sizeFieldPos + 4;
  const napi = backend('lz4');
  if (napi) {
    const sizeField = data.readUInt32LE(sizeFieldPos);
    data.writeUInt32LE(limit, sizeFieldPos);
    try {
      return napi.uncompressSync(data.subarray(sizeFieldPos, start + size));
    } catch {
      // Fall through: the TypeScript decoder says whether it was corrupt or over the limit.
    } finally {
      data.writeUInt32LE(sizeField, sizeFieldPos);
    }
  }
  const out = Buffer.allocUnsafe(Math.min(limit, lz4BlockOutputBound(size)));
  const n = lz4DecodeBlockInto(data, start, start + size, out, 0, out.length);
  return out.subarray(0, n);
}

/**
 * Decompresses one lz4 frame; fails past `maxOutputBytes`. With `scratch`, a frame of several
 * blocks is joined in the scratch's memory (valid until its next use) instead of a new buffer.
 */
export function lz4Decompress(data: Buffer, maxOutputBytes: number, legacyHeaderChecksum = false, scratch?: DecompressScratch): Buffer {
  try {
    return decodeFrame(data, maxOutputBytes, legacyHeaderChecksum, scratch);
  } catch (e) {
    if (e instanceof Lz4BlockError && e.outputOverflow) throw new DecompressedSizeExceededError('lz4', maxOutputBytes);
    if (e instanceof Lz4FrameError || e instanceof Lz4BlockError) throw new CorruptRecordError(`invalid lz4 data: ${e.message}`, { cause: e });
    throw e;
  }
}

function decodeFrame(data: Buffer, maxOutputBytes: number, legacyHeaderChecksum: boolean, scratch: DecompressScratch | undefined): Buffer {
  const desc = readLz4FrameDescriptor(data, legacyHeaderChecksum);
  if (desc.contentSize !== undefined && desc.contentSize > maxOutputBytes) throw new DecompressedSizeExceededError('lz4', maxOutputBytes);
  const chunks: Buffer[] = [];
  let produced = 0;
  let pos = desc.headerSize;
  for (;;) {
    if (data.length - pos < 4) throw new Lz4FrameError('lz4 frame ends before its end mark');
    const word = data.readUInt32LE(pos);
    if (word === 0) {
      pos += 4;
      break;
    }
    const size = (word & ~INCOMPRESSIBLE) >>> 0;
    const stored = (word & INCOMPRESSIBLE) !== 0;
    if (size > desc.blockMaxSize) throw new Lz4FrameError(`lz4 block size ${size} exceeds the frame maximum ${desc.blockMaxSize}`);
    const checksumBytes = desc.blockChecksum ? 4 : 0;
    if (data.length - pos - 4 < size + checksumBytes) throw new Lz4FrameError('lz4 frame ends inside a block');
    const start = pos + 4;
    if (desc.blockChecksum && xxhash32(data, start, start + size) !== data.readUInt32LE(start + size)) {
      throw new Lz4FrameError('lz4 block checksum mismatch');
    }
    const budget = maxOutputBytes - produced;
    let block: Buffer;
    if (stored) {
      if (size > budget) throw new DecompressedSizeExceededError('lz4', maxOutputBytes);
      block = data.subarray(start, start + size);
    } else {
      if (size === 0) throw new Lz4FrameError('lz4 compressed block of size 0');
      block = decodeBlock(data, pos, size, Math.min(desc.blockMaxSize, budget));
    }
    chunks.push(block);
    produced += block.length;
    pos = start + size + checksumBytes;
  }
  const out = chunks.length === 1 ? chunks[0] : scratch ? joinInto(scratch.take(produced), chunks) : Buffer.concat(chunks, produced);
  if (desc.contentChecksum) {
    if (data.length - pos < 4) throw new Lz4FrameError('lz4 frame ends inside its content checksum');
    if (xxhash32(out) !== data.readUInt32LE(pos)) throw new Lz4FrameError('lz4 content checksum mismatch');
  }
  if (desc.contentSize !== undefined && desc.contentSize !== produced) {
    throw new Lz4FrameError(`lz4 frame declared ${desc.contentSize} content bytes but holds ${produced}`);
  }
  return out;
}

function joinInto(out: Buffer, chunks: Buffer[]): Buffer {
  let pos = 0;
  for (const c of chunks) pos += c.copy(out, pos);
  return out;
}
