/**
 * The uniform assignor for members subscribed to different topics (Kafka's
 * UniformHeterogeneousAssignmentBuilder):
 *
 *  1. each member keeps its current partitions of topics it still subscribes to;
 *  2. unassigned partitions go, topic by topic (topics with the most partitions per subscriber
 *     first), to the subscriber with the fewest partitions;
 *  3. balancing: for each topic with at least two subscribers, partitions move from its most
 *     loaded subscribers to its least loaded ones until their counts differ by at most one;
 *     repeated over all topics (at most 16 rounds) until no topic changes.
 */
import { copyAssignment, compareTopicIds, PartitionAssignorError, type GroupAssignment, type GroupSpec, type SubscribedTopicDescriber } from './partition-assignor';
import type { Assignment } from '../assignment';

const MAX_ITERATION_COUNT = 16;

export function buildHeterogeneousAssignment(spec: GroupSpec, topics: SubscribedTopicDescriber): GroupAssignment {
  return new HeterogeneousBuilder(spec, topics).build();
}

class HeterogeneousBuilder {
  private readonly memberIds: readonly string[];
  private readonly memberIndices = new Map<string, number>();
  private readonly subscribedTopicIds = new Set<string>();
  private readonly topicSubscribers = new Map<string, number[]>();
  private readonly target = new Map<string, Assignment>();
  /** Members whose assignment in `target` is a private (writable) copy. */
  private readonly copied = new Set<number>();
  private readonly sizes: number[];
  private readonly owners = new Map<string, Int32Array>();

  constructor(
    private readonly spec: GroupSpec,
    private readonly topics: SubscribedTopicDescriber,
  ) {
    this.memberIds = spec.memberIds;
    this.memberIds.forEach((id, i) => this.memberIndices.set(id, i));
    this.sizes = new Array<number>(this.memberIds.length).fill(0);
    this.memberIds.forEach((memberId, memberIndex) => {
      for (const topicId of [...spec.memberSubscription(memberId).subscribedTopicIds].sort()) {
        if (topics.numPartitions(topicId) === -1) {
          throw new PartitionAssignorError(`Members are subscribed to topic ${topicId} which doesn't exist in the topic metadata.`);
        }
        this.subscribedTopicIds.add(topicId);
        let subs = this.topicSubscribers.get(topicId);
        if (!subs) this.topicSubscribers.set(topicId, (subs = []));
        subs.push(memberIndex);
      }
    });
    for (const topicId of this.subscribedTopicIds) this.owners.set(topicId, new Int32Array(topics.numPartitions(topicId)).fill(-1));
  }

  build(): GroupAssignment {
    if (this.subscribedTopicIds.size === 0) return new Map();
    this.maybeRevokePartitions();
    this.assignRemainingPartitions(this.computeUnassignedPartitions());
    this.balance();
    return this.target;
  }

  /** Partitions per subscriber descending, then subscriber count ascending, then topic id. */
  private compareTopics = (a: string, b: string): number => {
    const pa = this.topics.numPartitions(a);
    const pb = this.topics.numPartitions(b);
    const sa = this.topicSubscribers.get(a)!.length;
    const sb = this.topicSubscribers.get(b)!.length;
    const order = pb / sb - pa / sa;
    if (order !== 0) return order < 0 ? -1 : 1;
    if (sa !== sb) return sa - sb;
    return compareTopicIds(a, b);
  };

  /** Fewest partitions first, then member index. */
  private compareMembers = (a: number, b: number): number => this.sizes[a]! - this.sizes[b]! || a - b;

  private sortTopicIds(ids: Iterable<string>): string[] {
    return [...ids].sort(this.compareTopics);
  }

  private maybeRevokePartitions(): void {
    this.memberIds.forEach((memberId, memberIndex) => {
      const sub = this.spec.memberSubscription(memberId);
      const old = sub.assignment;
      let next: Map<string, Set<number>> | null = null;
      for (const [topicId, partitions] of old) {
        if (sub.subscribedTopicIds.has(topicId)) {
          this.sizes[memberIndex]! += partitions.size;
          const owners = this.owners.get(topicId)!;
          for (const p of partitions) owners[p] = memberIndex;
        } else {
          next ??= copyAssignment(old);
          next.delete(topicId);
        }
      }
      if (next) this.copied.add(memberIndex);
      this.target.set(memberId, next ?? old);
    });
  }

  private computeUnassignedPartitions(): Map<string, number[]> {
    const out = new Map<string, number[]>();
    for (const topicId of this.subscribedTopicIds) {
      const owners = this.owners.get(topicId)!;
      const free: number[] = [];
      for (let p = 0; p < owners.length; p++) if (owners[p] === -1) free.push(p);
      if (free.length > 0) out.set(topicId, free);
    }
    return out;
  }

  private assignRemainingPartitions(partitions: Map<string, number[]>): void {
    const balancer = new MemberAssignmentBalancer(this.sizes, this.compareMembers);
    for (const topicId of this.sortTopicIds(partitions.keys())) {
      balancer.initialize(this.topicSubscribers.get(topicId)!);
      for (const p of partitions.get(topicId)!) this.assignPartition(topicId, p, balancer.nextLeastLoadedMember());
    }
  }

  private balance(): void {
    const topicIds = [...this.subscribedTopicIds].filter((t) => this.topicSubscribers.get(t)!.length >= 2);
    if (topicIds.length > 0) this.balanceTopics(topicIds);
  }

  private balanceTopics(topicIds: string[]): void {
    const sorted = this.sortTopicIds(topicIds);
    let lastRebalanceTopicIndex = -1;
    const balancer = new MemberAssignmentBalancer(this.sizes, this.compareMembers);
    for (let i = 0; i < MAX_ITERATION_COUNT; i++) {
      for (let topicIndex = 0; topicIndex < sorted.length; topicIndex++) {
        // A whole round without moves since this topic last moved something: done.
        if (topicIndex === lastRebalanceTopicIndex) return;
        const moved = this.balanceTopic(sorted[topicIndex]!, balancer);
        if (moved > 0 || lastRebalanceTopicIndex === -1) lastRebalanceTopicIndex = topicIndex;
      }
    }
  }

  private balanceTopic(topicId: string, balancer: MemberAssignmentBalancer): number {
    let moved = 0;
    const owners = this.owners.get(topicId)!;
    if (balancer.initialize(this.topicSubscribers.get(topicId)!) <= 1) return moved;
    // Partitions grouped by owner, so that each member's partitions form a range.
    const partitions = Array.from({ length: owners.length }, (_, p) => p).sort((a, b) => owners[a]! - owners[b]! || a - b);
    const start = new Map<number, number>();
    const end = new Map<number, number>(); // exclusive
    partitions.forEach((p, i) => {
      const owner = owners[p]!;
      if (!start.has(owner)) start.set(owner, i);
      end.set(owner, i + 1);
    });
    while (!balancer.isBalanced()) {
      let mostLoaded = -1;
      for (;;) {
        mostLoaded = balancer.nextMostLoadedMember();
        if (mostLoaded === -1) break;
        const e = end.get(mostLoaded);
        if (e === undefined || e - start.get(mostLoaded)! <= 0) {
          balancer.excludeMostLoadedMember();
          continue;
        }
        break;
      }
      if (mostLoaded === -1) break;
      const partition = partitions[end.get(mostLoaded)! - 1]!;
      end.set(mostLoaded, end.get(mostLoaded)! - 1);
      const leastLoaded = balancer.nextLeastLoadedMember();
      if (balancer.isBalanced()) break;
      this.assignPartition(topicId, partition, leastLoaded);
      moved++;
    }
    return moved;
  }

  private assignPartition(topicId: string, partition: number, memberIndex: number): void {
    const owners = this.owners.get(topicId)!;
    const old = owners[partition]!;
    if (old !== -1) {
      const a = this.writable(old);
      const s = a.get(topicId)!;
      s.delete(partition);
      if (s.size === 0) a.delete(topicId);
      this.sizes[old]!--;
    }
    const a = this.writable(memberIndex);
    let s = a.get(topicId);
    if (!s) a.set(topicId, (s = new Set()));
    s.add(partition);
    owners[partition] = memberIndex;
    this.sizes[memberIndex]!++;
  }

  private writable(memberIndex: number): Map<string, Set<number>> {
    const memberId = this.memberIds[memberIndex]!;
    if (!this.copied.has(memberIndex)) {
      this.target.set(memberId, copyAssignment(this.target.get(memberId)!));
      this.copied.add(memberIndex);
    }
    return this.target.get(memberId) as Map<string, Set<number>>;
  }
}

/**
 * Picks members to take partitions from (the most loaded) and to give them to (the least
 * loaded) among one topic's subscribers. Two ranges over the subscribers sorted by load grow
 * from both ends; the topic is balanced once their partition counts differ by one or less.
 */
class MemberAssignmentBalancer {
  private readonly sortedMembers: number[] = [];
  private leastLoadedRangeEnd = 0; // exclusive
  private leastLoadedRangePartitionCount = -1;
  private nextLeastLoaded = 0;
  private mostLoadedRangeStart = 0; // inclusive
  private mostLoadedRangeEnd = 0; // exclusive
  private mostLoadedRangePartitionCount = 1;
  private nextMostLoaded = -1;

  constructor(
    private readonly sizes: number[],
    private readonly compareMembers: (a: number, b: number) => number,
  ) {}

  /** Returns the spread between the most and the least loaded member. */
  initialize(members: readonly number[]): number {
    if (members.length === 0) throw new Error('Cannot balance an empty subscriber list.');
    this.sortedMembers.length = 0;
    this.sortedMembers.push(...members);
    this.sortedMembers.sort(this.compareMembers);
    const first = this.sizes[this.sortedMembers[0]!]!;
    const last = this.sizes[this.sortedMembers[this.sortedMembers.length - 1]!]!;
    this.leastLoadedRangeEnd = 0;
    this.leastLoadedRangePartitionCount = first - 1;
    this.nextLeastLoaded = 0;
    this.mostLoadedRangeStart = this.sortedMembers.length;
    this.mostLoadedRangeEnd = this.sortedMembers.length;
    this.mostLoadedRangePartitionCount = last + 1;
    this.nextMostLoaded = this.sortedMembers.length - 1;
    return last - first;
  }

  nextLeastLoadedMember(): number {
    if (this.nextLeastLoaded >= this.leastLoadedRangeEnd) {
      this.leastLoadedRangePartitionCount++;
      while (this.leastLoadedRangeEnd < this.sortedMembers.length && this.sizes[this.sortedMembers[this.leastLoadedRangeEnd]!] === this.leastLoadedRangePartitionCount) {
        this.leastLoadedRangeEnd++;
      }
      this.nextLeastLoaded = 0;
    }
    return this.sortedMembers[this.nextLeastLoaded++]!;
  }

  nextMostLoadedMember(): number {
    if (this.nextMostLoaded < this.mostLoadedRangeStart) {
      if (this.mostLoadedRangeEnd <= this.mostLoadedRangeStart && this.mostLoadedRangeStart > 0) {
        // Emptied by excludeMostLoadedMember(): make sure the range expands below.
        this.mostLoadedRangePartitionCount = this.sizes[this.sortedMembers[this.mostLoadedRangeStart - 1]!]!;
      } else {
        this.mostLoadedRangePartitionCount--;
      }
      while (this.mostLoadedRangeStart > 0 && this.sizes[this.sortedMembers[this.mostLoadedRangeStart - 1]!] === this.mostLoadedRangePartitionCount) {
        this.mostLoadedRangeStart--;
      }
      this.nextMostLoaded = this.mostLoadedRangeEnd - 1;
    }
    if (this.nextMostLoaded < 0) return -1;
    return this.sortedMembers[this.nextMostLoaded--]!;
  }

  /** Drops the member just returned by nextMostLoadedMember() from the most loaded range. */
  excludeMostLoadedMember(): void {
    const i = this.nextMostLoaded + 1;
    const member = this.sortedMembers[i]!;
    this.sortedMembers[i] = this.sortedMembers[this.mostLoadedRangeEnd - 1]!;
    this.sortedMembers[this.mostLoadedRangeEnd - 1] = member;
    this.mostLoadedRangeEnd--;
  }

  isBalanced(): boolean {
    return this.mostLoadedRangePartitionCount - this.leastLoadedRangePartitionCount <= 1;
  }
}
