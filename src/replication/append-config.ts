/**
 * The topic settings the produce path needs beyond the log's own LogConfig, resolved once per
 * topic config change (not per append): the target compression, timestamp rules, compaction,
 * min.insync.replicas. Kafka reads the same values from LogConfig in UnifiedLog.append and
 * Partition.appendRecordsToLeader.
 */
import type { BrokerConfig } from '../config';
import { resolveTopicConfig } from '../config';
import { Compression, type CompressionType } from '../protocol/records/batch-header';

/** compression.type: 'producer' keeps the producer's codec; anything else is the stored codec. */
export type TargetCompression = CompressionType | 'producer';

export interface AppendConfig {
  readonly targetCompression: TargetCompression;
  /** Level for the target codec (compression.gzip.level / lz4 / zstd). */
  readonly compressionLevel: number | undefined;
  readonly logAppendTime: boolean;
  /** message.timestamp.before.max.ms (with the deprecated difference fallback); >= 2^63 means unbounded. */
  readonly timestampBeforeMaxMs: number;
  readonly timestampAfterMaxMs: number;
  readonly compacted: boolean;
  readonly maxMessageBytes: number;
  readonly minInSyncReplicas: number;
}

const CODECS: Readonly<Record<string, TargetCompression>> = {
  producer: 'producer',
  uncompressed: Compression.NONE,
  gzip: Compression.GZIP,
  snappy: Compression.SNAPPY,
  lz4: Compression.LZ4,
  zstd: Compression.ZSTD,
};

/** Kafka's "no bound": Long.MAX_VALUE, carried here as 2^63. */
export const UNBOUNDED_MS = 2 ** 63;

export function resolveAppendConfig(broker: BrokerConfig, overrides: Readonly<Record<string, string>>): AppendConfig {
  const t = resolveTopicConfig(broker, overrides);
  const target = CODECS[String(t.get('compression.type')).toLowerCase()] ?? 'producer';
  const level =
    target === Compression.GZIP
      ? (t.get('compression.gzip.level') as number)
      : target === Compression.LZ4
        ? (t.get('compression.lz4.level') as number)
        : target === Compression.ZSTD
          ? (t.get('compression.zstd.level') as number)
          : undefined;
  return {
    targetCompression: target,
    // gzip's -1 is "the codec's default".
    compressionLevel: level === -1 ? undefined : level,
    logAppendTime: t.get('message.timestamp.type') === 'LogAppendTime',
    timestampBeforeMaxMs: t.messageTimestampBeforeMaxMs,
    timestampAfterMaxMs: t.messageTimestampAfterMaxMs,
    compacted: t.compact,
    maxMessageBytes: t.get('max.message.bytes') as number,
    minInSyncReplicas: t.get('min.insync.replicas') as number,
  };
}

/** Kafka's BrokerCompressionType.targetCompression: the producer's codec unless the topic names one. */
export function targetCodec(config: AppendConfig, source: CompressionType): CompressionType {
  return config.targetCompression === 'producer' ? source : config.targetCompression;
}

/** Whether record timestamps need checking against the broker clock (CreateTime with a finite bound). */
export function hasTimestampBounds(config: AppendConfig): boolean {
  return !config.logAppendTime && (config.timestampBeforeMaxMs < UNBOUNDED_MS || config.timestampAfterMaxMs < UNBOUNDED_MS);
}
