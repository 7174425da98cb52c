import {
  brokerTopicDefaults,
  ConfigValidationError,
  LONG_MAX,
  resolveBrokerConfig,
  resolveTopicConfig,
  validateTopicConfigs,
  type SettingsLayer,
} from '../../src/config';

const layer = (settings: Record<string, string>): SettingsLayer => ({
  entries: Object.entries(settings).map(([key, value]) => ({ key, value, origin: 'test' })),
});
const broker = (settings: Record<string, string> = {}) => resolveBrokerConfig({ profile: 'development', layers: [layer(settings)] });

describe('brokerTopicDefaults', () => {
  it("equals the topic keys' own defaults for a default broker", () => {
    const d = brokerTopicDefaults(broker());
    expect(d.get('retention.ms')).toBe(604_800_000);
    expect(d.get('segment.ms')).toBe(604_800_000);
    expect(d.get('segment.bytes')).toBe(1_073_741_824);
    expect(d.get('max.message.bytes')).toBe(1_048_588);
    expect(d.get('cleanup.policy')).toEqual(['delete']);
    expect(d.get('flush.ms')).toBe(LONG_MAX);
    expect(d.get('remote.storage.enable')).toBe(false);
  });

  it('follows the broker synonyms, converting hours and minutes to ms', () => {
    const d = brokerTopicDefaults(
      broker({
        'log.retention.minutes': '10',
        'log.roll.hours': '1',
        'log.roll.jitter.hours': '2',
        'log.segment.bytes': '1048576',
        'message.max.bytes': '2000000',
        'log.cleanup.policy': 'compact',
        'log.flush.scheduler.interval.ms': '5000',
        'log.cleaner.min.cleanable.ratio': '0.1',
        'min.insync.replicas': '2',
        'compression.type': 'zstd',
      }),
    );
    expect(d.get('retention.ms')).toBe(600_000);
    expect(d.get('segment.ms')).toBe(3_600_000);
    expect(d.get('segment.jitter.ms')).toBe(7_200_000);
    expect(d.get('segment.bytes')).toBe(1_048_576);
    expect(d.get('max.message.bytes')).toBe(2_000_000);
    expect(d.get('cleanup.policy')).toEqual(['compact']);
    expect(d.get('flush.ms')).toBe(5000);
    expect(d.get('min.cleanable.dirty.ratio')).toBe(0.1);
    expect(d.get('min.insync.replicas')).toBe(2);
    expect(d.get('compression.type')).toBe('zstd');
  });

  it('falls back to the deprecated timestamp difference bound for before/after', () => {
    const d = brokerTopicDefaults(broker({ 'log.message.timestamp.difference.max.ms': '1000', 'log.message.timestamp.after.max.ms': '50' }));
    expect(d.get('message.timestamp.before.max.ms')).toBe(1000);
    expect(d.get('message.timestamp.after.max.ms')).toBe(50);
  });
});

describe('resolveTopicConfig', () => {
  it('applies overrides over broker defaults', () => {
    const t = resolveTopicConfig(broker({ 'log.retention.hours': '1' }), { 'cleanup.policy': 'compact,delete', 'segment.bytes': '1024' });
    expect(t.get('retention.ms')).toBe(3_600_000);
    expect(t.get('segment.bytes')).toBe(1024);
    expect(t.compact).toBe(true);
    expect(t.delete).toBe(true);
    expect(t.isOverridden('segment.bytes')).toBe(true);
    expect(t.isOverridden('retention.ms')).toBe(false);
  });

  it('derives maxSegmentMs, timestamp bounds and the initial file size as LogConfig does', () => {
    const b = broker();
    expect(resolveTopicConfig(b, { 'cleanup.policy': 'compact', 'max.compaction.lag.ms': '1000' }).maxSegmentMs).toBe(1000);
    expect(resolveTopicConfig(b, { 'max.compaction.lag.ms': '1000' }).maxSegmentMs).toBe(604_800_000);
    expect(resolveTopicConfig(b, { 'message.timestamp.difference.max.ms': '77' }).messageTimestampBeforeMaxMs).toBe(77);
    expect(resolveTopicConfig(b, { 'message.timestamp.difference.max.ms': '77', 'message.timestamp.after.max.ms': '5' }).messageTimestampAfterMaxMs).toBe(5);
    expect(resolveTopicConfig(b, { preallocate: 'true', 'segment.bytes': '4096' }).initFileSize).toBe(4096);
    expect(resolveTopicConfig(b).initFileSize).toBe(0);
  });

  it('throws ConfigValidationError for invalid overrides', () => {
    expect(() => resolveTopicConfig(broker(), { 'retention.ms': '-2' })).toThrow(ConfigValidationError);
  });
});

describe('validateTopicConfigs (CreateTopics / AlterConfigs input)', () => {
  it('accepts valid overrides', () => {
    expect(validateTopicConfigs({ 'retention.ms': '-1', 'cleanup.policy': 'compact', 'min.cleanable.dirty.ratio': '0.01', 'message.timestamp.type': 'LogAppendTime' })).toEqual([]);
  });

  it('names unknown keys', () => {
    expect(validateTopicConfigs({ 'retention.hours': '1' })).toEqual([{ key: 'retention.hours', value: '1', message: 'unknown topic config name: retention.hours' }]);
  });

  it('names the key, value and what is allowed for bad values, all at once', () => {
    const problems = validateTopicConfigs({
      'retention.ms': '-2',
      'cleanup.policy': 'archive',
      'min.cleanable.dirty.ratio': '1.5',
      'segment.bytes': 'big',
      'compression.type': 'brotli',
      'compression.gzip.level': '0',
      'leader.replication.throttled.replicas': '0:1,x',
    });
    expect(problems.map((p) => [p.key, p.value])).toEqual([
      ['retention.ms', '-2'],
      ['cleanup.policy', 'archive'],
      ['min.cleanable.dirty.ratio', '1.5'],
      ['segment.bytes', 'big'],
      ['compression.type', 'brotli'],
      ['compression.gzip.level', '0'],
      ['leader.replication.throttled.replicas', '0:1,x'],
    ]);
    expect(problems[0].message).toMatch(/at least -1/);
    expect(problems[2].message).toMatch(/no more than 1; allowed: \[0,...,1\]/);
    expect(problems[4].message).toMatch(/uncompressed, zstd, lz4, snappy, gzip, producer/);
  });

  it('refuses remote.storage.enable=true with a clear message but accepts false', () => {
    expect(validateTopicConfigs({ 'remote.storage.enable': 'true' })[0].message).toMatch(/tiered storage is not supported/);
    expect(validateTopicConfigs({ 'remote.storage.enable': 'false' })).toEqual([]);
  });

  it('checks min against max compaction lag on the resulting config', () => {
    expect(validateTopicConfigs({ 'min.compaction.lag.ms': '100', 'max.compaction.lag.ms': '10' })[0].message).toMatch(
      /min.compaction.lag.ms \(100\) must not exceed max.compaction.lag.ms \(10\)/,
    );
    expect(validateTopicConfigs({ 'min.compaction.lag.ms': '100' }, { existing: { 'max.compaction.lag.ms': '10' } })).toHaveLength(1);
    expect(validateTopicConfigs({ 'max.compaction.lag.ms': null, 'min.compaction.lag.ms': '100' }, { existing: { 'max.compaction.lag.ms': '10' } })).toEqual([]);
    expect(validateTopicConfigs({ 'max.compaction.lag.ms': '10' }, { broker: broker({ 'log.cleaner.min.compaction.lag.ms': '50' }) })).toHaveLength(1);
  });

  it('treats a null value as removing the override', () => {
    expect(validateTopicConfigs({ 'retention.ms': null })).toEqual([]);
    expect(validateTopicConfigs({ 'no.such.key': null })[0].message).toMatch(/unknown topic config name/);
  });
});
