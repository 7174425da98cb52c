/**
 * Cluster description at every tested version: DescribeCluster (brokers, controllers, fenced
 * brokers, authorized operations), DescribeLogDirs (all replicas, chosen ones, unknown ones) and
 * DescribeTopicPartitions (paging with a cursor, unknown topics).
 */
import type { Session, SessionEnv, Step } from '../lib/session';
import { ApiKey, fillSteps, onlyTopics, setupTopics } from './support';

function describeClusterSteps(env: SessionEnv): Step[] {
  const steps: Step[] = [];
  for (const v of env.versions(ApiKey.DescribeCluster)) {
    const base = { api: ApiKey.DescribeCluster, version: v };
    steps.push({ ...base, title: 'brokers', request: () => ({ includeClusterAuthorizedOperations: false }) });
    steps.push({ ...base, title: 'with authorized operations', request: () => ({ includeClusterAuthorizedOperations: true }) });
    if (v >= 1) steps.push({ ...base, title: 'controllers (endpoint type 2) asked of a broker', request: () => ({ endpointType: 2 }) });
    if (v >= 1) steps.push({ ...base, title: 'endpoint type 7 (unknown)', request: () => ({ endpointType: 7 }) });
    if (v >= 2) steps.push({ ...base, title: 'including fenced brokers', request: () => ({ includeFencedBrokers: true }) });
  }
  return steps;
}

type LogDirsBody = { results: Array<{ topics: Array<{ name: string }> }> };

function describeLogDirsSteps(env: SessionEnv, t: string): Step[] {
  const steps: Step[] = [];
  const keep = onlyTopics([t]);
  const onlyRun = (body: LogDirsBody): unknown => ({ ...body, results: body.results.map((r) => keep(r)) });
  for (const v of env.versions(ApiKey.DescribeLogDirs)) {
    const base = { api: ApiKey.DescribeLogDirs, version: v };
    steps.push({ ...base, title: 'every replica (only this session\'s topic compared)', request: () => ({ topics: null }), normalise: onlyRun });
    steps.push({ ...base, title: 'one partition holding two batches', request: () => ({ topics: [{ topic: t, partitions: [0] }] }) });
    steps.push({ ...base, title: 'unknown topic', request: () => ({ topics: [{ topic: env.name('cl-missing'), partitions: [0] }] }) });
    steps.push({ ...base, title: 'partition 7 of a two-partition topic', request: () => ({ topics: [{ topic: t, partitions: [7] }] }) });
    steps.push({ ...base, title: 'no topics (empty list)', request: () => ({ topics: [] }) });
  }
  return steps;
}

type DtpBody = { topics: Array<{ name: string | null }> };

function describeTopicPartitionsSteps(env: SessionEnv, t: string, u: string): Step[] {
  const steps: Step[] = [];
  for (const v of env.versions(ApiKey.DescribeTopicPartitions)) {
    const base = { api: ApiKey.DescribeTopicPartitions, version: v };
    steps.push({ ...base, title: 'two topics', request: () => ({ topics: [{ name: t }, { name: u }] }) });
    steps.push({ ...base, title: 'a limit of one partition (first page)', request: () => ({ topics: [{ name: t }, { name: u }], responsePartitionLimit: 1 }) });
    steps.push({ ...base, title: 'from a cursor (second page)', request: () => ({ topics: [{ name: t }, { name: u }], responsePartitionLimit: 1, cursor: { topicName: t, partitionIndex: 1 } }) });
    steps.push({ ...base, title: 'unknown topic', request: () => ({ topics: [{ name: env.name('cl-missing') }] }) });
    steps.push({
      ...base,
      title: 'all topics (only this session\'s two compared)',
      request: () => ({ topics: [] }),
      normalise: (body: DtpBody) => ({ ...onlyTopics([t, u])(body), nextCursor: '<not compared>' }),
    });
  }
  return steps;
}

export const clusterSession: Session = {
  name: 'cluster',
  description: 'DescribeCluster, DescribeLogDirs, DescribeTopicPartitions',
  build(env) {
    const t = env.name('cl-two');
    const u = env.name('cl-one');
    return [
      ...setupTopics(env, [{ name: t, partitions: 2 }, { name: u }]),
      ...fillSteps(env, t, [3, 2], 'c'),
      ...describeClusterSteps(env),
      ...describeLogDirsSteps(env, t),
      ...describeTopicPartitionsSteps(env, t, u),
    ];
  },
};
