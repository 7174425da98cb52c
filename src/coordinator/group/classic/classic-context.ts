/**
 * What the classic-protocol operations share: the shard's clock, timer, logger and config, the
 * group map, and small builders of results and error responses.
 */
import { ErrorCode } from '../../../protocol/error-codes';
import { toErrorCode } from '../../../protocol/kafka-errors';
import type { Clock } from '../../../util/clock';
import type { Logger } from '../../../util/logger';
import type { CoordinatorTimer } from '../../runtime/coordinator-timer';
import type { CoordinatorResult } from '../../runtime/types';
import type { GroupCoordinatorConfig } from '../config';
import type { Group } from '../group';
import type { GroupRecord } from '../records';
import { EMPTY_ASSIGNMENT, type JoinResult, type SyncResult } from './classic-group-member';

/** Who sent a request, as the coordinator needs it. */
export interface GroupRequestContext {
  readonly clientId: string;
  /** Kafka's form: '/' + address, e.g. '/127.0.0.1'. */
  readonly clientHost: string;
  readonly apiVersion: number;
}

/**
 * The context of a request from its client id and address. Kafka records the client host as
 * InetAddress.toString(): '/' and the address (IPv4-mapped IPv6 addresses as plain IPv4).
 */
export function groupRequestContext(clientId: string | null, remoteAddress: string, apiVersion: number): GroupRequestContext {
  const address = remoteAddress.startsWith('::ffff:') && remoteAddress.includes('.') ? remoteAddress.slice(7) : remoteAddress;
  return { clientId: clientId ?? '', clientHost: `/${address}`, apiVersion };
}

export interface ClassicContext {
  readonly clock: Clock;
  readonly timer: CoordinatorTimer<GroupRecord>;
  readonly log: Logger;
  config(): GroupCoordinatorConfig;
  readonly groups: Map<string, Group>;
}

export type GroupResult<T = void> = CoordinatorResult<T, GroupRecord>;

export const NO_RECORDS: GroupResult = Object.freeze({ records: [], response: undefined });

export const heartbeatKey = (groupId: string, memberId: string): string => `heartbeat-${groupId}-${memberId}`;
export const joinKey = (groupId: string): string => `join-${groupId}`;
export const syncKey = (groupId: string): string => `sync-${groupId}`;

export function joinError(errorCode: number, memberId = ''): JoinResult {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId, members: [] };
}

export function syncError(errorCode: number): SyncResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY_ASSIGNMENT };
}

/**
 * Kafka's appendGroupMetadataErrorToResponseError: a failed append of group metadata becomes an
 * error the member knows how to handle.
 */
export function appendErrorCode(error: unknown): number {
  const code = toErrorCode(error);
  switch (code) {
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode.NOT_ENOUGH_REPLICAS:
    case ErrorCode.REQUEST_TIMED_OUT:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ErrorCode.KAFKA_STORAGE_ERROR:
      return ErrorCode.NOT_COORDINATOR;
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
    case ErrorCode.INVALID_FETCH_SIZE:
      return ErrorCode.UNKNOWN_SERVER_ERROR;
    default:
      return code;
  }
}
