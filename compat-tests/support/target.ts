/**
 * The broker a compat scenario talks to. With KAFKA_BOOTSTRAP set (e.g. a real Apache Kafka
 * started by compat-tests/reference-kafka/kafka.sh), scenarios run against that address;
 * otherwise each suite starts its own Tributary in-process on a free port with a temporary
 * data directory. The same scenario must pass against both.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startBroker, type EmbeddedBroker } from '../../src';

export interface Target {
  readonly bootstrap: string;
  /** True when the scenario runs against Tributary started by the suite (restart is possible). */
  readonly own: boolean;
  /** Restarts the broker on the same data directory (own broker only). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export const externalBootstrap = (): string | undefined => process.env.KAFKA_BOOTSTRAP || undefined;

export async function startTarget(config: Record<string, string | number | boolean> = {}): Promise<Target> {
  const external = externalBootstrap();
  if (external) {
    return { bootstrap: external, own: false, restart: async () => undefined, stop: async () => undefined };
  }
  // The suite owns the data directory so that a restart keeps it.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-compat-'));
  let broker: EmbeddedBroker = await startBroker({ config, dataDir });
  const port = broker.port;
  let stopped = false;
  return {
    get bootstrap() {
      return broker.bootstrap;
    },
    own: true,
    async restart() {
      await broker.stop();
      broker = await startBroker({ config, dataDir, port });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await broker.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A topic name unique to this run, so scenarios can share a real Kafka without clashing. */
export const uniqueName = (prefix: string): string => `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
