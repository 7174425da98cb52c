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

  it("bounds future timestamps by one hour and past ones not at all, as Kafka 4 does", () => {
    const d = brokerTopicDefaults(broker());
    expect(d.get('message.timestamp.after.max.ms')).toBe(3_600_000);
    expect(d.get('message.timestamp.before.max.ms')).toBe(LONG_MAX);
    expect(d.get('max.decompressed.message.bytes')).toBe(2147483639);
    expect(d.get('remote.copy.lag.ms')).toBe(0);
    expect(d.get('remote.copy.lag.bytes')).toBe(-1);
    expect(d.get('errors.deadletterqueue.group.enable')).toBe(false);
    expect(d.get('internal.segment.bytes')).toBeNull();
  });

  it('takes the timestamp bounds from their broker keys alone (the difference bound is gone)', () => {
    const b = broker({ 'log.message.timestamp.difference.max.ms': '1000', 'log.message.timestamp.after.max.ms': '50' });
    const d = brokerTopicDefaults(b);
    expect(d.get('message.timestamp.before.max.ms')).toBe(LONG_MAX);
    expect(d.get('message.timestamp.after.max.ms')).toBe(50);
    expect(b.warnings.map((w) => w.key)).toEqual(['log.message.timestamp.difference.max.ms']);
  });
});

describe('resolveTopicConfig', () => {
  it('applies overrides over broker defaults', () => {
    const t = resolveTopicConfig(broker({ 'log.retention.hours': '1' }), { 'cleanup.policy': 'compact,delete', 'segment.bytes': '1048576' });
    expect(t.get('retention.ms')).toBe(3_600_000);
    expect(t.get('segment.bytes')).toBe(1048576);
    expect(t.compact).toBe(true);
    expect(t.delete).toBe(true);
    expect(t.isOverridden('segment.bytes')).toBe(true);
    expect(t.isOverridden('retention.ms')).toBe(false);
  });

  it('derives maxSegmentMs, timestamp bounds and the initial file size as LogConfig does', () => {
    const b = broker();
    expect(resolveTopicConfig(b, { 'cleanup.policy': 'compact', 'max.compaction.lag.ms': '1000' }).maxSegmentMs).toBe(1000);
    expect(resolveTopicConfig(b, { 'max.compaction.lag.ms': '1000' }).maxSegmentMs).toBe(604_800_000);
    expect(resolveTopicConfig(b, { 'message.timestamp.before.max.ms': '77' }).messageTimestampBeforeMaxMs).toBe(77);
    expect(resolveTopicConfig(b, { 'message.timestamp.after.max.ms': '5' }).messageTimestampAfterMaxMs).toBe(5);
    expect(resolveTopicConfig(b).messageTimestampAfterMaxMs).toBe(3_600_000);
    expect(resolveTopicConfig(b, { preallocate: 'true', 'segment.bytes': '2097152' }).initFileSize).toBe(2097152);
    expect(resolveTopicConfig(b).initFileSize).toBe(0);
  });

  it('uses internal.segment.bytes, when set, as the segment size (LogConfig.segmentSize)', () => {
    const b = broker();
    expect(resolveTopicConfig(b).segmentSize).toBe(1_073_741_824);
    const t = resolveTopicConfig(b, { 'internal.segment.bytes': '4096', preallocate: 'true' });
    expect(t.segmentSize).toBe(4096);
    expect(t.get('segment.bytes')).toBe(1_073_741_824);
    expect(t.initFileSize).toBe(4096);
  });

  it('ignores stored overrides whose names Kafka 4 no longer knows', () => {
    const t = resolveTopicConfig(broker(), { 'message.format.version': '2.8', 'retention.ms': '5' });
    expect(t.get('retention.ms')).toBe(5);
    expect(t.getByName('message.format.version')).toBeUndefined();
    expect([...t.overrides.keys()]).toEqual(['retention.ms']);
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

  it('refuses the keys Kafka 4.0 removed as unknown names, saying why', () => {
    for (const key of ['message.format.version', 'message.downconversion.enable', 'message.timestamp.difference.max.ms']) {
      const problems = validateTopicConfigs({ [key]: '1' });
      expect(problems).toEqual([{ key, value: '1', message: expect.stringMatching(new RegExp(`^unknown topic config name: ${key} \\(removed in Kafka 4.0`)) }]);
    }
  });

  it("applies Kafka 4.4's bounds: segment.bytes of at least 1 MiB, decompressed size, copy lags", () => {
    const keys = (o: Record<string, string>) => validateTopicConfigs(o).map((p) => [p.key, p.message.split(';')[0]]);
    expect(keys({ 'segment.bytes': '1048575' })).toEqual([['segment.bytes', 'value must be at least 1048576']]);
    expect(keys({ 'segment.bytes': '1048576', 'internal.segment.bytes': '1000' })).toEqual([]);
    expect(keys({ 'internal.segment.bytes': 'abc' })).toEqual([['internal.segment.bytes', 'expected a 32-bit integer']]);
    expect(keys({ 'max.decompressed.message.bytes': '0' })).toEqual([['max.decompressed.message.bytes', 'value must be at least 1']]);
    expect(keys({ 'max.decompressed.message.bytes': '2147483640' })).toEqual([['max.decompressed.message.bytes', 'value must be no more than 2147483639']]);
    expect(keys({ 'remote.copy.lag.ms': '-2', 'remote.copy.lag.bytes': '5' })).toEqual([['remote.copy.lag.ms', 'value must be at least -1']]);
    expect(keys({ 'errors.deadletterqueue.group.enable': 'yes' })).toEqual([['errors.deadletterqueue.group.enable', 'expected true or false']]);
    expect(keys({ 'message.timestamp.after.max.ms': '-1' })).toEqual([['message.timestamp.after.max.ms', 'value must be at least 0']]);
  });

  it('checks list keys as Kafka 4.4 does: no repeats, no empty items; cleanup.policy may be empty', () => {
    const keys = (o: Record<string, string>) => validateTopicConfigs(o).map((p) => [p.key, p.message.split(';')[0]]);
    expect(keys({ 'cleanup.policy': '' })).toEqual([]);
    expect(keys({ 'cleanup.policy': 'compact,compact' })).toEqual([['cleanup.policy', "'compact' is listed twice"]]);
    expect(keys({ 'cleanup.policy': 'compact,,delete' })).toEqual([['cleanup.policy', 'list items must not be empty']]);
    expect(keys({ 'cleanup.policy': 'Compact' })).toEqual([['cleanup.policy', "list items must each be one of: compact, delete (got 'Compact')"]]);
    // The throttled-replica lists let repeats and empty items through, as Kafka's validator does.
    expect(keys({ 'leader.replication.throttled.replicas': '0:1,,0:1', 'follower.replication.throttled.replicas': '*' })).toEqual([]);
    expect(keys({ 'leader.replication.throttled.replicas': '*,0:1' })).toEqual([['leader.replication.throttled.replicas', "value must be '*' or a list of partitionId:brokerId pairs"]]);
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
    // Kafka lets a stale override be deleted even though its name is unknown.
    expect(validateTopicConfigs({ 'message.format.version': null, 'no.such.key': null })).toEqual([]);
  });
});
