import pino, { Logger } from 'pino';

export type { Logger } from 'pino';

let root: Logger | undefined;

/** The process-wide root logger; components take a child of it (`logger('log')`). */
export function rootLogger(): Logger {
  if (!root) root = pino({ level: process.env.TRIBUTARY_LOG_LEVEL ?? (process.env.JEST_WORKER_ID ? 'silent' : 'info') });
  return root;
}

export function setRootLogger(l: Logger): void {
  root = l;
}

export function logger(component: string): Logger {
  return rootLogger().child({ component });
}
