/**
 * `listeners` / `advertised.listeners` / `listener.security.protocol.map` parsing and
 * checks, following Kafka's `SocketServerConfigs.listenerListToEndPoints`,
 * `CoreUtils.listenerListToEndPoints` and `KafkaConfig.validateValues`:
 * - an entry is `NAME://host:port`; names are case-insensitive and normalised to upper case;
 * - an empty host means every interface; an IPv6 literal is written `[::1]` (the brackets are
 *   dropped in the parsed host); port 0 asks for a free port;
 * - among `listeners`, names must differ and ports must differ, except port 0 and except one
 *   IPv4 and one IPv6 literal sharing a port; `advertised.listeners` may repeat ports;
 * - every name needs a protocol in the map; advertised names must be listener names, and
 *   0.0.0.0 cannot be advertised.
 */
import type { ConfigProblem } from './errors';

export const SecurityProtocol = {
  PLAINTEXT: 'PLAINTEXT',
  SSL: 'SSL',
  SASL_PLAINTEXT: 'SASL_PLAINTEXT',
  SASL_SSL: 'SASL_SSL',
} as const;
export type SecurityProtocol = (typeof SecurityProtocol)[keyof typeof SecurityProtocol];

const PROTOCOLS = Object.values(SecurityProtocol) as readonly string[];

/** One parsed endpoint; shaped like the network layer's ListenerConfig. */
export interface ListenerEndpoint {
  /** Upper-cased listener name. */
  readonly name: string;
  /** '' for every interface; IPv6 literals without brackets. */
  readonly host: string;
  readonly port: number;
  readonly securityProtocol: SecurityProtocol;
}

const LISTENER_NAME = /^[A-Za-z0-9_.-]+$/;
const HOST_CHARS = /^[0-9a-zA-Z\-%._:]*$/;

export function isIPv4Literal(host: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return m !== null && m.slice(1).every((o) => Number(o) <= 255);
}

export function isIPv6Literal(host: string): boolean {
  return host.includes(':') && /^[0-9a-fA-F:.]+(%[0-9a-zA-Z._-]+)?$/.test(host) && (host.match(/::/g) ?? []).length <= 1;
}

/** `host:port` as Kafka's `Utils.formatAddress` writes it: IPv6 hosts in brackets. */
export function formatEndpoint(e: ListenerEndpoint): string {
  const host = e.host.includes(':') ? `[${e.host}]` : e.host;
  return `${e.name}://${host}:${e.port}`;
}

/** Parses `NAME:PROTOCOL,...` (split at each entry's last colon, as Kafka's Csv.parseCsvMap). */
export function parseSecurityProtocolMap(
  text: string,
  key = 'listener.security.protocol.map',
): { map: Map<string, SecurityProtocol>; problems: ConfigProblem[] } {
  const map = new Map<string, SecurityProtocol>();
  const problems: ConfigProblem[] = [];
  const trimmed = text.trim();
  if (trimmed === '') return { map, problems };
  for (const entry of trimmed.split(/\s*,\s*/)) {
    const colon = entry.lastIndexOf(':');
    const name = colon < 0 ? '' : entry.slice(0, colon).trim().toUpperCase();
    const protocol = colon < 0 ? '' : entry.slice(colon + 1).trim().toUpperCase();
    if (name === '' || protocol === '') {
      problems.push({ key, value: text, message: `entry '${entry}' is not NAME:PROTOCOL` });
    } else if (!PROTOCOLS.includes(protocol)) {
      problems.push({ key, value: text, message: `unknown security protocol '${protocol}' for listener ${name}; known: ${PROTOCOLS.join(', ')}` });
    } else if (map.has(name)) {
      problems.push({ key, value: text, message: `listener name ${name} appears more than once` });
    } else {
      map.set(name, protocol as SecurityProtocol);
    }
  }
  return { map, problems };
}

export interface ParseListenersOptions {
  /** The config key being parsed, for messages. */
  readonly key: string;
  /** `listeners` needs distinct ports; `advertised.listeners` does not. */
  readonly requireDistinctPorts: boolean;
  readonly protocolMap: ReadonlyMap<string, SecurityProtocol>;
}

/** Parses a comma-separated listener list; problems are returned, not thrown. */
export function parseListeners(text: string, opts: ParseListenersOptions): { endpoints: ListenerEndpoint[]; problems: ConfigProblem[] } {
  const { key } = opts;
  const endpoints: ListenerEndpoint[] = [];
  const problems: ConfigProblem[] = [];
  const add = (message: string): void => {
    problems.push({ key, value: text, message });
  };
  const entries = text.trim().split(/\s*,\s*/).filter((e) => e !== '');
  for (const entry of entries) {
    const sep = entry.indexOf('://');
    const lastColon = entry.lastIndexOf(':');
    if (sep <= 0 || lastColon < sep + 3) {
      add(`'${entry}' is not NAME://host:port`);
      continue;
    }
    const name = entry.slice(0, sep).toUpperCase();
    let host = entry.slice(sep + 3, lastColon);
    const portText = entry.slice(lastColon + 1);
    if (host.startsWith('[') !== host.endsWith(']')) {
      add(`'${entry}' has an unbalanced IPv6 bracket`);
      continue;
    }
    if (host.startsWith('[')) host = host.slice(1, -1);
    if (!LISTENER_NAME.test(name)) {
      add(`listener name '${entry.slice(0, sep)}' may only contain letters, digits, '_', '.' and '-'`);
      continue;
    }
    if (!HOST_CHARS.test(host)) {
      add(`'${entry}' has an invalid host '${host}'`);
      continue;
    }
    if (!/^\d+$/.test(portText) || Number(portText) > 65535) {
      add(`'${entry}' has an invalid port '${portText}': expected 0 to 65535 (0 picks a free port)`);
      continue;
    }
    const protocol = opts.protocolMap.get(name);
    if (protocol === undefined) {
      add(`no security protocol for listener ${name}: add ${name}:<PROTOCOL> to listener.security.protocol.map`);
      continue;
    }
    endpoints.push({ name, host, port: Number(portText), securityProtocol: protocol });
  }
  const seen = new Set<string>();
  for (const e of endpoints) {
    if (seen.has(e.name)) add(`listener name ${e.name} is used more than once; each listener needs its own name`);
    seen.add(e.name);
  }
  if (opts.requireDistinctPorts) problems.push(...duplicatePortProblems(endpoints, key, text));
  return { endpoints, problems };
}

function duplicatePortProblems(endpoints: readonly ListenerEndpoint[], key: string, text: string): ConfigProblem[] {
  const byPort = new Map<number, ListenerEndpoint[]>();
  for (const e of endpoints) {
    if (e.port === 0) continue; // port 0: each gets its own free port
    byPort.set(e.port, [...(byPort.get(e.port) ?? []), e]);
  }
  const problems: ConfigProblem[] = [];
  for (const [port, eps] of byPort) {
    if (eps.length < 2) continue;
    const oneV4OneV6 =
      eps.length === 2 &&
      ((isIPv4Literal(eps[0].host) && isIPv6Literal(eps[1].host)) || (isIPv6Literal(eps[0].host) && isIPv4Literal(eps[1].host)));
    if (!oneV4OneV6) {
      problems.push({
        key,
        value: text,
        message: `listeners ${eps.map((e) => e.name).join(', ')} share port ${port}; ports must differ unless one listener is an IPv4 address and the other an IPv6 address`,
      });
    }
  }
  return problems;
}

/** Checks advertised endpoints against the listeners: names must exist, 0.0.0.0 is not routable. */
export function advertisedListenerProblems(
  advertised: readonly ListenerEndpoint[],
  listeners: readonly ListenerEndpoint[],
  key = 'advertised.listeners',
): ConfigProblem[] {
  const names = new Set(listeners.map((l) => l.name));
  const problems: ConfigProblem[] = [];
  for (const a of advertised) {
    if (!names.has(a.name)) {
      problems.push({
        key,
        value: formatEndpoint(a),
        message: `advertised listener ${a.name} has no listener of that name in listeners (names there: ${[...names].join(', ') || 'none'})`,
      });
    }
    if (a.host === '0.0.0.0' || a.host === '::') {
      problems.push({ key, value: formatEndpoint(a), message: `cannot advertise the non-routable address ${a.host}; use a host name or routable IP` });
    }
  }
  return problems;
}
