/**
 * Plain counters per listener. A metrics library will read these later; until
 * then they are cheap to bump on the hot path (no labels, no maps per request).
 */
export interface ListenerMetrics {
  connectionsAccepted: number;
  /** Open now. */
  connectionsActive: number;
  connectionsClosed: number;
  requestsReceived: number;
  /** Responses written (requests answered with null are not counted). */
  responsesSent: number;
  /** Bytes read from sockets, size prefixes included. */
  bytesIn: number;
  /** Bytes handed to sockets, size prefixes included. */
  bytesOut: number;
  /** Frames refused for a negative or too large size prefix, or a header shorter than 8 bytes. */
  invalidFrames: number;
  handlerErrors: number;
  idleConnectionsClosed: number;
}

export function newListenerMetrics(): ListenerMetrics {
  return {
    connectionsAccepted: 0,
    connectionsActive: 0,
    connectionsClosed: 0,
    requestsReceived: 0,
    responsesSent: 0,
    bytesIn: 0,
    bytesOut: 0,
    invalidFrames: 0,
    handlerErrors: 0,
    idleConnectionsClosed: 0,
  };
}
