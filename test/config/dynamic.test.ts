import { resolveBrokerConfig, validateBrokerConfigUpdate, withDynamicConfigs } from '../../src/config';

const current = () => resolveBrokerConfig({ profile: 'development' });

describe('validateBrokerConfigUpdate', () => {
  it('accepts dynamic keys with good values, and removals', () => {
    expect(validateBrokerConfigUpdate({ 'log.retention.ms': '1000', 'message.max.bytes': '2000000', 'log.cleaner.threads': null }, { perBroker: false })).toEqual([]);
  });

  it('rejects static-only keys', () => {
    expect(validateBrokerConfigUpdate({ 'num.partitions': '3' }, { perBroker: true })).toEqual([
      { key: 'num.partitions', value: '3', message: 'cannot be updated dynamically; set it in the static config and restart' },
    ]);
    expect(validateBrokerConfigUpdate({ 'log.retention.hours': '1' }, { perBroker: true })[0].message).toMatch(/cannot be updated dynamically/);
  });

  it('rejects bad values', () => {
    const p = validateBrokerConfigUpdate({ 'log.cleanup.policy': 'archive', 'log.segment.bytes': '1000' }, { perBroker: true });
    expect(p.map((x) => [x.key, x.message.split(';')[0]])).toEqual([
      ['log.cleanup.policy', "list items must each be one of: compact, delete (got 'archive')"],
      ['log.segment.bytes', 'value must be at least 1048576'],
    ]);
  });

  it('accepts names it does not know, as Kafka 4.4 does, and the broker then ignores them with a warning', () => {
    const updates = { 'no.such': '1', 'log.message.format.version': '3.0' };
    expect(validateBrokerConfigUpdate(updates, { perBroker: false, current: current() })).toEqual([]);
    expect(validateBrokerConfigUpdate(updates, { perBroker: true, current: current() })).toEqual([]);
    const c = withDynamicConfigs(current(), { dynamicDefault: updates });
    expect(c.warnings.map((w) => [w.key, w.message])).toEqual([
      ['no.such', 'unknown configuration key; ignored'],
      ['log.message.format.version', 'removed in Kafka 4.0: records are always stored in message format v2; ignored'],
    ]);
  });

  it('refuses advertised.listeners, which Kafka 4 no longer updates dynamically', () => {
    expect(validateBrokerConfigUpdate({ 'advertised.listeners': 'PLAINTEXT://h:9092' }, { perBroker: true })[0].message).toMatch(/cannot be updated dynamically/);
  });

  it('keeps listener and security keys per broker', () => {
    expect(validateBrokerConfigUpdate({ listeners: 'PLAINTEXT://:9092' }, { perBroker: false })[0].message).toMatch(/only for a specific broker/);
    expect(validateBrokerConfigUpdate({ 'listener.name.plaintext.ssl.keystore.location': '/ks' }, { perBroker: true })).toEqual([]);
    expect(validateBrokerConfigUpdate({ 'ssl.keystore.location': '/ks' }, { perBroker: true })[0].message).toMatch(/per listener/);
    expect(validateBrokerConfigUpdate({ 'max.connections': '100' }, { perBroker: false })).toEqual([]);
  });

  it('checks the resulting whole when the current config is given', () => {
    const p = validateBrokerConfigUpdate({ 'log.retention.ms': '0' }, { perBroker: true, current: current() });
    expect(p[0].message).toMatch(/-1 \(unlimited\) or at least 1/);
    expect(validateBrokerConfigUpdate({ 'log.retention.ms': '5000' }, { perBroker: true, current: current() })).toEqual([]);
  });
});
