/**
 * Embedding API: start a Kafka-protocol broker inside a Node process, e.g. in a test suite.
 *
 *   import { startBroker } from 'tributary';
 *   const broker = await startBroker();          // port 0, throw-away data directory
 *   const kafka = new Kafka({ brokers: [broker.bootstrap] });
 *   ...
 *   await broker.stop();                          // also removes the temporary data directory
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import { ConfigProfile, loadBrokerConfig } from './config';
import { Broker } from './server/broker';
import { setRootLogger } from './util/logger';

export interface StartBrokerOptions {
  /** Port to listen on (127.0.0.1); 0, the default, picks a free one. */
  port?: number;
  /** Host to listen on and advertise; default 127.0.0.1. */
  host?: string;
  /** Data directory; default a new temporary directory, removed by stop(). */
  dataDir?: string;
  /** Any Kafka broker properties, e.g. { 'num.partitions': 3 }. */
  config?: Record<string, string | number | boolean>;
  /** pino log level for the broker's logs; default 'warn'. */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export interface EmbeddedBroker {
  /** `host:port` to use as bootstrap.servers / kafkajs `brokers`. */
  readonly bootstrap: string;
  readonly host: string;
  readonly port: number;
  readonly clusterId: string;
  readonly dataDir: string;
  /** Graceful stop; removes the data directory if startBroker created it. */
  stop(): Promise<void>;
}

export async function startBroker(options: StartBrokerOptions = {}): Promise<EmbeddedBroker> {
  setRootLogger(pino({ level: options.logLevel ?? 'warn' }));
  const host = options.host ?? '127.0.0.1';
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-'));
  const hostPart = host.includes(':') ? `[${host}]` : host;
  try {
    const config = loadBrokerConfig({
      profile: ConfigProfile.DEVELOPMENT,
      settings: { ...options.config },
      overrides: [`listeners=PLAINTEXT://${hostPart}:${options.port ?? 0}`, `log.dirs=${dataDir}`],
    });
    const broker = await Broker.start({ config });
    const bound = broker.listeners[0];
    return {
      bootstrap: broker.bootstrap,
      host,
      port: bound.port,
      clusterId: broker.clusterId,
      dataDir,
      async stop() {
        await broker.stop();
        if (ownDir) fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    if (ownDir) fs.rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
}

export { Broker } from './server/broker';
export { loadBrokerConfig, ConfigProfile } from './config';
