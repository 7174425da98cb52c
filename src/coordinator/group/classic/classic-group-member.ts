/**
 * A member of a classic group (Kafka's ClassicGroupMember): its identity, timeouts, the
 * protocols it supports with their metadata, its current assignment, and the JoinGroup /
 * SyncGroup response it is waiting for, if any (soft state, never persisted).
 */
import type { JoinGroupResponse } from '../../../protocol/generated/join-group';
import type { SyncGroupResponse } from '../../../protocol/generated/sync-group';
import { invariant } from '../../../util/invariant';

export const EMPTY_ASSIGNMENT: Buffer = Buffer.alloc(0);

export interface JoinProtocol {
  readonly name: string;
  readonly metadata: Buffer;
}

export type JoinResult = Omit<JoinGroupResponse, 'throttleTimeMs'>;
export type SyncResult = Omit<SyncGroupResponse, 'throttleTimeMs'>;

export class ClassicGroupMember {
  /** Set while a JoinGroup of this member is parked. */
  awaitingJoin: ((r: JoinResult) => void) | null = null;
  /** Set while a SyncGroup of this member is parked. */
  awaitingSync: ((r: SyncResult) => void) | null = null;
  /** Joined but not yet part of a completed join phase: may be expired while awaiting join. */
  isNew = false;

  constructor(
    readonly memberId: string,
    readonly groupInstanceId: string | null,
    readonly clientId: string,
    readonly clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    readonly protocolType: string,
    public protocols: readonly JoinProtocol[],
    public assignment: Buffer = EMPTY_ASSIGNMENT,
  ) {}

  get isStatic(): boolean {
    return this.groupInstanceId !== null;
  }

  get isAwaitingJoin(): boolean {
    return this.awaitingJoin !== null;
  }

  get isAwaitingSync(): boolean {
    return this.awaitingSync !== null;
  }

  /** The member's metadata for `protocolName`, which it must support. */
  metadata(protocolName: string): Buffer {
    const p = this.protocols.find((x) => x.name === protocolName);
    invariant(p, () => `member ${this.memberId} does not support protocol ${protocolName}`);
    return p.metadata;
  }

  /**
   * Whether a heartbeat expiry finds the member alive: members parked in a rebalance count as
   * alive, except new ones, which may time out while parked.
   */
  hasSatisfiedHeartbeat(): boolean {
    if (this.isNew) return false;
    return this.isAwaitingJoin || this.isAwaitingSync;
  }

  /** Same protocols, same metadata, same order (Kafka compares the collections as lists). */
  matches(protocols: readonly JoinProtocol[]): boolean {
    if (protocols.length !== this.protocols.length) return false;
    return protocols.every((p, i) => p.name === this.protocols[i]!.name && p.metadata.equals(this.protocols[i]!.metadata));
  }

  /** The member's preferred protocol among `candidates`. */
  vote(candidates: ReadonlySet<string>): string {
    const p = this.protocols.find((x) => candidates.has(x.name));
    invariant(p, () => `member ${this.memberId} supports none of the candidate protocols ${[...candidates].join(', ')}`);
    return p.name;
  }

  get hasAssignment(): boolean {
    return this.assignment.length > 0;
  }

  protocolNames(): Set<string> {
    return new Set(this.protocols.map((p) => p.name));
  }
}
