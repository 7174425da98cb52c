/**
 * The two brokers of a run: the reference Apache Kafka (compat-tests/reference-kafka/kafka.sh,
 * or an address given in REFERENCE_BOOTSTRAP) and Tributary started in-process with the same
 * settings kafka.sh gives Kafka, so that defaults do not show up as differences.
 */
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { startBroker, type EmbeddedBroker } from '../../../src';
import { API_VERSIONS_KEY } from '../../../src/protocol/frame';
import type { BrokerSide } from './runner';
import type { Side, VersionRange } from './session';
import { completeRequest } from './spec-model';
import { WireClient } from './wire-client';

const KAFKA_SH = path.resolve(__dirname, '../../reference-kafka/kafka.sh');

/** The reference broker could not be had; the message says why (e.g. Maven Central unreachable). */
export class ReferenceUnavailableError extends Error {
  override name = 'ReferenceUnavailableError';
}

/** Settings kafka.sh writes into server.properties that change what clients see. */
export const SHARED_SETTINGS: Readonly<Record<string, string | number | boolean>> = {
  'node.id': 1,
  'auto.create.topics.enable': true,
  'num.partitions': 1,
  'offsets.topic.replication.factor': 1,
  'offsets.topic.num.partitions': 1,
  'transaction.state.log.replication.factor': 1,
  'transaction.state.log.min.isr': 1,
  'transaction.state.log.num.partitions': 1,
  'group.initial.rebalance.delay.ms': 0,
};

export interface Reference {
  bootstrap: string;
  version: string;
  /** True when this run started the broker (and stop() stops it). */
  own: boolean;
  stop(): void;
}

function kafkaSh(args: string[], env: NodeJS.ProcessEnv): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(KAFKA_SH, args, { env, encoding: 'utf8', timeout: 15 * 60_000 });
  if (r.error) throw new ReferenceUnavailableError(`cannot run ${KAFKA_SH}: ${r.error.message}`);
  return { code: r.status ?? 1, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

/** A loopback port the kernel considers free now (nothing listening on or bound to it). */
function freePort(): number {
  const script = "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  const port = Number(r.stdout);
  if (!Number.isInteger(port) || port <= 0) throw new ReferenceUnavailableError(`could not find a free port: ${r.stderr || r.error?.message}`);
  return port;
}

/**
 * REFERENCE_BOOTSTRAP if set; otherwise starts Kafka with kafka.sh in a state directory of this
 * run's own (named after the process id), so that neither another suite's broker nor a
 * concurrent run's is ever touched.
 */
export function startReference(): Reference {
  const version = (() => {
    const r = spawnSync(KAFKA_SH, ['version'], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : 'unknown';
  })();
  const given = process.env.REFERENCE_BOOTSTRAP;
  if (given) return { bootstrap: given, version: process.env.REFERENCE_VERSION ?? `${version} (assumed; REFERENCE_BOOTSTRAP)`, own: false, stop: () => undefined };
  const env = { ...process.env, REF_KAFKA_STATE_DIR: path.join(os.tmpdir(), `tributary-differential-kafka-${process.pid}`) };
  // kafka.sh's own choice, the first port from 39092 that refuses a connection, can be the
  // local port of some client's connection (39092 is in Linux's ephemeral range), which Kafka
  // then fails to bind: take a port from the kernel instead, as run-wider.sh does, and retry
  // once more should it be taken in between.
  const fixedPort = Boolean(process.env.REF_KAFKA_PORT);
  let r = { code: 1, stdout: '', stderr: '' };
  for (let attempt = 1; attempt <= (fixedPort ? 1 : 3); attempt++) {
    r = kafkaSh(fixedPort ? ['start'] : ['start', '--port', String(freePort())], env);
    if (r.code === 0 && /^\S+:\d+$/.test(r.stdout)) break;
    kafkaSh(['stop'], env);
  }
  if (r.code !== 0 || !/^\S+:\d+$/.test(r.stdout)) {
    const why = r.stderr.split('\n').filter((l) => /reference-kafka:/.test(l)).join('\n') || r.stderr || r.stdout;
    throw new ReferenceUnavailableError(`the reference Apache Kafka did not start (kafka.sh exit ${r.code}):\n${why}`);
  }
  let stopped = false;
  return {
    bootstrap: r.stdout,
    version,
    own: true,
    stop() {
      if (stopped) return;
      stopped = true;
      kafkaSh(['stop'], env);
    },
  };
}

export async function startTributary(): Promise<EmbeddedBroker> {
  return startBroker({ config: { ...SHARED_SETTINGS }, logLevel: 'error' });
}

/** Asks a broker which API versions it supports (ApiVersions v3, as current clients do). */
export async function probeBroker(side: Side, bootstrap: string): Promise<BrokerSide> {
  const c = WireClient.fromBootstrap(bootstrap, 'tributary-differential');
  try {
    const body = completeRequest(API_VERSIONS_KEY, { clientSoftwareName: 'tributary-differential', clientSoftwareVersion: '1' });
    const o = await c.send(API_VERSIONS_KEY, 3, body);
    if (o.kind !== 'response') throw new Error(`${side} at ${bootstrap} did not answer ApiVersions (${o.kind})`);
    const r = o.body as { errorCode: number; apiKeys: Array<{ apiKey: number; minVersion: number; maxVersion: number }> };
    if (r.errorCode !== 0) throw new Error(`${side} at ${bootstrap} answered ApiVersions with error ${r.errorCode}`);
    const advertised = new Map<number, VersionRange>(r.apiKeys.map((k) => [k.apiKey, { min: k.minVersion, max: k.maxVersion }]));
    return { side, bootstrap, advertised };
  } finally {
    await c.close();
  }
}
