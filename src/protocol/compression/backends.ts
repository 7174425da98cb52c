/**
 * Optional compression libraries, loaded lazily and only once. Every library is optional: a codec
 * whose libraries are all missing raises CodecUnavailableError when used, and the pure-TypeScript
 * decoders (snappy, lz4) keep decompression working without any of them.
 *
 * Which library does what was chosen by measurement (bench/micro/compression.bench.ts, ~1 MiB of
 * JSON-like records, 2-core AMD EPYC):
 *  - @platformatic/wasm-utils compresses snappy (~950 MB/s vs ~250 for `snappy`) and lz4 frames
 *    (~590 MB/s vs ~290 for `lz4-napi`). It is used ONLY to compress our own data: on malformed
 *    input its decompressors trap and leak their output buffer inside the wasm heap (~0.7 MB per
 *    call; after a few thousand corrupt frames the instance is unusable), and a truncated lz4 frame
 *    decodes silently to nothing. Untrusted input must never reach it.
 *  - `snappy` (napi) decompresses raw snappy with `copyOutputData` at ~1.8 GB/s and fails cleanly.
 *  - `lz4-napi` decodes raw lz4 blocks (size-prefixed) at ~2.4 GB/s and fails cleanly; our own
 *    frame parser (lz4-frame.ts) feeds it one block at a time.
 *  - `zstd-napi` is the only zstd implementation; node:zlib does gzip.
 *
 * @platformatic/wasm-utils is an ES module: Node ≥ 20.19 loads it through require(); jest's module
 * loader cannot, so under jest the napi compressors are used (covered by the tests either way).
 */

export interface WasmUtilsLib {
  lz4Compress(data: Buffer): Buffer;
  snappyCompress(data: Buffer): Buffer;
}

export interface SnappyLib {
  compressSync(input: Uint8Array, options?: { copyOutputData?: boolean }): Buffer;
  uncompressSync(input: Uint8Array, options?: { asBuffer?: boolean; copyOutputData?: boolean }): string | Buffer;
}

export interface Lz4Lib {
  compressFrameSync(data: Buffer): Buffer;
  /** Raw lz4 block preceded by a 4-byte little-endian maximum output size. */
  uncompressSync(data: Uint8Array): Buffer;
}

/** [returnValue (0 = frame complete, else a hint of bytes still expected), dstProduced, srcConsumed] */
export type ZstdStreamResult = [returnValue: number, dstProduced: number, srcConsumed: number];

export interface ZstdDCtx {
  decompress(dst: Uint8Array, src: Uint8Array): number;
  decompressStream(dst: Uint8Array, src: Uint8Array): ZstdStreamResult;
  setParameter(param: number, value: number): void;
  reset(reset: number): void;
}

export interface ZstdCCtx {
  compress2(dst: Uint8Array, src: Uint8Array): number;
  setParameter(param: number, value: number): void;
}

export interface ZstdBinding {
  DCtx: new () => ZstdDCtx;
  CCtx: new () => ZstdCCtx;
  DParameter: { windowLogMax: number };
  CParameter: { compressionLevel: number };
  ResetDirective: { sessionOnly: number; parameters: number; sessionAndParameters: number };
  compressBound(srcSize: number): number;
  getFrameContentSize(frame: Uint8Array): number | null;
}

export interface Backends {
  wasmUtils: WasmUtilsLib | undefined;
  snappy: SnappyLib | undefined;
  lz4: Lz4Lib | undefined;
  zstd: ZstdBinding | undefined;
}

type BackendName = keyof Backends;

const loaders: { [K in BackendName]: () => Backends[K] } = {
  wasmUtils: () => require('@platformatic/wasm-utils') as WasmUtilsLib,
  snappy: () => require('snappy') as SnappyLib,
  lz4: () => require('lz4-napi') as Lz4Lib,
  zstd: () => require('zstd-napi/binding') as ZstdBinding,
};

const loaded: Partial<Backends> = {};
const attempted = new Set<BackendName>();
const overrides: Partial<Backends> = {};
const overridden = new Set<BackendName>();

/** The library, or undefined when it cannot be loaded here. */
export function backend<K extends BackendName>(name: K): Backends[K] {
  if (overridden.has(name)) return overrides[name] as Backends[K];
  if (!attempted.has(name)) {
    attempted.add(name);
    try {
      loaded[name] = loaders[name]() as Backends[K] & Partial<Backends>[K];
    } catch {
      loaded[name] = undefined;
    }
  }
  return loaded[name] as Backends[K];
}

/** Replaces backends (undefined = pretend missing), for tests and benchmarks. */
export function overrideBackends(values: Partial<Backends>): void {
  for (const name of Object.keys(values) as BackendName[]) {
    overridden.add(name);
    (overrides as Record<string, unknown>)[name] = values[name];
  }
}

export function resetBackendOverrides(): void {
  overridden.clear();
  for (const name of Object.keys(overrides) as BackendName[]) delete overrides[name];
}

/** Which libraries load on this machine (for diagnostics and the benchmark). */
export function availableBackends(): { [K in BackendName]: boolean } {
  return {
    wasmUtils: backend('wasmUtils') !== undefined,
    snappy: backend('snappy') !== undefined,
    lz4: backend('lz4') !== undefined,
    zstd: backend('zstd') !== undefined,
  };
}
