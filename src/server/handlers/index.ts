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
import { ConsumerGroupHeartbeatHandler } from './consumer-group-heartbeat';
import { ConsumerGroupDescribeHandler } from './consumer-group-describe';
import { InitProducerIdHandler } from './init-producer-id';
import { AddPartitionsToTxnHandler } from './add-partitions-to-txn';
import { AddOffsetsToTxnHandler } from './add-offsets-to-txn';
import { EndTxnHandler } from './end-txn';
import { WriteTxnMarkersHandler } from './write-txn-markers';
import { DescribeProducersHandler } from './describe-producers';
import { DescribeTransactionsHandler } from './describe-transactions';
import { ListTransactionsHandler } from './list-transactions';
import { TxnOffsetCommitHandler } from './txn-offset-commit';

export function registerHandlers(registry: HandlerRegistry, services: BrokerServices): void {
  void services;
  registry.register(new ApiVersionsHandler(registry, { clusterId: () => services.metadata.clusterId, nodeId: services.config().nodeId }));
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
  registry.register(
    new FindCoordinatorHandler(services, {
      group: (groupId) => services.groups.findCoordinator(groupId),
      transaction: (transactionalId) => services.transactions.findCoordinator(transactionalId),
    }),
  );
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
  // KIP-848 consumer groups (src/coordinator/group/consumer).
  registry.register(new ConsumerGroupHeartbeatHandler(services));
  registry.register(new ConsumerGroupDescribeHandler(services));
  // Idempotent producers and transactions (src/coordinator/txn), operator views of them.
  registry.register(new InitProducerIdHandler(services));
  registry.register(new AddPartitionsToTxnHandler(services));
  registry.register(new AddOffsetsToTxnHandler(services));
  registry.register(new EndTxnHandler(services));
  registry.register(new WriteTxnMarkersHandler(services));
  registry.register(new TxnOffsetCommitHandler(services));
  registry.register(new DescribeProducersHandler(services));
  registry.register(new DescribeTransactionsHandler(services));
  registry.register(new ListTransactionsHandler(services));
}
