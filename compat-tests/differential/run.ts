/**
 * Differential conformance run: replays the scripted sessions of sessions/ against Apache Kafka
 * and against Tributary, compares the decoded answers, and writes results/latest.md and
 * results/latest.json.
 *
 *   npx tsx compat-tests/differential/run.ts                      # starts/stops Kafka with kafka.sh
 *   REFERENCE_BOOTSTRAP=127.0.0.1:39092 npx tsx compat-tests/differential/run.ts
 *   npx tsx compat-tests/differential/run.ts --session data-path   # only sessions whose name contains this
 *
 * Exit status: 0 when the run completed (differences are results, not failures); 2 when the
 * reference Kafka could not be started or reached (e.g. Maven Central is unreachable), so that a
 * run without a reference never passes silently; 1 on any other error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { API_SPECS } from '../../src/protocol/generated';
import { probeBroker, ReferenceUnavailableError, startReference, startTributary, type Reference } from './lib/brokers';
import { renderJson, renderMarkdown, summarise } from './lib/report';
import { PairResult, ReferenceLostError, runSession } from './lib/runner';
import { commonVersion, SessionEnv, versionsToTest } from './lib/session';
import { ALL_SESSIONS } from './sessions';

const RESULTS_DIR = path.join(__dirname, 'results');

function say(msg: string): void {
  process.stderr.write(`differential: ${msg}\n`);
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  const started = Date.now();
  const filter = argValue('--session');
  const sessions = ALL_SESSIONS.filter((s) => !filter || s.name.includes(filter));
  if (!sessions.length) throw new Error(`no session matches "${filter}" (sessions: ${ALL_SESSIONS.map((s) => s.name).join(', ')})`);

  let reference: Reference;
  try {
    say(process.env.REFERENCE_BOOTSTRAP ? `using the reference Kafka at ${process.env.REFERENCE_BOOTSTRAP}` : 'starting the reference Apache Kafka (compat-tests/reference-kafka/kafka.sh)…');
    reference = startReference();
  } catch (e) {
    if (e instanceof ReferenceUnavailableError) {
      say(`FAILED: ${e.message}`);
      say('no comparison was made; fix the reference broker (see compat-tests/reference-kafka/README.md) and run again.');
      return 2;
    }
    throw e;
  }
  const stopReference = (): void => reference.stop();
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      stopReference();
      process.exit(code);
    });
  }
  let tributary;
  try {
    tributary = await startTributary();
  } catch (e) {
    stopReference();
    throw e;
  }
  try {
    let kafka;
    try {
      kafka = await probeBroker('kafka', reference.bootstrap);
    } catch (e) {
      say(`FAILED: the reference Kafka at ${reference.bootstrap} does not answer: ${(e as Error).message}`);
      return 2;
    }
    const trib = await probeBroker('tributary', tributary.bootstrap);
    say(`Kafka ${reference.version} at ${reference.bootstrap}; Tributary at ${tributary.bootstrap}`);

    const runId = Date.now().toString(36).slice(-6);
    const env: SessionEnv = {
      runId,
      name: (base) => `${base}-${runId}`,
      advertised: (side, api) => (side === 'kafka' ? kafka : trib).advertised.get(api),
      versions: (api) => {
        const spec = API_SPECS.get(api);
        if (!spec) throw new Error(`unknown API key ${api}`);
        return versionsToTest(kafka.advertised.get(api), trib.advertised.get(api), { min: spec.minVersion, max: spec.maxVersion });
      },
      common: (api, end) => {
        const spec = API_SPECS.get(api);
        if (!spec) throw new Error(`unknown API key ${api}`);
        return commonVersion(kafka.advertised.get(api), trib.advertised.get(api), { min: spec.minVersion, max: spec.maxVersion }, end);
      },
    };

    const pairs: PairResult[] = [];
    for (const s of sessions) {
      const t0 = Date.now();
      let got: PairResult[];
      try {
        got = await runSession(s, env, kafka, trib);
      } catch (e) {
        if (!(e instanceof ReferenceLostError)) throw e;
        say(`FAILED: ${e.message}; no results written.`);
        return 2;
      }
      pairs.push(...got);
      say(`session ${s.name}: ${summarise(got).line} [${((Date.now() - t0) / 1000).toFixed(1)} s]`);
    }

    const info = {
      date: new Date().toISOString(),
      kafkaVersion: reference.version,
      kafkaBootstrap: reference.bootstrap,
      tributaryBootstrap: tributary.bootstrap,
      durationMs: Date.now() - started,
      sessions: sessions.map((s) => s.name),
    };
    const outDir = argValue('--out') ?? RESULTS_DIR;
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, 'latest.md'), renderMarkdown(info, pairs, kafka, trib));
    fs.writeFileSync(path.join(outDir, 'latest.json'), renderJson(info, pairs, kafka, trib));
    say(`wrote ${path.relative(process.cwd(), path.join(outDir, 'latest.md'))} and latest.json`);
    process.stdout.write(`${summarise(pairs).line}\n`);
    return 0;
  } finally {
    try {
      await tributary.stop();
    } finally {
      stopReference();
    }
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    say(`error: ${(e as Error).stack ?? e}`);
    process.exit(1);
  },
);
