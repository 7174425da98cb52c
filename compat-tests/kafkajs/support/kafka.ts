/**
 * Small helpers shared by the kafkajs scenarios: a client for the target, polling for
 * eventually-true conditions (topic deletion and group state settle asynchronously on a real
 * Kafka too), and collecting a known number of messages from a running consumer.
 */
import { Consumer, EachMessagePayload, Kafka, KafkaConfig, logLevel } from 'kafkajs';
import type { Target } from '../../support/target';

export function kafkaFor(target: Target, clientId: string, extra: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId,
    brokers: [target.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 100, retries: 8 },
    ...extra,
  });
}

/** Polls `probe` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Received {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  timestamp: string;
}

export function toReceived({ partition, message }: EachMessagePayload): Received {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = Buffer.isBuffer(v) ? v.toString() : String(v);
  return {
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString() : null,
    value: message.value ? message.value.toString() : null,
    headers,
    timestamp: message.timestamp,
  };
}

/**
 * A sink for `consumer.run({ eachMessage })` that lets a test await the n-th message.
 * `until(n)` resolves with everything received once at least n messages arrived.
 */
export class MessageSink {
  readonly messages: Received[] = [];
  private waiters: Array<{ n: number; resolve: (m: Received[]) => void }> = [];

  readonly eachMessage = async (payload: EachMessagePayload): Promise<void> => {
    this.messages.push(toReceived(payload));
    this.waiters = this.waiters.filter((w) => {
      if (this.messages.length < w.n) return true;
      w.resolve([...this.messages]);
      return false;
    });
  };

  until(n: number, timeoutMs = 20_000): Promise<Received[]> {
    if (this.messages.length >= n) return Promise.resolve([...this.messages]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`got ${this.messages.length} of ${n} messages in ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        n,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }
}

/** Waits until the consumer has been assigned partitions by its group (GROUP_JOIN event). */
export function joined(consumer: Consumer, timeoutMs = 20_000): Promise<Record<string, number[]>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`consumer did not join its group in ${timeoutMs} ms`)), timeoutMs);
    const off = consumer.on(consumer.events.GROUP_JOIN, (e) => {
      clearTimeout(timer);
      off();
      resolve(e.payload.memberAssignment);
    });
  });
}

/** Consumer settings that keep group rebalances quick in tests; both brokers accept them. */
export const quickGroup = { sessionTimeout: 10_000, rebalanceTimeout: 10_000, heartbeatInterval: 300, maxWaitTimeInMs: 200 } as const;
