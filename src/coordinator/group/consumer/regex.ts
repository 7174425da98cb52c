/**
 * Topic regular expressions of KIP-848 subscriptions (ConsumerGroupHeartbeat v1). Kafka compiles
 * them with RE2J (Google's RE2 syntax, linear time) and a topic matches when the whole name
 * matches (Matcher.matches()). This broker uses JavaScript's RegExp anchored at both ends,
 * which accepts the same common syntax (classes, alternation, repetition, groups); to stay close
 * to RE2 it rejects what RE2 rejects (lookaround, backreferences), maps RE2's leading flag
 * group `(?i)` / `(?s)` / `(?m)` to RegExp flags and `(?P<name>` to `(?<name>`. Expressions using
 * RE2-only syntax (e.g. `\Q...\E`, `[[:alpha:]]`, `\pN`) are not translated.
 */
import { ErrorCode } from '../../../protocol/error-codes';
import { KafkaError } from '../../../protocol/kafka-errors';

const UNSUPPORTED: ReadonlyArray<[RegExp, string]> = [
  [/\(\?<?[=!]/, 'invalid or unsupported Perl syntax: lookaround'],
  [/(^|[^\\])\\[1-9]/, 'invalid escape sequence: backreference'],
];

/** Compiles `regex` for whole-name matching; throws a SyntaxError with RE2-like wording. */
export function compileTopicRegex(regex: string): RegExp {
  for (const [pattern, description] of UNSUPPORTED) if (pattern.test(regex)) throw new SyntaxError(description);
  let source = regex;
  let flags = 'u';
  const leading = /^\(\?([ims]+)\)/.exec(source);
  if (leading) {
    source = source.slice(leading[0].length);
    for (const f of leading[1]!) if (!flags.includes(f)) flags += f;
  }
  source = source.replace(/\(\?P</g, '(?<');
  return new RegExp(`^(?:${source})$`, flags);
}

/** Kafka's Utils.throwIfRegularExpressionIsInvalid: INVALID_REGULAR_EXPRESSION with its message. */
export function throwIfRegularExpressionIsInvalid(regex: string): void {
  try {
    compileTopicRegex(regex);
  } catch (e) {
    const description = e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : String(e);
    throw new KafkaError(ErrorCode.INVALID_REGULAR_EXPRESSION, `SubscribedTopicRegex \`${regex}\` is not a valid regular expression: ${description}.`);
  }
}

/**
 * The topics each regex matches (Kafka's TopicRegexResolver): every topic of the cluster,
 * internal ones included. An expression that does not compile matches nothing (Kafka logs and
 * ignores it).
 */
export function resolveRegularExpressions(regexes: Iterable<string>, topicNames: Iterable<string>, onInvalid?: (regex: string, e: unknown) => void): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const compiled: Array<[string, RegExp]> = [];
  for (const regex of regexes) {
    out.set(regex, new Set());
    try {
      compiled.push([regex, compileTopicRegex(regex)]);
    } catch (e) {
      onInvalid?.(regex, e);
    }
  }
  for (const topic of topicNames) {
    for (const [regex, re] of compiled) if (re.test(topic)) out.get(regex)!.add(topic);
  }
  return out;
}
