/**
 * The per-connection queue that keeps responses in request order. Each request
 * read gets a slot at the tail; handlers settle slots in any order; only
 * settled slots at the head are taken for writing, so a response that is
 * ready early waits for the ones before it (Kafka clients match responses to
 * requests by order as well as by correlation id).
 */
import { invariant } from '../util/invariant';
import { takeRelease, type ResponsePayload } from './request-handler';

/** A request read and not yet answered. */
export interface ResponseSlot {
  readonly apiKey: number;
  readonly correlationId: number;
  settled: boolean;
  response: ResponsePayload;
  /** Payload length in bytes, once settled. */
  length: number;
  /** Size of the request frame while its handler runs (the connection's in-flight bytes); 0 after. */
  requestBytes: number;
}

export class ResponseOrder {
  private slots: (ResponseSlot | undefined)[] = [];
  private head = 0;

  /** Slots not yet taken (requests read and not yet answered). */
  get size(): number {
    return this.slots.length - this.head;
  }

  add(apiKey: number, correlationId: number): ResponseSlot {
    const slot: ResponseSlot = { apiKey, correlationId, settled: false, response: null, length: 0, requestBytes: 0 };
    this.slots.push(slot);
    return slot;
  }

  /** Records `slot`'s response; true if the slot is at the head (so responses can be taken now). */
  settle(slot: ResponseSlot, response: ResponsePayload, length: number): boolean {
    invariant(!slot.settled, () => `response for correlation id ${slot.correlationId} settled twice`);
    slot.settled = true;
    slot.response = response;
    slot.length = length;
    return this.slots[this.head] === slot;
  }

  /**
   * Removes the settled slots at the head, in order, calling `write` for each
   * non-null response; returns how many slots were removed (null ones included).
   */
  takeReady(write: (payload: Buffer | readonly Buffer[], length: number) => void): number {
    let taken = 0;
    for (;;) {
      const slot = this.slots[this.head];
      if (slot === undefined || !slot.settled) break;
      this.slots[this.head++] = undefined;
      taken++;
      if (slot.response !== null) write(slot.response, slot.length);
    }
    if (this.head === this.slots.length) {
      this.slots.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.slots.length) {
      this.slots = this.slots.slice(this.head);
      this.head = 0;
    }
    return taken;
  }

  /**
   * Forgets every slot (connection closing); returns how many there were. Settled responses that
   * will now never be written give their memory back (takeRelease).
   */
  clear(): number {
    const n = this.size;
    for (let i = this.head; i < this.slots.length; i++) {
      const slot = this.slots[i];
      if (slot?.settled) takeRelease(slot.response)?.();
    }
    this.slots = [];
    this.head = 0;
    return n;
  }
}
