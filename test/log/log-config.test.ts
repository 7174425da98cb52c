import { InvalidLogConfigError, LOG_CONFIG_DEFAULTS, NEVER, isCompacted, parseLogConfig } from '../../src/log/log-config';
import { parsePartitionDirName, deletedDirName, partitionDirName } from '../../src/log/topic-partition';

describe('LogConfig', () => {
  it("has Kafka's defaults", () => {
    expect(LOG_CONFIG_DEFAULTS['segment.bytes']).toBe(1073741824);
    expect(LOG_CONFIG_DEFAULTS['segment.ms']).toBe(604800000);
    expect(LOG_CONFIG_DEFAULTS['segment.index.bytes']).toBe(10485760);
    expect(LOG_CONFIG_DEFAULTS['index.interval.bytes']).toBe(4096);
    expect(LOG_CONFIG_DEFAULTS['flush.messages']).toBe(NEVER);
    expect(LOG_CONFIG_DEFAULTS['retention.bytes']).toBe(-1);
    expect(LOG_CONFIG_DEFAULTS['max.message.bytes']).toBe(1048588);
    expect(LOG_CONFIG_DEFAULTS['min.cleanable.dirty.ratio']).toBe(0.5);
    expect(LOG_CONFIG_DEFAULTS['cleanup.policy']).toEqual(['delete']);
  });

  it('parses wire strings and validates', () => {
    const c = parseLogConfig({ 'segment.bytes': '1048576', 'cleanup.policy': 'compact,delete', 'flush.messages': '9223372036854775807', 'min.insync.replicas': '2' });
    expect(c['segment.bytes']).toBe(1048576);
    expect(c['cleanup.policy']).toEqual(['compact', 'delete']);
    expect(isCompacted(c)).toBe(true);
    expect(c['flush.messages']).toBe(NEVER);
    expect(() => parseLogConfig({ 'segment.bytes': 'lots' })).toThrow(InvalidLogConfigError);
    expect(() => parseLogConfig({ 'cleanup.policy': 'archive' })).toThrow(/cleanup.policy/);
    expect(() => parseLogConfig({ 'min.cleanable.dirty.ratio': 2 })).toThrow(InvalidLogConfigError);
    expect(() => parseLogConfig({ 'message.timestamp.type': 'Now' })).toThrow(InvalidLogConfigError);
    expect(() => parseLogConfig({ 'no.such': 1 }, undefined, true)).toThrow(/unknown/);
  });
});

describe('partition directory names', () => {
  it('round-trips and recognises deleted dirs', () => {
    expect(partitionDirName({ topic: 'my-topic.v2', partition: 12 })).toBe('my-topic.v2-12');
    expect(parsePartitionDirName('my-topic.v2-12')).toEqual({ topic: 'my-topic.v2', partition: 12 });
    const del = deletedDirName({ topic: 'my-topic', partition: 1 });
    expect(del).toMatch(/^my-topic-1\.[0-9a-f]{32}-delete$/);
    expect(parsePartitionDirName(del)).toBeNull();
    expect(parsePartitionDirName('lost+found')).toBeNull();
    expect(parsePartitionDirName('x-abc')).toBeNull();
  });
});
