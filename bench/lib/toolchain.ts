/**
 * Builds the C load generator and null sink with gcc, installing Debian's librdkafka-dev first
 * when its header is missing (the bench runs as root on these machines; elsewhere it says what
 * to install). Binaries are cached under the work directory, keyed by a hash of the sources.
 */
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const RDKAFKA_HEADER = '/usr/include/librdkafka/rdkafka.h';

export interface Binaries {
  loadgen: string;
  nullSink: string;
  librdkafkaVersion: string;
}

function ensureLibrdkafka(log: (s: string) => void): void {
  if (existsSync(RDKAFKA_HEADER)) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) throw new Error(`${RDKAFKA_HEADER} is missing: install Debian's librdkafka-dev (apt-get install librdkafka-dev)`);
  log('installing librdkafka-dev (apt-get)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'librdkafka-dev'], { env, stdio: 'inherit' });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update'], { env, stdio: 'inherit' });
    r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'librdkafka-dev'], { env, stdio: 'inherit' });
  }
  if (r.status !== 0 || !existsSync(RDKAFKA_HEADER)) throw new Error('could not install librdkafka-dev');
}

function sourcesHash(dirs: string[]): string {
  const h = createHash('sha256');
  for (const d of dirs) {
    for (const f of readdirSync(d).filter((n) => /\.[ch]$/.test(n)).sort()) {
      h.update(f);
      h.update(readFileSync(join(d, f)));
    }
  }
  return h.digest('hex').slice(0, 12);
}

function gcc(out: string, sources: string[], libs: string[]): void {
  const args = ['-O2', '-g', '-Wall', '-Wextra', '-std=gnu11', '-o', out, ...sources, ...libs];
  const r = spawnSync('gcc', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gcc ${out} failed:\n${r.stderr}`);
}

export function buildBinaries(benchDir: string, workDir: string, log: (s: string) => void): Binaries {
  ensureLibrdkafka(log);
  const loadgenDir = join(benchDir, 'loadgen');
  const sinkDir = join(benchDir, 'null-sink');
  const binDir = join(workDir, 'bin', sourcesHash([loadgenDir, sinkDir]));
  mkdirSync(binDir, { recursive: true });
  const loadgen = join(binDir, 'loadgen');
  const nullSink = join(binDir, 'null-sink');
  if (!existsSync(loadgen)) {
    log('compiling bench/loadgen (gcc, librdkafka)');
    const srcs = readdirSync(loadgenDir).filter((n) => n.endsWith('.c')).map((n) => join(loadgenDir, n));
    gcc(loadgen, srcs, ['-lrdkafka', '-lpthread']);
  }
  if (!existsSync(nullSink)) {
    log('compiling bench/null-sink (gcc)');
    gcc(nullSink, [join(sinkDir, 'null-sink.c')], []);
  }
  let librdkafkaVersion = 'unknown';
  try {
    librdkafkaVersion = execFileSync('dpkg-query', ['-W', '-f=${Version}', 'librdkafka-dev'], { encoding: 'utf8' }).trim();
  } catch {
    /* not a Debian system: leave unknown */
  }
  return { loadgen, nullSink, librdkafkaVersion };
}
