/**
 * Test helpers for the metadata and admin handlers: a real broker on a temporary log dir
 * (its services are what handlers are built on), and a request context as the dispatcher
 * would build it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadBrokerConfig } from '../../../src/config';
import type { ConnectionContext } from '../../../src/network';
import { Broker } from '../../../src/server/broker';
import type { RequestContext } from '../../../src/server/handler';
import { logger } from '../../../src/util/logger';

export interface TestBroker {
  broker: Broker;
  dir: string;
  host: string;
  port: number;
  /** Stops the broker; removes its directory unless `keepDir`. */
  stop(keepDir?: boolean): Promise<void>;
}

export function tempDir(prefix = 'tributary-admin-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Starts a development-profile broker on 127.0.0.1 (port 0 unless given) with `overrides`. */
export async function startBroker(overrides: string[] = [], dir = tempDir(), port = 0): Promise<TestBroker> {
  const config = loadBrokerConfig({
    profile: 'development',
    env: {},
    overrides: [`listeners=PLAINTEXT://127.0.0.1:${port}`, `log.dirs=${dir}`, ...overrides],
  });
  const broker = await Broker.start({ config });
  const bound = broker.listeners[0];
  return {
    broker,
    dir,
    host: '127.0.0.1',
    port: bound.port,
    async stop(keepDir = false) {
      await broker.stop();
      if (!keepDir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A connection context for a request that came in on `listenerName`. */
export function fakeConnection(listenerName = 'PLAINTEXT'): ConnectionContext {
  return {
    connectionId: '127.0.0.1:9092-127.0.0.1:50000-0',
    listenerName,
    securityProtocol: 'PLAINTEXT',
    remoteAddress: '127.0.0.1',
    remotePort: 50000,
    localAddress: '127.0.0.1',
    localPort: 9092,
    isOpen: true,
    close() {},
    closeAfterResponses() {},
  };
}

/** The context the dispatcher gives a handler for `apiKey` at `apiVersion`. */
export function ctx(apiKey: number, apiVersion: number, listenerName = 'PLAINTEXT'): RequestContext {
  return {
    header: { requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId: 1, clientId: 'test' },
    apiVersion,
    clientId: 'test',
    connection: fakeConnection(listenerName),
    log: logger('test'),
  };
}
