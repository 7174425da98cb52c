/**
 * When the log bypasses the page cache (direct I/O), for every log of a LogManager.
 *
 * Writes: the page cache wins at low rates (a write is a copy into memory, and consumers tailing
 * a log read it back from memory), but on these VMs it sustains only 0.5–0.7 GB/s for the whole
 * machine, because every page-cache page is fresh guest memory the host must supply (~21 µs per
 * 4 KiB); O_DIRECT writes the same bytes at 2.2–2.7 GB/s for a tenth of the CPU
 * (direct-appender.ts, bench/README.md fix 14). So appends switch to O_DIRECT while the broker
 * as a whole appends at `onBytesPerSec` or more (measured over RATE_WINDOW_MS), and back below
 * `offBytesPerSec`; the gap keeps logs from flapping (a switch costs the kernel a writeback or a
 * read of a file's last block). The rate is the whole broker's, because the page cache is
 * shared: 16 partitions at 80 MB/s each need it as much as one at 1.3 GB/s.
 *
 * Reads: a fetch read of at least `readMinBytes` that starts at least `readLagBytes` before the
 * end of the log (a consumer catching up, not one tailing the log, whose data the page cache may
 * well hold) is read with O_DIRECT, with readahead, into reused aligned memory and copied out,
 * rather than into page-cache pages the host must supply first (direct-readahead.ts).
 */
import { AlignedBufferPool } from './aligned-buffer-pool';
import { DirectReadahead } from './direct-readahead';

const RATE_WINDOW_MS = 200;

export interface DirectIoOptions {
  /** Broker append rate (bytes/s) from which appends use O_DIRECT; 0: always. */
  onBytesPerSec?: number;
  /** Rate below which they go back to the page cache. */
  offBytesPerSec?: number;
  /** Fetch reads of at least this many bytes use O_DIRECT… */
  readMinBytes?: number;
  /** …when they start at least this many bytes before the end of the log. */
  readLagBytes?: number;
  pool?: AlignedBufferPool;
}

export class DirectIo {
  readonly pool: AlignedBufferPool;
  readonly onBytesPerSec: number;
  readonly offBytesPerSec: number;
  readonly readMinBytes: number;
  readonly readLagBytes: number;
  readonly readahead: DirectReadahead;
  private direct = false;
  private windowStart = -Infinity;
  private windowBytes = 0;

  constructor(o: DirectIoOptions = {}) {
    this.pool = o.pool ?? new AlignedBufferPool();
    this.onBytesPerSec = o.onBytesPerSec ?? 400 * 1024 * 1024;
    this.offBytesPerSec = o.offBytesPerSec ?? 100 * 1024 * 1024;
    this.readMinBytes = o.readMinBytes ?? 64 * 1024;
    this.readLagBytes = o.readLagBytes ?? 64 * 1024 * 1024;
    this.direct = this.onBytesPerSec <= 0;
    this.readahead = new DirectReadahead();
  }

  /** Whether appends should be written with O_DIRECT now. */
  get writeDirect(): boolean {
    return this.direct;
  }

  /** Whether a read of `len` bytes starting `behindEnd` bytes before the log's end uses O_DIRECT. */
  readDirect(len: number, behindEnd: number): boolean {
    return len >= this.readMinBytes && behindEnd >= this.readLagBytes;
  }

  /** Counts `bytes` appended (by any log) at monotonic time `nowMs`; may switch writeDirect. */
  noteAppended(bytes: number, nowMs: number): void {
    if (this.onBytesPerSec <= 0) return; // always direct
    this.windowBytes += bytes;
    const elapsed = nowMs - this.windowStart;
    if (elapsed < RATE_WINDOW_MS) return;
    // The first call only starts the window (elapsed is Infinity).
    if (Number.isFinite(elapsed)) {
      const rate = (this.windowBytes * 1000) / elapsed;
      if (!this.direct && rate >= this.onBytesPerSec) this.direct = true;
      else if (this.direct && rate < this.offBytesPerSec) this.direct = false;
    }
    this.windowStart = nowMs;
    this.windowBytes = 0;
  }
}
