/**
 * Per-connection request ordering. Kafka handles the requests of one connection one at a time
 * (the channel is muted until the response is sent), so a client may rely on a request seeing
 * the effects of every earlier request on that connection: an OffsetFetch after an
 * OffsetCommit, a ListOffsets after a Produce. We keep that guarantee, with one exception that
 * keeps produce pipelining fast: consecutive Produce requests run concurrently, which is safe
 * because each partition's log appends in arrival order (a serial queue entered synchronously,
 * in request order). Any other request waits for everything before it; a Produce that follows
 * another kind of request waits for it.
 */
import type { ConnectionContext } from '../network';

const PRODUCE = 0;

interface ConnectionOrder {
  /** Requests started or waiting on this connection and not finished. */
  pending: number;
  /** Settles when every request so far has finished. */
  allDone: Promise<void>;
  /** Settles when every request before the current run of Produce requests has finished. */
  beforeProduceRun: Promise<void>;
  lastWasProduce: boolean;
}

export class ConnectionSequencer {
  private readonly orders = new WeakMap<ConnectionContext, ConnectionOrder>();

  /**
   * Runs `task` when the ordering rule allows: synchronously when nothing it must wait for is
   * pending on the connection (the common case), otherwise after those requests finish.
   */
  run<T>(conn: ConnectionContext, apiKey: number, task: () => T | Promise<T>): T | Promise<T> {
    let o = this.orders.get(conn);
    if (!o) {
      o = { pending: 0, allDone: Promise.resolve(), beforeProduceRun: Promise.resolve(), lastWasProduce: false };
      this.orders.set(conn, o);
    }
    const isProduce = apiKey === PRODUCE;
    if (o.pending === 0) {
      o.beforeProduceRun = o.allDone;
      o.lastWasProduce = isProduce;
      return this.track(o, task());
    }
    let gate: Promise<void>;
    if (isProduce && o.lastWasProduce) gate = o.beforeProduceRun;
    else {
      gate = o.allDone;
      if (isProduce) o.beforeProduceRun = o.allDone;
    }
    o.lastWasProduce = isProduce;
    const order = o;
    // Registered before waiting, so that later requests wait for this one too.
    return this.track(order, gate.then(task));
  }

  private track<T>(o: ConnectionOrder, result: T | Promise<T>): T | Promise<T> {
    if (!(result instanceof Promise)) return result;
    o.pending++;
    const done = result.then(
      () => undefined,
      () => undefined,
    );
    o.allDone = Promise.all([o.allDone, done]).then(() => undefined);
    void done.then(() => {
      o.pending--;
    });
    return result;
  }
}
