/**
 * Partition assignments of KIP-848 groups, keyed by topic id (Kafka's Assignment and the
 * Map<Uuid, Map<Integer, Integer>> "with epochs" form of KIP-1251, where each partition carries
 * the member epoch at which it was assigned). Values are treated as immutable: every change
 * builds a new map.
 */

/** topic id → partitions */
export type Assignment = ReadonlyMap<string, ReadonlySet<number>>;
/** topic id → partition → epoch at which the member got it */
export type AssignmentWithEpochs = ReadonlyMap<string, ReadonlyMap<number, number>>;

export const EMPTY_ASSIGNMENT: Assignment = new Map();
export const EMPTY_ASSIGNMENT_WITH_EPOCHS: AssignmentWithEpochs = new Map();

export function withoutEpochs(a: AssignmentWithEpochs): Assignment {
  const out = new Map<string, ReadonlySet<number>>();
  for (const [t, ps] of a) out.set(t, new Set(ps.keys()));
  return out;
}

/** Every partition at `epoch` (Kafka's Utils.toAssignmentWithEpochs). */
export function withEpoch(a: Assignment, epoch: number): AssignmentWithEpochs {
  const out = new Map<string, ReadonlyMap<number, number>>();
  for (const [t, ps] of a) out.set(t, new Map([...ps].map((p) => [p, epoch])));
  return out;
}

export function assignmentsEqual(a: Assignment, b: Assignment): boolean {
  if (a.size !== b.size) return false;
  for (const [t, ps] of a) {
    const other = b.get(t);
    if (!other || other.size !== ps.size) return false;
    for (const p of ps) if (!other.has(p)) return false;
  }
  return true;
}

export function assignmentsWithEpochsEqual(a: AssignmentWithEpochs, b: AssignmentWithEpochs): boolean {
  if (a.size !== b.size) return false;
  for (const [t, ps] of a) {
    const other = b.get(t);
    if (!other || other.size !== ps.size) return false;
    for (const [p, e] of ps) if (other.get(p) !== e) return false;
  }
  return true;
}

/** Same partitions, whatever their epochs (Kafka's hasAssignedPartitionsChanged compares these). */
export function samePartitions(a: AssignmentWithEpochs, b: AssignmentWithEpochs): boolean {
  if (a.size !== b.size) return false;
  for (const [t, ps] of a) {
    const other = b.get(t);
    if (!other || other.size !== ps.size) return false;
    for (const p of ps.keys()) if (!other.has(p)) return false;
  }
  return true;
}

export function partitionCount(a: Assignment | AssignmentWithEpochs): number {
  let n = 0;
  for (const ps of a.values()) n += ps.size;
  return n;
}

/** For logs: "topicId-0, topicId-1" style. */
export function assignmentToString(a: Assignment | AssignmentWithEpochs): string {
  const parts: string[] = [];
  for (const [t, ps] of a) {
    const list = ps instanceof Map ? [...ps].map(([p, e]) => `${p}@${e}`) : [...(ps as ReadonlySet<number>)];
    parts.push(`${t}-[${list.join(', ')}]`);
  }
  return parts.join(', ');
}

/** Assignment from wire/record lists of topic id + partitions. */
export function assignmentFromTopicPartitions(list: ReadonlyArray<{ topicId: string; partitions: readonly number[] }>): Assignment {
  const out = new Map<string, Set<number>>();
  for (const tp of list) {
    let s = out.get(tp.topicId);
    if (!s) out.set(tp.topicId, (s = new Set()));
    for (const p of tp.partitions) s.add(p);
  }
  return out;
}

/**
 * Assignment with epochs from a CurrentMemberAssignment record; partitions without epochs (a
 * record written before KIP-1251, or a malformed one) get max(memberEpoch, 0), as Kafka's
 * Utils.assignmentFromTopicPartitions.
 */
export function assignmentWithEpochsFromRecord(
  list: ReadonlyArray<{ topicId: string; partitions: readonly number[]; assignmentEpochs: readonly number[] | null }>,
  memberEpoch: number,
): AssignmentWithEpochs {
  const fallback = Math.max(memberEpoch, 0);
  const out = new Map<string, Map<number, number>>();
  for (const tp of list) {
    const epochs = tp.assignmentEpochs !== null && tp.assignmentEpochs.length === tp.partitions.length ? tp.assignmentEpochs : null;
    const m = new Map<number, number>();
    tp.partitions.forEach((p, i) => m.set(p, epochs ? epochs[i]! : fallback));
    out.set(tp.topicId, m);
  }
  return out;
}
