// Shared helpers for the @platformatic/kafka scenarios. Each scenario is a plain Node ESM script
// (the client is ESM-only, which jest cannot import): it reads the bootstrap address from
// KAFKA_BOOTSTRAP, does its work and prints ONE line of JSON on stdout describing what it
// observed; compat-tests/platformatic/*.test.ts run the scripts and check that JSON.
import { randomBytes } from 'node:crypto';

export const bootstrap = () => {
  const b = process.env.KAFKA_BOOTSTRAP;
  if (!b) throw new Error('KAFKA_BOOTSTRAP is not set');
  return b;
};

export const clientOptions = (clientId) => ({ clientId, bootstrapBrokers: [bootstrap()], retries: 5, retryDelay: 100, timeout: 10_000 });

export const uniqueName = (prefix) => `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a truthy value. */
export async function waitFor(what, probe, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await sleep(100);
  }
}

/** A client error as plain data: the class name, message and Kafka error code/name when present. */
export function describeError(e) {
  const inner = e?.errors?.[0] ?? e;
  return {
    name: e?.name,
    message: e?.message,
    code: e?.code,
    apiCode: inner?.apiCode ?? e?.apiCode,
    apiId: inner?.apiId ?? e?.apiId,
    innerMessages: (e?.errors ?? []).map((x) => x?.message),
  };
}

/** Runs a scenario, prints its result as JSON, and exits 0; prints {error} and exits 1 on failure. */
export async function runScenario(main) {
  const timer = setTimeout(() => {
    process.stdout.write(`${JSON.stringify({ error: { message: 'scenario timed out after 45 s' } })}\n`);
    process.exit(1);
  }, 45_000);
  try {
    const result = await main();
    process.stdout.write(`${JSON.stringify(result, (_, v) => (typeof v === 'bigint' ? v.toString() : v))}\n`);
    clearTimeout(timer);
    process.exit(0);
  } catch (e) {
    process.stdout.write(`${JSON.stringify({ error: describeError(e) })}\n`);
    process.exit(1);
  }
}

/** Reads `count` messages from a consumer stream, then returns them as plain objects. */
export function collect(stream, count, timeoutMs = 20_000) {
  return new Promise((resolve, reject) => {
    const got = [];
    const timer = setTimeout(() => reject(new Error(`got ${got.length} of ${count} messages in ${timeoutMs} ms`)), timeoutMs);
    stream.on('error', reject);
    stream.on('data', (m) => {
      got.push({
        topic: m.topic,
        partition: m.partition,
        offset: m.offset.toString(),
        key: m.key ?? null,
        value: m.value ?? null,
        headers: Object.fromEntries([...(m.headers ?? new Map())].map(([k, v]) => [String(k), String(v)])),
        timestamp: m.timestamp?.toString(),
      });
      if (got.length === count) {
        clearTimeout(timer);
        resolve([...got]);
      }
    });
  });
}

/**
 * Waits until every partition of a new topic answers ListOffsets. On Kafka the leaders come up
 * asynchronously after CreateTopics; producing before that makes a non-idempotent client retry
 * a whole multi-partition request, duplicating what one partition had already written.
 */
export async function waitForTopicReady(admin, topic, partitions) {
  await waitFor(`topic ${topic} to be ready`, async () => {
    const [res] = await admin.listOffsets({
      topics: [{ name: topic, partitions: Array.from({ length: partitions }, (_, i) => ({ partitionIndex: i, timestamp: -1n })) }],
    });
    return res.partitions.length === partitions;
  });
}
