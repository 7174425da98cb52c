import {
  advertisedListenerProblems,
  formatEndpoint,
  isIPv4Literal,
  isIPv6Literal,
  parseListeners,
  parseSecurityProtocolMap,
} from '../../src/config/listeners';

const DEFAULT_MAP = parseSecurityProtocolMap('PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL').map;
const listeners = (text: string, protocolMap = DEFAULT_MAP) =>
  parseListeners(text, { key: 'listeners', requireDistinctPorts: true, protocolMap });

describe('parseSecurityProtocolMap', () => {
  it('parses NAME:PROTOCOL pairs, upper-casing both', () => {
    const { map, problems } = parseSecurityProtocolMap(' internal:ssl , EXTERNAL : SASL_SSL ');
    expect(problems).toEqual([]);
    expect([...map]).toEqual([
      ['INTERNAL', 'SSL'],
      ['EXTERNAL', 'SASL_SSL'],
    ]);
  });

  it('reports unknown protocols, malformed entries and repeated names', () => {
    const { problems } = parseSecurityProtocolMap('A:TLS,B,C:PLAINTEXT,C:SSL');
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringContaining("unknown security protocol 'TLS'"),
      expect.stringContaining("'B' is not NAME:PROTOCOL"),
      expect.stringContaining('C appears more than once'),
    ]);
  });
});

describe('parseListeners', () => {
  it('parses names, hosts, ports and protocols', () => {
    const { endpoints, problems } = listeners('PLAINTEXT://myhost:9092,ssl://:9093');
    expect(problems).toEqual([]);
    expect(endpoints).toEqual([
      { name: 'PLAINTEXT', host: 'myhost', port: 9092, securityProtocol: 'PLAINTEXT' },
      { name: 'SSL', host: '', port: 9093, securityProtocol: 'SSL' },
    ]);
  });

  it('strips the brackets of IPv6 literals and formats them back', () => {
    const { endpoints } = listeners('PLAINTEXT://[::1]:9092');
    expect(endpoints[0].host).toBe('::1');
    expect(formatEndpoint(endpoints[0])).toBe('PLAINTEXT://[::1]:9092');
  });

  it('accepts port 0 several times (each gets a free port)', () => {
    const map = parseSecurityProtocolMap('A:PLAINTEXT,B:PLAINTEXT').map;
    expect(listeners('A://:0,B://:0', map).problems).toEqual([]);
  });

  it('allows one IPv4 and one IPv6 listener on the same port, but not two hostnames', () => {
    expect(listeners('PLAINTEXT://127.0.0.1:9092,SSL://[::1]:9092').problems).toEqual([]);
    const map = parseSecurityProtocolMap('A:PLAINTEXT,B:PLAINTEXT,C:PLAINTEXT').map;
    expect(listeners('A://host1:9092,B://host2:9092', map).problems[0].message).toMatch(/share port 9092/);
    expect(listeners('A://127.0.0.1:9092,B://10.0.0.1:9092', map).problems[0].message).toMatch(/share port 9092/);
    expect(listeners('A://127.0.0.1:9092,B://[::1]:9092,C://:9092', map).problems[0].message).toMatch(/share port 9092/);
  });

  it('rejects repeated names, case-insensitively', () => {
    const { problems } = listeners('PLAINTEXT://:9092,plaintext://:9093');
    expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/PLAINTEXT is used more than once/)]);
  });

  it('needs a protocol for every name', () => {
    const { problems } = listeners('CLIENT://:9092');
    expect(problems[0]).toMatchObject({ key: 'listeners', value: 'CLIENT://:9092' });
    expect(problems[0].message).toMatch(/no security protocol for listener CLIENT.*listener\.security\.protocol\.map/);
  });

  it.each([
    ['PLAINTEXT:9092', /not NAME:\/\/host:port/],
    ['PLAINTEXT://host', /not NAME:\/\/host:port/],
    ['PLAINTEXT://host:99999', /invalid port '99999'/],
    ['PLAINTEXT://host:-1', /invalid port '-1'/],
    ['PLAINTEXT://host:abc', /invalid port/],
    ['PLAINTEXT://[::1:9092', /unbalanced IPv6 bracket/],
    ['PLAINTEXT://ho st:9092', /invalid host/],
    ['://host:9092', /not NAME:\/\/host:port/],
  ])('rejects %s', (text, message) => {
    expect(listeners(text).problems[0].message).toMatch(message);
  });

  it('allows repeated ports among advertised listeners', () => {
    const map = parseSecurityProtocolMap('A:PLAINTEXT,B:PLAINTEXT').map;
    const r = parseListeners('A://lb:9092,B://lb:9092', { key: 'advertised.listeners', requireDistinctPorts: false, protocolMap: map });
    expect(r.problems).toEqual([]);
  });
});

describe('advertisedListenerProblems', () => {
  const map = parseSecurityProtocolMap('INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT').map;
  const bound = parseListeners('INTERNAL://:9092', { key: 'listeners', requireDistinctPorts: true, protocolMap: map }).endpoints;

  it('requires each advertised name among the listeners', () => {
    const adv = parseListeners('EXTERNAL://public:9092', { key: 'advertised.listeners', requireDistinctPorts: false, protocolMap: map }).endpoints;
    const problems = advertisedListenerProblems(adv, bound);
    expect(problems[0].message).toMatch(/EXTERNAL has no listener of that name.*INTERNAL/);
  });

  it('rejects advertising 0.0.0.0', () => {
    const adv = parseListeners('INTERNAL://0.0.0.0:9092', { key: 'advertised.listeners', requireDistinctPorts: false, protocolMap: map }).endpoints;
    expect(advertisedListenerProblems(adv, bound)[0].message).toMatch(/non-routable/);
  });
});

describe('IP literal checks', () => {
  it('recognises IPv4 and IPv6 literals', () => {
    expect(isIPv4Literal('192.168.1.1')).toBe(true);
    expect(isIPv4Literal('256.1.1.1')).toBe(false);
    expect(isIPv4Literal('localhost')).toBe(false);
    expect(isIPv6Literal('::1')).toBe(true);
    expect(isIPv6Literal('fe80::1%eth0')).toBe(true);
    expect(isIPv6Literal('1::2::3')).toBe(false);
    expect(isIPv6Literal('host')).toBe(false);
  });
});
