/**
 * Typed errors of the network layer. Each has a stable `code` so that callers
 * (the broker's start-up, the CLI) can react without matching on messages.
 */

export const NetworkErrorCode = {
  UNSUPPORTED_SECURITY_PROTOCOL: 'ERR_NETWORK_UNSUPPORTED_SECURITY_PROTOCOL',
  INVALID_LISTENER_CONFIG: 'ERR_NETWORK_INVALID_LISTENER_CONFIG',
  LISTENER_BIND_FAILED: 'ERR_NETWORK_LISTENER_BIND_FAILED',
  SERVER_STATE: 'ERR_NETWORK_SERVER_STATE',
  INVALID_FRAME_SIZE: 'ERR_NETWORK_INVALID_FRAME_SIZE',
  INVALID_RESPONSE: 'ERR_NETWORK_INVALID_RESPONSE',
} as const;
export type NetworkErrorCode = (typeof NetworkErrorCode)[keyof typeof NetworkErrorCode];

export abstract class NetworkError extends Error {
  abstract readonly code: NetworkErrorCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A listener names a security protocol this build cannot serve yet (SSL and SASL come later). */
export class UnsupportedSecurityProtocolError extends NetworkError {
  override name = 'UnsupportedSecurityProtocolError';
  readonly code = NetworkErrorCode.UNSUPPORTED_SECURITY_PROTOCOL;
  constructor(
    readonly listenerName: string,
    readonly securityProtocol: string,
    readonly supported: readonly string[],
  ) {
    super(
      `listener '${listenerName}' uses security protocol '${securityProtocol}', ` +
        `which is not supported (supported: ${supported.join(', ')})`,
    );
  }
}

/** A listener or server option is out of range or inconsistent (duplicate name, bad port...). */
export class InvalidNetworkConfigError extends NetworkError {
  override name = 'InvalidNetworkConfigError';
  readonly code = NetworkErrorCode.INVALID_LISTENER_CONFIG;
}

/** The operating system refused to bind a listener (address in use, not available...). */
export class ListenerBindError extends NetworkError {
  override name = 'ListenerBindError';
  readonly code = NetworkErrorCode.LISTENER_BIND_FAILED;
  constructor(
    readonly listenerName: string,
    readonly host: string,
    readonly port: number,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`listener '${listenerName}' could not bind ${host || '*'}:${port}: ${reason}`, { cause });
  }
}

/** start() called twice, or after shutdown. */
export class SocketServerStateError extends NetworkError {
  override name = 'SocketServerStateError';
  readonly code = NetworkErrorCode.SERVER_STATE;
}

/**
 * A frame's size prefix is negative or larger than `socket.request.max.bytes`.
 * Kafka treats this as an invalid receive and closes the connection without
 * reading (or allocating) the payload.
 */
export class InvalidFrameSizeError extends NetworkError {
  override name = 'InvalidFrameSizeError';
  readonly code = NetworkErrorCode.INVALID_FRAME_SIZE;
  constructor(
    readonly size: number,
    readonly maxSize: number,
  ) {
    super(
      size < 0
        ? `invalid frame size ${size} (negative)`
        : `invalid frame size ${size} (larger than socket.request.max.bytes = ${maxSize})`,
    );
  }
}

/** A request handler produced something that is not a response payload. */
export class InvalidResponseError extends NetworkError {
  override name = 'InvalidResponseError';
  readonly code = NetworkErrorCode.INVALID_RESPONSE;
}
