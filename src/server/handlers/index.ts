/** Every API handler of the broker, registered in one place. */
import type { HandlerRegistry } from '../handler-registry';
import type { BrokerServices } from '../services';
import { ApiVersionsHandler } from './api-versions';
import { AlterConfigsHandler } from './alter-configs';
import { ConfigUpdater } from './config-updater';
import { CreatePartitionsHandler } from './create-partitions';
import { CreateTopicsHandler } from './create-topics';
import { DeleteTopicsHandler } from './delete-topics';
import { DescribeClusterHandler } from './describe-cluster';
import { DescribeConfigsHandler } from './describe-configs';
import { DescribeLogDirsHandler } from './describe-log-dirs';
import { DescribeTopicPartitionsHandler } from './describe-topic-partitions';
import { IncrementalAlterConfigsHandler } from './incremental-alter-configs';
import { MetadataHandler } from './metadata';
import { DeleteRecordsHandler } from './delete-records';
import { FetchHandler } from './fetch';
import { ListOffsetsHandler } from './list-offsets';
import { OffsetForLeaderEpochHandler } from './offset-for-leader-epoch';
import { ProduceHandler } from './produce';
import { FindCoordinatorHandler } from './find-coordinator';
import { JoinGroupHandler } from './join-group';
import { SyncGroupHandler } from './sync-group';
import { HeartbeatHandler } from './heartbeat';
import { LeaveGroupHandler } from './leave-group';
import { DescribeGroupsHandler } from './describe-groups';
import { ListGroupsHandler } from './list-groups';
import { DeleteGroupsHandler } from './delete-groups';
import { OffsetCommitHandler } from './offset-commit';
import { OffsetFetchHandler } from './offset-fetch';
import { OffsetDeleteHandler } from './offset-delete';

export function registerHandlers(registry: HandlerRegistry, services: BrokerServices): void {
  void services;
  registry.register(new ApiVersionsHandler(registry));
  // Metadata and admin APIs. AlterConfigs and IncrementalAlterConfigs share one updater so
  // that config changes apply one at a time.
  const configUpdater = new ConfigUpdater(services);
  registry.register(new MetadataHandler(services));
  registry.register(new CreateTopicsHandler(services));
  registry.register(new DeleteTopicsHandler(services));
  registry.register(new CreatePartitionsHandler(services));
  registry.register(new DescribeConfigsHandler(services));
  registry.register(new AlterConfigsHandler(services, configUpdater));
  registry.register(new IncrementalAlterConfigsHandler(services, configUpdater));
  registry.register(new DescribeClusterHandler(services));
  registry.register(new DescribeLogDirsHandler(services));
  registry.register(new DescribeTopicPartitionsHandler(services));
  // Data path: produce, fetch and offset lookups (src/replication).
  registry.register(new ProduceHandler(services.partitions));
  registry.register(new FetchHandler(services.partitions));
  registry.register(new ListOffsetsHandler(services.partitions));
  registry.register(new DeleteRecordsHandler(services.partitions));
  registry.register(new OffsetForLeaderEpochHandler(services.partitions));
  // Consumer groups: coordinator lookup, classic membership, committed offsets (src/coordinator/group).
  registry.register(new FindCoordinatorHandler(services, { group: (groupId) => services.groups.findCoordinator(groupId) }));
  registry.register(new JoinGroupHandler(services));
  registry.register(new SyncGroupHandler(services));
  registry.register(new HeartbeatHandler(services));
  registry.register(new LeaveGroupHandler(services));
  registry.register(new DescribeGroupsHandler(services));
  registry.register(new ListGroupsHandler(services));
  registry.register(new DeleteGroupsHandler(services));
  registry.register(new OffsetCommitHandler(services));
  registry.register(new OffsetFetchHandler(services));
  registry.register(new OffsetDeleteHandler(services));
}
