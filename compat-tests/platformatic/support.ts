/**
 * Runs one @platformatic/kafka scenario script (scenarios/*.mjs) with plain node against the
 * target broker and returns the JSON it printed. The client is ESM-only, which jest cannot
 * import, so the scenarios run in a child process; the broker keeps serving in this process
 * while it waits (asynchronous spawn, never spawnSync).
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';

export interface ScenarioFailure {
  error: { name?: string; message?: string; code?: string; apiCode?: number; apiId?: string; innerMessages?: string[] };
}

export function runScenario<T>(name: string, bootstrap: string): Promise<T> {
  const script = path.join(__dirname, 'scenarios', `${name}.mjs`);
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [script],
      { env: { ...process.env, KAFKA_BOOTSTRAP: bootstrap }, timeout: 50_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const line = stdout.trim().split('\n').pop() ?? '';
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          reject(new Error(`${name}.mjs printed no JSON (${err ? err.message : 'exit 0'})\nstdout: ${stdout}\nstderr: ${stderr}`));
          return;
        }
        if (err || (parsed as ScenarioFailure).error) {
          reject(new Error(`${name}.mjs failed: ${JSON.stringify((parsed as ScenarioFailure).error ?? parsed)}\nstderr: ${stderr}`));
          return;
        }
        resolve(parsed as T);
      },
    );
  });
}
