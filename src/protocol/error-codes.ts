/**
 * The Kafka wire-error table: every error code a Kafka response can carry, with its Kafka name,
 * whether Kafka's clients treat it as retriable, and a short default message (our own words).
 *
 * Authority: Apache Kafka's `org.apache.kafka.common.protocol.Errors`. The codes are contiguous
 * from -1 (UNKNOWN_SERVER_ERROR) to 133 (SHARE_SESSION_LIMIT_REACHED), the highest code in the
 * released 4.x line (4.0 through 4.3). `retriable` is true exactly when Kafka's exception class for the code
 * extends `RetriableException`, directly or through a parent such as `InvalidMetadataException`.
 * Clients back off and retry those. Other codes reach the application or trigger a
 * code-specific recovery (rejoin, re-init the producer...).
 *
 * Kafka clients map a code they do not know to UnknownServerException (not retriable), so a
 * broker must not send a code newer than its client understands. That is each handler's
 * concern, per API version.
 *
 * The rows below are the single source: `ErrorCode` (name → code) and `ERRORS` (code → row) are
 * derived from them, and the module checks on load that codes and names are unique.
 */
import { invariant } from '../util/invariant';

/** Keeps each row's code and name as literal types, so `ErrorCode.X` is typed as its number. */
function row<C extends number, N extends string>(
  code: C,
  name: N,
  retriable: boolean,
  message: string,
): { readonly code: C; readonly name: N; readonly retriable: boolean; readonly message: string } {
  return { code, name, retriable, message };
}

// prettier-ignore
const TABLE = [
  //  code  name                                      retriable  default message
  row(-1,  'UNKNOWN_SERVER_ERROR',                   false, 'The broker hit an unexpected error while handling the request.'),
  row(0,   'NONE',                                   false, 'No error.'),
  row(1,   'OFFSET_OUT_OF_RANGE',                    false, 'The requested offset is outside the range of offsets the partition holds.'),
  row(2,   'CORRUPT_MESSAGE',                        true,  'A record batch is corrupt: bad CRC, impossible size, null key on a compacted topic, or similar.'),
  row(3,   'UNKNOWN_TOPIC_OR_PARTITION',             true,  'This broker does not host the requested topic or partition.'),
  row(4,   'INVALID_FETCH_SIZE',                     false, 'The fetch size in the request is not valid.'),
  row(5,   'LEADER_NOT_AVAILABLE',                   true,  'The partition has no leader right now, e.g. while a leader election runs.'),
  row(6,   'NOT_LEADER_OR_FOLLOWER',                 true,  'This broker is not the partition leader (or, for replica requests, not a replica of it).'),
  row(7,   'REQUEST_TIMED_OUT',                      true,  'The request did not complete in time.'),
  row(8,   'BROKER_NOT_AVAILABLE',                   false, 'The broker named in the request is not available.'),
  row(9,   'REPLICA_NOT_AVAILABLE',                  true,  'A replica of the partition is not available.'),
  row(10,  'MESSAGE_TOO_LARGE',                      false, 'A record batch is larger than the broker accepts for this topic.'),
  row(11,  'STALE_CONTROLLER_EPOCH',                 false, 'The request came from a controller that is no longer current.'),
  row(12,  'OFFSET_METADATA_TOO_LARGE',              false, 'The metadata string attached to the offset commit is too long.'),
  row(13,  'NETWORK_EXCEPTION',                      true,  'The connection closed before a response arrived.'),
  row(14,  'COORDINATOR_LOAD_IN_PROGRESS',           true,  'The coordinator is still loading its state.'),
  row(15,  'COORDINATOR_NOT_AVAILABLE',              true,  'No coordinator is available for the group or transactional id right now.'),
  row(16,  'NOT_COORDINATOR',                        true,  'This broker is not the coordinator for the group or transactional id.'),
  row(17,  'INVALID_TOPIC_EXCEPTION',                false, 'The topic name is not valid, or the operation is not allowed on this topic.'),
  row(18,  'RECORD_LIST_TOO_LARGE',                  false, 'The record batch is larger than a log segment can hold.'),
  row(19,  'NOT_ENOUGH_REPLICAS',                    true,  'Fewer replicas are in sync than required; the records were rejected.'),
  row(20,  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',       true,  'The records were written, but fewer replicas than required are in sync.'),
  row(21,  'INVALID_REQUIRED_ACKS',                  false, 'The acks value of the produce request is not valid.'),
  row(22,  'ILLEGAL_GENERATION',                     false, 'The group generation in the request is not the current one.'),
  row(23,  'INCONSISTENT_GROUP_PROTOCOL',            false, 'The member\'s protocol type or protocols are empty or do not match the group.'),
  row(24,  'INVALID_GROUP_ID',                       false, 'The group id is not valid.'),
  row(25,  'UNKNOWN_MEMBER_ID',                      false, 'The coordinator does not know this member id.'),
  row(26,  'INVALID_SESSION_TIMEOUT',                false, 'The session timeout is outside the range the broker allows.'),
  row(27,  'REBALANCE_IN_PROGRESS',                  false, 'The group is rebalancing; the member must rejoin.'),
  row(28,  'INVALID_COMMIT_OFFSET_SIZE',             false, 'The offset commit is too large or otherwise not valid.'),
  row(29,  'TOPIC_AUTHORIZATION_FAILED',             false, 'Not authorized to access the topic.'),
  row(30,  'GROUP_AUTHORIZATION_FAILED',             false, 'Not authorized to access the group.'),
  row(31,  'CLUSTER_AUTHORIZATION_FAILED',           false, 'Not authorized to perform this cluster operation.'),
  row(32,  'INVALID_TIMESTAMP',                      false, 'A record timestamp is outside the accepted range.'),
  row(33,  'UNSUPPORTED_SASL_MECHANISM',             false, 'The requested SASL mechanism is not enabled on this broker.'),
  row(34,  'ILLEGAL_SASL_STATE',                     false, 'The request is not valid in the current state of SASL authentication.'),
  row(35,  'UNSUPPORTED_VERSION',                    false, 'The broker does not support this version of the API.'),
  row(36,  'TOPIC_ALREADY_EXISTS',                   false, 'Cannot create the topic: the name is already taken.'),
  row(37,  'INVALID_PARTITIONS',                     false, 'The number of partitions is not valid.'),
  row(38,  'INVALID_REPLICATION_FACTOR',             false, 'The replication factor must be at least 1 and at most the number of available brokers.'),
  row(39,  'INVALID_REPLICA_ASSIGNMENT',             false, 'The requested replica assignment cannot be used.'),
  row(40,  'INVALID_CONFIG',                         false, 'The configuration has an unknown key or a bad value.'),
  row(41,  'NOT_CONTROLLER',                         true,  'This broker is not the active controller.'),
  row(42,  'INVALID_REQUEST',                        false, 'The request is malformed or not valid for this broker; the broker log has details.'),
  row(43,  'UNSUPPORTED_FOR_MESSAGE_FORMAT',         false, 'The request is not supported with the record format in use.'),
  row(44,  'POLICY_VIOLATION',                       false, 'The request breaks a policy configured on the broker.'),
  row(45,  'OUT_OF_ORDER_SEQUENCE_NUMBER',           false, 'The producer sequence number is out of order.'),
  row(46,  'DUPLICATE_SEQUENCE_NUMBER',              false, 'The producer sequence number repeats one already written.'),
  row(47,  'INVALID_PRODUCER_EPOCH',                 false, 'The producer epoch is older than the current one.'),
  row(48,  'INVALID_TXN_STATE',                      false, 'The operation is not valid in the transaction\'s current state.'),
  row(49,  'INVALID_PRODUCER_ID_MAPPING',            false, 'The producer id is not the one assigned to this transactional id.'),
  row(50,  'INVALID_TRANSACTION_TIMEOUT',            false, 'The transaction timeout exceeds the broker maximum (transaction.max.timeout.ms).'),
  row(51,  'CONCURRENT_TRANSACTIONS',                true,  'Another operation on the same transaction is still in progress.'),
  row(52,  'TRANSACTION_COORDINATOR_FENCED',         false, 'The sending transaction coordinator is no longer the current one for this producer.'),
  row(53,  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',  false, 'Not authorized to use the transactional id.'),
  row(54,  'SECURITY_DISABLED',                      false, 'Security features are not enabled on this broker.'),
  row(55,  'OPERATION_NOT_ATTEMPTED',                false, 'The broker skipped this operation because another part of the batched request failed.'),
  row(56,  'KAFKA_STORAGE_ERROR',                    true,  'A disk error occurred while accessing the log.'),
  row(57,  'LOG_DIR_NOT_FOUND',                      false, 'The requested log directory is not configured on the broker.'),
  row(58,  'SASL_AUTHENTICATION_FAILED',             false, 'Authentication with SASL did not succeed.'),
  row(59,  'UNKNOWN_PRODUCER_ID',                    false, 'The broker has no state for this producer id, e.g. its records were removed by retention.'),
  row(60,  'REASSIGNMENT_IN_PROGRESS',               false, 'The partition is being reassigned.'),
  row(61,  'DELEGATION_TOKEN_AUTH_DISABLED',         false, 'This broker does not have delegation tokens enabled.'),
  row(62,  'DELEGATION_TOKEN_NOT_FOUND',             false, 'The delegation token does not exist.'),
  row(63,  'DELEGATION_TOKEN_OWNER_MISMATCH',        false, 'The principal is neither the owner nor a renewer of the delegation token.'),
  row(64,  'DELEGATION_TOKEN_REQUEST_NOT_ALLOWED',   false, 'Delegation token requests are not allowed on this kind of connection.'),
  row(65,  'DELEGATION_TOKEN_AUTHORIZATION_FAILED',  false, 'Not authorized to perform this delegation token operation.'),
  row(66,  'DELEGATION_TOKEN_EXPIRED',               false, 'The delegation token is past its expiry time.'),
  row(67,  'INVALID_PRINCIPAL_TYPE',                 false, 'The principal type is not supported.'),
  row(68,  'NON_EMPTY_GROUP',                        false, 'The group still has members.'),
  row(69,  'GROUP_ID_NOT_FOUND',                     false, 'No group with this id exists.'),
  row(70,  'FETCH_SESSION_ID_NOT_FOUND',             true,  'The fetch session does not exist.'),
  row(71,  'INVALID_FETCH_SESSION_EPOCH',            true,  'The fetch session epoch is not the expected one.'),
  row(72,  'LISTENER_NOT_FOUND',                     true,  'The leader has no listener matching the one this request arrived on.'),
  row(73,  'TOPIC_DELETION_DISABLED',                false, 'Topic deletion is disabled on this cluster.'),
  row(74,  'FENCED_LEADER_EPOCH',                    true,  'The request\'s leader epoch is behind the broker\'s current epoch.'),
  row(75,  'UNKNOWN_LEADER_EPOCH',                   true,  'The request\'s leader epoch is ahead of the broker\'s current epoch.'),
  row(76,  'UNSUPPORTED_COMPRESSION_TYPE',           false, 'The request version cannot carry the partition\'s compression type (e.g. zstd).'),
  row(77,  'STALE_BROKER_EPOCH',                     false, 'The broker epoch in the request is out of date.'),
  row(78,  'OFFSET_NOT_AVAILABLE',                   true,  'The new leader\'s high watermark has not caught up yet, so the offset cannot be served.'),
  row(79,  'MEMBER_ID_REQUIRED',                     false, 'The member must rejoin with the member id the coordinator assigned.'),
  row(80,  'PREFERRED_LEADER_NOT_AVAILABLE',         true,  'The preferred replica cannot become leader right now.'),
  row(81,  'GROUP_MAX_SIZE_REACHED',                 false, 'The group already has its maximum number of members.'),
  row(82,  'FENCED_INSTANCE_ID',                     false, 'Another member registered with the same group.instance.id has replaced this one.'),
  row(83,  'ELIGIBLE_LEADERS_NOT_AVAILABLE',         true,  'No eligible leader is available for the partition.'),
  row(84,  'ELECTION_NOT_NEEDED',                    true,  'The partition does not need a leader election.'),
  row(85,  'NO_REASSIGNMENT_IN_PROGRESS',            false, 'No partition is being reassigned.'),
  row(86,  'GROUP_SUBSCRIBED_TO_TOPIC',              false, 'The group is subscribed to the topic, so its offsets for it cannot be deleted.'),
  row(87,  'INVALID_RECORD',                         false, 'A record failed the broker\'s validation and was rejected.'),
  row(88,  'UNSTABLE_OFFSET_COMMIT',                 true,  'Pending transactional offsets must be resolved first.'),
  row(89,  'THROTTLING_QUOTA_EXCEEDED',              true,  'The request exceeded a throttling quota.'),
  row(90,  'PRODUCER_FENCED',                        false, 'A newer producer with the same transactional id has fenced this one.'),
  row(91,  'RESOURCE_NOT_FOUND',                     false, 'The request refers to a resource that does not exist.'),
  row(92,  'DUPLICATE_RESOURCE',                     false, 'The request names the same resource more than once.'),
  row(93,  'UNACCEPTABLE_CREDENTIAL',                false, 'The credential does not meet the broker\'s requirements.'),
  row(94,  'INCONSISTENT_VOTER_SET',                 false, 'The sender or receiver of this voter request is not an expected voter.'),
  row(95,  'INVALID_UPDATE_VERSION',                 false, 'The update version is not valid.'),
  row(96,  'FEATURE_UPDATE_FAILED',                  false, 'The finalized features could not be updated because of a server error.'),
  row(97,  'PRINCIPAL_DESERIALIZATION_FAILURE',      false, 'The principal of a forwarded request could not be deserialized.'),
  row(98,  'SNAPSHOT_NOT_FOUND',                     false, 'The requested snapshot does not exist.'),
  row(99,  'POSITION_OUT_OF_RANGE',                  false, 'The requested position lies outside the snapshot.'),
  row(100, 'UNKNOWN_TOPIC_ID',                       true,  'This broker does not host a topic with this id.'),
  row(101, 'DUPLICATE_BROKER_REGISTRATION',          false, 'Another broker is already registered with this id.'),
  row(102, 'BROKER_ID_NOT_REGISTERED',               false, 'No broker is registered with this id.'),
  row(103, 'INCONSISTENT_TOPIC_ID',                  true,  'The topic id in the request does not match the log\'s topic id.'),
  row(104, 'INCONSISTENT_CLUSTER_ID',                false, 'The cluster id in the request does not match this cluster.'),
  row(105, 'TRANSACTIONAL_ID_NOT_FOUND',             false, 'The transactional id does not exist.'),
  row(106, 'FETCH_SESSION_TOPIC_ID_ERROR',           true,  'The fetch session uses topic ids inconsistently.'),
  row(107, 'INELIGIBLE_REPLICA',                     false, 'The proposed ISR includes a replica that is not eligible.'),
  row(108, 'NEW_LEADER_ELECTED',                     false, 'The partition state was updated, but the partition now has a different leader.'),
  row(109, 'OFFSET_MOVED_TO_TIERED_STORAGE',         false, 'The requested offset is only available in tiered storage.'),
  row(110, 'FENCED_MEMBER_EPOCH',                    false, 'The member epoch is fenced; the member must give up its partitions and rejoin.'),
  row(111, 'UNRELEASED_INSTANCE_ID',                 false, 'Another member still holds this instance id and must leave first.'),
  row(112, 'UNSUPPORTED_ASSIGNOR',                   false, 'The group does not support the requested assignor or its versions.'),
  row(113, 'STALE_MEMBER_EPOCH',                     false, 'The member epoch is stale; retry with the epoch from the latest heartbeat response.'),
  row(114, 'MISMATCHED_ENDPOINT_TYPE',               false, 'The request was sent to the wrong kind of endpoint.'),
  row(115, 'UNSUPPORTED_ENDPOINT_TYPE',              false, 'This kind of endpoint is not supported.'),
  row(116, 'UNKNOWN_CONTROLLER_ID',                  false, 'No controller with this id is known.'),
  row(117, 'UNKNOWN_SUBSCRIPTION_ID',                false, 'The telemetry subscription id is unknown or out of date.'),
  row(118, 'TELEMETRY_TOO_LARGE',                    false, 'The telemetry payload is larger than the broker accepts.'),
  row(119, 'INVALID_REGISTRATION',                   false, 'The controller rejected the broker registration.'),
  row(120, 'TRANSACTION_ABORTABLE',                  false, 'The transaction hit an error; abort it to keep using the transactional id.'),
  row(121, 'INVALID_RECORD_STATE',                   false, 'The delivery state of the record does not allow this acknowledgement.'),
  row(122, 'SHARE_SESSION_NOT_FOUND',                true,  'The share session does not exist.'),
  row(123, 'INVALID_SHARE_SESSION_EPOCH',            true,  'The share session epoch is not the expected one.'),
  row(124, 'FENCED_STATE_EPOCH',                     false, 'The share-group state epoch does not match; the request was rejected.'),
  row(125, 'INVALID_VOTER_KEY',                      false, 'The voter key does not match this replica.'),
  row(126, 'DUPLICATE_VOTER',                        false, 'The voter is already in the voter set.'),
  row(127, 'VOTER_NOT_FOUND',                        false, 'The voter is not in the voter set.'),
  row(128, 'INVALID_REGULAR_EXPRESSION',             false, 'The subscription regular expression is not a valid pattern.'),
  row(129, 'REBOOTSTRAP_REQUIRED',                   false, 'The client metadata is stale; the client must start again from its bootstrap servers.'),
  row(130, 'STREAMS_INVALID_TOPOLOGY',               false, 'The Streams topology is not valid.'),
  row(131, 'STREAMS_INVALID_TOPOLOGY_EPOCH',         false, 'The Streams topology epoch is not valid.'),
  row(132, 'STREAMS_TOPOLOGY_FENCED',                false, 'The Streams topology epoch is out of date.'),
  row(133, 'SHARE_SESSION_LIMIT_REACHED',            true,  'The broker has reached its limit of share sessions.'),
] as const;

type Row = (typeof TABLE)[number];

/** A Kafka error name, e.g. 'OFFSET_OUT_OF_RANGE'. */
export type ErrorName = Row['name'];
/** A numeric wire error code defined by the table. */
export type ErrorCodeValue = Row['code'];
/** name → code, each code typed as its literal number. */
export type ErrorCodeMap = { readonly [R in Row as R['name']]: R['code'] };

/** One row of the wire-error table. */
export interface WireError {
  readonly code: ErrorCodeValue;
  readonly name: ErrorName;
  /** True when Kafka's exception for this code extends RetriableException. */
  readonly retriable: boolean;
  /** A short default text for the response's error message field (our own words). */
  readonly message: string;
}

function buildByCode(): ReadonlyMap<number, WireError> {
  const byCode = new Map<number, WireError>();
  const names = new Set<string>();
  for (const r of TABLE) {
    invariant(!byCode.has(r.code), () => `error code ${r.code} (${r.name}) is listed twice`);
    invariant(!names.has(r.name), () => `error name ${r.name} (code ${r.code}) is listed twice`);
    byCode.set(r.code, Object.freeze({ ...r }));
    names.add(r.name);
  }
  return byCode;
}

/** code → row, for every code in the table (NONE included). */
export const ERRORS: ReadonlyMap<number, WireError> = buildByCode();

/** name → code, e.g. `ErrorCode.UNKNOWN_TOPIC_OR_PARTITION === 3`. */
export const ErrorCode: ErrorCodeMap = Object.freeze(
  Object.fromEntries(TABLE.map((r) => [r.name, r.code])),
) as ErrorCodeMap;

/** True when `code` is a wire error code this table defines. */
export function isErrorCode(code: number): code is ErrorCodeValue {
  return ERRORS.has(code);
}

/**
 * The Kafka name of `code`, or `UNKNOWN_ERROR_CODE(<code>)` for a code the table does not
 * define (that string is never a Kafka name, so logs show that the code was unknown).
 */
export function errorName(code: number): string {
  return ERRORS.get(code)?.name ?? `UNKNOWN_ERROR_CODE(${code})`;
}

/**
 * Whether Kafka clients retry `code`. Unknown codes are not retriable: clients treat them as
 * UnknownServerException.
 */
export function isRetriable(code: number): boolean {
  return ERRORS.get(code)?.retriable ?? false;
}
