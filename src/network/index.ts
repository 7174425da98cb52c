/** The network layer's public surface: the socket server and the request-handler contract. */
export { SocketServer, type ShutdownReport, type ConnectionInfo, DEFAULT_SHUTDOWN_DEADLINE_MS } from './socket-server';
export type { RequestHandler, ConnectionContext, ResponsePayload } from './request-handler';
export { ConnectionCloseReason, attachRelease, takeRelease, RESPONSE_RELEASE } from './request-handler';
export { SecurityProtocol, SUPPORTED_SECURITY_PROTOCOLS, type ListenerConfig, type BoundListener } from './listener-config';
export { NETWORK_DEFAULTS, type NetworkOptions } from './network-options';
export type { ListenerMetrics } from './network-metrics';
export { peekRequestHeader, type RequestHeaderPrefix } from './request-header';
export {
  NetworkError,
  NetworkErrorCode,
  UnsupportedSecurityProtocolError,
  InvalidNetworkConfigError,
  ListenerBindError,
  SocketServerStateError,
  InvalidFrameSizeError,
  InvalidResponseError,
} from './errors';
