import { collidingTopic, invalidTopicNameReason, isInternalTopic, topicNameError } from '../../../src/server/handlers/topic-names';

describe('topic names (Kafka Topic.validate)', () => {
  it('accepts ASCII letters, digits, dot, underscore and dash up to 249 characters', () => {
    for (const ok of ['a', 'A-z_0.9', 'x'.repeat(249), '...a', '-']) expect(invalidTopicNameReason(ok)).toBeNull();
  });

  it('refuses empty, . and .., too long, and other characters', () => {
    for (const bad of ['', '.', '..', 'x'.repeat(250), 'a b', 'a/b', 'é', 'a:b', 'a\u0000']) {
      expect(invalidTopicNameReason(bad)).toEqual(expect.any(String));
      expect(topicNameError(bad)).toMatch(/^Topic name is invalid: /);
    }
  });

  it('knows the internal topics', () => {
    expect(isInternalTopic('__consumer_offsets')).toBe(true);
    expect(isInternalTopic('__transaction_state')).toBe(true);
    expect(isInternalTopic('__share_group_state')).toBe(true);
    expect(isInternalTopic('__cluster_metadata')).toBe(false);
    expect(isInternalTopic('consumer_offsets')).toBe(false);
  });

  it("finds a topic differing only by '.' versus '_'", () => {
    expect(collidingTopic('a_b', ['a.b', 'c'])).toBe('a.b');
    expect(collidingTopic('a.b', ['a_b'])).toBe('a_b');
    expect(collidingTopic('a.b', ['a.b'])).toBeUndefined();
    expect(collidingTopic('ab', ['a_b'])).toBeUndefined();
  });
});
