import { InvalidNetworkConfigError, UnsupportedSecurityProtocolError } from '../../src/network/errors';
import { normalizeHost, validateListeners, type ListenerConfig } from '../../src/network/listener-config';

const plain = (over: Partial<ListenerConfig> = {}): ListenerConfig => ({
  name: 'PLAINTEXT',
  host: '127.0.0.1',
  port: 0,
  securityProtocol: 'PLAINTEXT',
  ...over,
});

describe('validateListeners', () => {
  it('accepts PLAINTEXT listeners', () => {
    expect(() => validateListeners([plain(), plain({ name: 'INTERNAL', port: 9093 })])).not.toThrow();
  });

  it.each(['SSL', 'SASL_PLAINTEXT', 'SASL_SSL', 'HTTP'])('rejects security protocol %s with a typed error', (p) => {
    let err: unknown;
    try {
      validateListeners([plain({ securityProtocol: p })]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnsupportedSecurityProtocolError);
    expect((err as UnsupportedSecurityProtocolError).securityProtocol).toBe(p);
    expect((err as UnsupportedSecurityProtocolError).code).toBe('ERR_NETWORK_UNSUPPORTED_SECURITY_PROTOCOL');
    expect((err as Error).message).toContain(`'${p}'`);
  });

  it('rejects duplicate names (case-insensitive), bad names, bad ports and an empty list', () => {
    expect(() => validateListeners([plain(), plain({ name: 'plaintext' })])).toThrow(InvalidNetworkConfigError);
    expect(() => validateListeners([plain({ name: 'A B' })])).toThrow(InvalidNetworkConfigError);
    expect(() => validateListeners([plain({ port: 65536 })])).toThrow(/port must be an integer/);
    expect(() => validateListeners([plain({ port: 1.5 })])).toThrow(InvalidNetworkConfigError);
    expect(() => validateListeners([])).toThrow(/at least one listener/);
  });
});

describe('normalizeHost', () => {
  it('strips IPv6 brackets and leaves other hosts alone', () => {
    expect(normalizeHost('[::1]')).toBe('::1');
    expect(normalizeHost('::1')).toBe('::1');
    expect(normalizeHost('localhost')).toBe('localhost');
    expect(normalizeHost('')).toBe('');
  });
});
