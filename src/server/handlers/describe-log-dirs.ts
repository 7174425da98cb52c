/**
 * DescribeLogDirs (key 35), v0-5.
 *
 * Behaviour (Kafka's ReplicaManager.describeLogDirs):
 * - One result per log directory (absolute path), listing the replicas it holds, grouped by
 *   topic: size in bytes of the replica's segments, offset lag 0 (this broker leads every
 *   partition it holds, and a leader's end offset is never behind its high watermark),
 *   is_future false (no replica moves between directories).
 * - topics null means every replica; otherwise only the partitions named that exist (unknown
 *   topics and partitions are left out, not errors). Topics without a listed partition are
 *   left out. Internal topics are listed like any other.
 * - v4+: total and usable bytes of the directory's volume (statfs, through a seam); a
 *   directory whose volume cannot be read fails with KAFKA_STORAGE_ERROR and no topics.
 * Version notes: v3+ top-level error_code; v4+ total/usable bytes (-1 before); v5 is_cordoned,
 * always false (directories are never cordoned here).
 * Not implemented: future replicas (AlterReplicaLogDirs), offline log directories.
 * Errors: KAFKA_STORAGE_ERROR (per directory).
 */
import * as path from 'node:path';
import { dirOf } from '../../log/log-fs';
import { ErrorCode } from '../../protocol/error-codes';
import type {
  DescribeLogDirsRequest,
  DescribeLogDirsResponse,
  DescribeLogDirsResponseDescribeLogDirsPartition,
  DescribeLogDirsResponseDescribeLogDirsResult,
  DescribeLogDirsResponseDescribeLogDirsTopic,
} from '../../protocol/generated/describe-log-dirs';
import type { ApiHandler, RequestContext } from '../handler';
import type { BrokerServices } from '../services';
import { type DiskUsage, statfsDiskUsage } from './disk-usage';

type DirResult = DescribeLogDirsResponseDescribeLogDirsResult;

export class DescribeLogDirsHandler implements ApiHandler<DescribeLogDirsRequest, DescribeLogDirsResponse> {
  readonly apiKey = 35;
  readonly minVersion = 0;
  readonly maxVersion = 5;

  constructor(
    private readonly services: BrokerServices,
    private readonly diskUsage: DiskUsage = statfsDiskUsage,
  ) {}

  async handle(req: DescribeLogDirsRequest, _ctx: RequestContext): Promise<DescribeLogDirsResponse> {
    let wanted: ((topic: string, partition: number) => boolean) | null = null;
    if (req.topics !== null) {
      const set = new Set<string>();
      for (const t of req.topics) for (const p of t.partitions) set.add(`${t.topic}\u0000${p}`);
      wanted = (topic, partition) => set.has(`${topic}\u0000${partition}`);
    }

    // Replicas by the absolute path of their log directory.
    const byDir = new Map<string, Map<string, DescribeLogDirsResponseDescribeLogDirsPartition[]>>();
    for (const log of this.services.logs.allLogs()) {
      const { topic, partition } = log.tp;
      if (wanted && !wanted(topic, partition)) continue;
      const dir = path.resolve(dirOf(log.dir));
      let topics = byDir.get(dir);
      if (!topics) byDir.set(dir, (topics = new Map()));
      let parts = topics.get(topic);
      if (!parts) topics.set(topic, (parts = []));
      parts.push({ partitionIndex: partition, partitionSize: BigInt(log.size), offsetLag: 0n, isFutureKey: false });
    }

    const dirs = [...new Set(this.services.logs.logDirs.map((d) => path.resolve(d)))];
    const results = await Promise.all(dirs.map((dir) => this.describeDir(dir, byDir.get(dir))));
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, results };
  }

  errorResponse(_req: DescribeLogDirsRequest, errorCode: number): DescribeLogDirsResponse {
    return { throttleTimeMs: 0, errorCode, results: [] };
  }

  private async describeDir(dir: string, topics: Map<string, DescribeLogDirsResponseDescribeLogDirsPartition[]> | undefined): Promise<DirResult> {
    let space;
    try {
      space = await this.diskUsage(dir);
    } catch {
      return { errorCode: ErrorCode.KAFKA_STORAGE_ERROR, logDir: dir, topics: [], totalBytes: -1n, usableBytes: -1n, isCordoned: false };
    }
    const list: DescribeLogDirsResponseDescribeLogDirsTopic[] = [...(topics ?? new Map<string, DescribeLogDirsResponseDescribeLogDirsPartition[]>())]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, partitions]) => ({ name, partitions: partitions.sort((a, b) => a.partitionIndex - b.partitionIndex) }));
    return { errorCode: ErrorCode.NONE, logDir: dir, topics: list, totalBytes: space.totalBytes, usableBytes: space.usableBytes, isCordoned: false };
  }
}
