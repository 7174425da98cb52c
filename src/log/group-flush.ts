/**
 * Group commit for flushes: concurrent flush requests share fdatasync calls. At most one flush
 * runs at a time; a request already covered by the running one joins it; the others join the
 * single next round, which starts when the running one ends and flushes up to the log end
 * offset at that moment (covering every request made before it started).
 */
interface FlushRound {
  target: number;
  promise: Promise<void>;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class GroupFlush {
  private inFlight: FlushRound | null = null;
  private next: FlushRound | null = null;

  constructor(
    private readonly run: (target: number) => Promise<void>,
    /** Offset a round starting now would flush up to (the log end offset). */
    private readonly currentEnd: () => number,
  ) {}

  request(target: number): Promise<void> {
    const inFlight = this.inFlight;
    if (inFlight && inFlight.target >= target) return inFlight.promise;
    if (!inFlight) return this.start(target, round(target)).promise;
    if (!this.next) this.next = round(target);
    else this.next.target = Math.max(this.next.target, target);
    return this.next.promise;
  }

  /** Resolves when no round is running (errors ignored). */
  async idle(): Promise<void> {
    while (this.inFlight) await this.inFlight.promise.catch(() => undefined);
  }

  private start(target: number, r: FlushRound): FlushRound {
    r.target = target;
    this.inFlight = r;
    this.run(target)
      .then(r.resolve, r.reject)
      .finally(() => {
        this.inFlight = null;
        const next = this.next;
        this.next = null;
        if (next) this.start(Math.max(next.target, this.currentEnd()), next);
      });
    return r;
  }
}

function round(target: number): FlushRound {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined); // rejections reach whoever awaits the request
  return { target, promise, resolve, reject };
}
