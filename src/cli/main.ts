#!/usr/bin/env node
/**
 * `tributary` / `npm start`: starts a broker in the foreground.
 *
 *   tributary [--config server.properties] [--override key=value ...] [--ephemeral]
 *             [--profile development|production]
 *
 * Configuration layers, lowest first: profile defaults (development unless told otherwise),
 * the properties file, KAFKA_* environment variables, --override flags. SIGINT/SIGTERM stop
 * the broker cleanly: in-flight requests finish, logs are flushed, and the clean-shutdown
 * marker is written.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import { ConfigArgumentError, ConfigProfile, ConfigValidationError, extractOverrideArgs, formatProblem, loadBrokerConfig, logConfigReport } from '../config';
import { Broker } from '../server/broker';
import { logger, setRootLogger } from '../util/logger';

const USAGE = `usage: tributary [--config FILE] [--override key=value]... [--ephemeral] [--profile development|production]

  --config FILE     Kafka-style server.properties to read
  --override k=v    set one property (repeatable; wins over the file and KAFKA_* variables)
  --ephemeral       keep data in a temporary directory that is removed on exit
  --profile NAME    defaults to start from: development (default) or production (Kafka's)
  --help            show this text
`;

interface CliArgs {
  configFile?: string;
  ephemeral: boolean;
  profile: ConfigProfile;
  overrides: string[];
}

function parseArgs(argv: string[]): CliArgs {
  const { overrides, rest } = extractOverrideArgs(argv);
  const out: CliArgs = { ephemeral: false, profile: ConfigProfile.DEVELOPMENT, overrides: overrides.map((o) => `${o.key}=${o.value}`) };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const value = (): string => {
      if (i + 1 >= rest.length) throw new ConfigArgumentError(`${a} needs a value`);
      return rest[++i];
    };
    if (a === '--config') out.configFile = value();
    else if (a.startsWith('--config=')) out.configFile = a.slice('--config='.length);
    else if (a === '--ephemeral') out.ephemeral = true;
    else if (a === '--profile') out.profile = value() as ConfigProfile;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(USAGE);
      process.exit(0);
    } else throw new ConfigArgumentError(`unknown argument '${a}'`);
  }
  if (!Object.values(ConfigProfile).includes(out.profile)) throw new ConfigArgumentError(`unknown profile '${out.profile}' (development or production)`);
  return out;
}

/** JSON logs by default; human-readable when stdout is a terminal (pino-pretty, in-process). */
function setUpLogging(): void {
  const level = process.env.TRIBUTARY_LOG_LEVEL ?? 'info';
  if (process.stdout.isTTY && process.env.TRIBUTARY_LOG_FORMAT !== 'json') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pretty = require('pino-pretty') as (o: object) => NodeJS.WritableStream;
    setRootLogger(pino({ level }, pretty({ colorize: true, sync: true, ignore: 'pid,hostname' })));
  } else {
    setRootLogger(pino({ level }));
  }
}

async function main(): Promise<void> {
  setUpLogging();
  const log = logger('cli');
  let args: CliArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  let tmpDir: string | undefined;
  const overrides = [...args.overrides];
  if (args.ephemeral) {
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-'));
    overrides.push(`log.dirs=${tmpDir}`);
  }
  let broker: Broker;
  try {
    const config = loadBrokerConfig({ profile: args.profile, configFile: args.configFile, env: process.env, overrides });
    logConfigReport(config);
    broker = await Broker.start({ config });
  } catch (e) {
    if (e instanceof ConfigValidationError) {
      process.stderr.write(`invalid configuration:\n${e.problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}\n`);
    } else {
      log.fatal({ err: e }, 'broker failed to start');
    }
    if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    broker
      .stop()
      .catch((e) => log.error({ err: e }, 'unclean shutdown'))
      .finally(() => {
        if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
        process.exit(0);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
