/**
 * Splits a Kafka byte stream into frames: each frame is a 4-byte big-endian size followed by
 * that many bytes. Calls `onFrame` with the frame body (without the size prefix) in order.
 */
const MAX_FRAME_BYTES = 512 * 1024 * 1024;

export class FrameSplitter {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly onFrame: (frame: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.buffered < 4) return;
      const head = this.peek(4);
      const size = head.readInt32BE(0);
      if (size < 0 || size > MAX_FRAME_BYTES) throw new Error(`frame size ${size} is out of range`);
      if (this.buffered < 4 + size) return;
      const all = this.take(4 + size);
      this.onFrame(all.subarray(4));
    }
  }

  private peek(n: number): Buffer {
    if (this.chunks[0].length >= n) return this.chunks[0].subarray(0, n);
    const joined = Buffer.concat(this.chunks);
    this.chunks = [joined];
    return joined.subarray(0, n);
  }

  private take(n: number): Buffer {
    const joined = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    const frame = Buffer.from(joined.subarray(0, n));
    const rest = joined.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered -= n;
    return frame;
  }
}
