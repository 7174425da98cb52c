/**
 * One listener: a named TCP endpoint with a security protocol, like an entry
 * of Kafka's `listeners` (`NAME://host:port`) plus `listener.security.protocol.map`.
 */
import { InvalidNetworkConfigError, UnsupportedSecurityProtocolError } from './errors';

export const SecurityProtocol = {
  PLAINTEXT: 'PLAINTEXT',
  SSL: 'SSL',
  SASL_PLAINTEXT: 'SASL_PLAINTEXT',
  SASL_SSL: 'SASL_SSL',
} as const;
export type SecurityProtocol = (typeof SecurityProtocol)[keyof typeof SecurityProtocol];

/** Protocols this build can serve; SSL and SASL need TLS/SASL support in the connection. */
export const SUPPORTED_SECURITY_PROTOCOLS: readonly SecurityProtocol[] = [SecurityProtocol.PLAINTEXT];

export interface ListenerConfig {
  /** Listener name (`PLAINTEXT`, `INTERNAL`...); unique within a server. */
  readonly name: string;
  /**
   * Address to bind. Empty string binds every interface (Kafka's `PLAINTEXT://:9092`).
   * IPv6 literals may be given bare (`::1`) or bracketed (`[::1]`).
   */
  readonly host: string;
  /** 0 picks a free port; the bound port is reported by the server. */
  readonly port: number;
  readonly securityProtocol: SecurityProtocol | string;
}

/** A listener as bound: the address and port the operating system actually gave. */
export interface BoundListener {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly family: 'IPv4' | 'IPv6';
  readonly securityProtocol: SecurityProtocol;
}

const LISTENER_NAME = /^[A-Za-z0-9_.-]+$/;

/** Strips the brackets of an IPv6 literal (`[::1]` → `::1`); other hosts are returned as they are. */
export function normalizeHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * Checks every listener before any is bound, so that a bad entry fails start-up
 * as a whole with a typed error instead of leaving some listeners open.
 */
export function validateListeners(listeners: readonly ListenerConfig[]): void {
  if (listeners.length === 0) throw new InvalidNetworkConfigError('at least one listener is required');
  const names = new Set<string>();
  for (const l of listeners) {
    if (!LISTENER_NAME.test(l.name)) {
      throw new InvalidNetworkConfigError(`listener name '${l.name}' must match ${LISTENER_NAME}`);
    }
    const key = l.name.toUpperCase(); // Kafka listener names are case-insensitive
    if (names.has(key)) throw new InvalidNetworkConfigError(`listener name '${l.name}' is used twice`);
    names.add(key);
    if (!Number.isInteger(l.port) || l.port < 0 || l.port > 65535) {
      throw new InvalidNetworkConfigError(`listener '${l.name}' port must be an integer in [0, 65535], got ${l.port}`);
    }
    const known = Object.values(SecurityProtocol) as string[];
    if (!known.includes(l.securityProtocol) || !SUPPORTED_SECURITY_PROTOCOLS.includes(l.securityProtocol as SecurityProtocol)) {
      throw new UnsupportedSecurityProtocolError(l.name, l.securityProtocol, SUPPORTED_SECURITY_PROTOCOLS);
    }
  }
}
