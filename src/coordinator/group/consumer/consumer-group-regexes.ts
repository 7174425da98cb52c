/**
 * Regex subscriptions of consumer groups (ConsumerGroupHeartbeat v1), after Kafka 4.4's
 * GroupMetadataManager.maybeUpdateRegularExpressions / handleRegularExpressionsResult:
 *
 *  - a member changing its regex: a regex nobody else uses is dropped (tombstone); a new regex
 *    is validated (INVALID_REGULAR_EXPRESSION) and, if already resolved for the group, counts at
 *    once (UPDATED_AND_RESOLVED, the group epoch is bumped);
 *  - resolution runs as a separate operation after the heartbeat (Kafka runs it on a
 *    background executor, then as a write operation): all subscribed regexes are matched
 *    against every topic, one ConsumerGroupRegularExpression record per regex is written and,
 *    when a regex's topics or the metadata hash changed, the group epoch is bumped;
 *  - refresh: on a heartbeat, at most every 10 s, when a regex is unresolved, topics were
 *    created since the last resolution, or group.consumer.regex.refresh.interval.ms passed.
 */
import type { GroupRecord } from '../records';
import { consumerGroupOrThrow, regexResolutionKey, type ConsumerContext, type ConsumerResult } from './consumer-context';
import type { ConsumerGroup, ResolvedRegularExpression } from './consumer-group';
import { setsEqual, type ConsumerGroupMember } from './consumer-group-member';
import { groupEpochRecord, regularExpressionRecord, regularExpressionTombstone } from './consumer-group-records';
import { resolveRegularExpressions, throwIfRegularExpressionIsInvalid } from './regex';
import { EMPTY_RESULT } from '../../runtime/types';

/** Kafka's REGEX_BATCH_REFRESH_MIN_INTERVAL_MS. */
export const REGEX_BATCH_REFRESH_MIN_INTERVAL_MS = 10_000;
const METADATA_REFRESH_INTERVAL_MS = 2_147_483_647;

export const RegexUpdate = {
  NO_CHANGE: 'NO_CHANGE',
  /** The member's regex changed; the new one is not resolved yet. */
  UPDATED: 'UPDATED',
  /** The member's regex changed and its topics are known (or it dropped its regex). */
  UPDATED_AND_RESOLVED: 'UPDATED_AND_RESOLVED',
} as const;
export type RegexUpdate = (typeof RegexUpdate)[keyof typeof RegexUpdate];

export class ConsumerGroupRegexes {
  constructor(private readonly ctx: ConsumerContext) {}

  maybeUpdateRegularExpressions(group: ConsumerGroup, member: ConsumerGroupMember, updated: ConsumerGroupMember, records: GroupRecord[]): RegexUpdate {
    const now = this.ctx.clock.now();
    const oldRegex = member.subscribedTopicRegex;
    const newRegex = updated.subscribedTopicRegex;
    let requireRefresh = false;
    let status: RegexUpdate = RegexUpdate.NO_CHANGE;
    if (oldRegex !== newRegex) {
      this.ctx.log.debug({ groupId: group.groupId, memberId: updated.memberId, regex: newRegex }, 'member updated its subscribed regex');
      status = RegexUpdate.UPDATED;
      if (oldRegex && group.numSubscribedMembers(oldRegex) === 1) records.push(regularExpressionTombstone(group.groupId, oldRegex));
      if (newRegex) {
        if (group.numSubscribedMembers(newRegex) === 0) {
          throwIfRegularExpressionIsInvalid(newRegex);
          requireRefresh = true;
        } else if (group.resolvedRegularExpressions.has(newRegex)) {
          status = RegexUpdate.UPDATED_AND_RESOLVED;
        }
      } else if (oldRegex) {
        status = RegexUpdate.UPDATED_AND_RESOLVED;
      }
    }
    if (!requireRefresh && group.subscribedRegularExpressions().size === 0) return status;
    const key = regexResolutionKey(group.groupId);
    if (this.ctx.timer.isScheduled(key)) return status;
    const lastRefresh = group.lastResolvedRegularExpressionRefreshTimeMs();
    if (now <= lastRefresh + REGEX_BATCH_REFRESH_MIN_INTERVAL_MS) return status;

    const subscribed = group.computeSubscribedRegularExpressions(member, updated);
    requireRefresh ||= subscribed.size !== group.resolvedRegularExpressions.size;
    requireRefresh ||= group.lastResolvedRegularExpressionVersion() < this.ctx.image.lastVersionWithNewTopics;
    requireRefresh ||= now > lastRefresh + this.ctx.config().regexRefreshIntervalMs;
    if (requireRefresh && subscribed.size > 0) this.scheduleResolution(group.groupId, updated.memberId, [...subscribed.keys()]);
    return status;
  }

  /** Resolves `regexes` in an operation of its own, right after the current one. */
  private scheduleResolution(groupId: string, memberId: string, regexes: string[]): void {
    this.ctx.timer.schedule(regexResolutionKey(groupId), 0, () => {
      const resolved = resolveRegularExpressions(regexes, this.ctx.image.topicNames(), (regex, e) =>
        this.ctx.log.error({ groupId, regex, err: e }, "couldn't parse regular expression; ignoring it"),
      );
      const version = this.ctx.image.version;
      const timestamp = this.ctx.clock.now();
      const result = new Map<string, ResolvedRegularExpression>();
      for (const [regex, topics] of resolved) result.set(regex, { topics, version, timestamp });
      this.ctx.log.debug({ groupId, memberId, regexes }, 'refreshed regular expressions');
      return this.handleRegularExpressionsResult(groupId, result);
    });
  }

  private handleRegularExpressionsResult(groupId: string, resolved: ReadonlyMap<string, ResolvedRegularExpression>): ConsumerResult {
    let group: ConsumerGroup;
    try {
      group = consumerGroupOrThrow(this.ctx.groups, groupId);
    } catch {
      this.ctx.log.debug({ groupId }, 'received the result of a regex resolution but the group no longer exists');
      return EMPTY_RESULT;
    }
    const records: GroupRecord[] = [];
    const topicNames = new Map(group.subscribedTopics());
    let bumpGroupEpoch = false;
    for (const [regex, next] of resolved) {
      if (group.numSubscribedMembers(regex) === 0) continue;
      const old = group.resolvedRegularExpressions.get(regex);
      const oldTopics = old?.topics ?? new Set<string>();
      if (!setsEqual(oldTopics, next.topics)) {
        bumpGroupEpoch = true;
        for (const t of oldTopics) adjust(topicNames, t, -1);
        for (const t of next.topics) adjust(topicNames, t, 1);
      }
      records.push(regularExpressionRecord(groupId, regex, next.topics, next.version, next.timestamp));
    }
    const hash = this.ctx.topicHashes.metadataHash(topicNames.keys());
    if (hash !== group.metadataHash) bumpGroupEpoch = true;
    if (bumpGroupEpoch) {
      const groupEpoch = group.groupEpoch + 1;
      records.push(groupEpochRecord(groupId, groupEpoch, hash));
      this.ctx.log.info({ groupId, groupEpoch, metadataHash: String(hash) }, 'bumped group epoch after resolving regular expressions');
      group.setMetadataRefreshDeadline(this.ctx.clock.now() + METADATA_REFRESH_INTERVAL_MS, groupEpoch);
    }
    return { records, response: undefined };
  }
}

/** Regex subscription counts of topic names, for the metadata hash only. */
function adjust(counts: Map<string, { byName: number; byRegex: number }>, topic: string, delta: number): void {
  const c = counts.get(topic) ?? { byName: 0, byRegex: 0 };
  const next = { byName: c.byName, byRegex: c.byRegex + delta };
  if (next.byName <= 0 && next.byRegex <= 0) counts.delete(topic);
  else counts.set(topic, next);
}

