/**
 * `npm run codegen`: regenerates src/protocol/generated/ from protocol-specs/.
 * `npm run codegen:check`: fails (exit 1) when the generated files are stale, missing or extra.
 * The generator owns the output directory: files it did not write are deleted.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateModule, moduleFileName } from './generate';
import { generateIndex } from './generate-index';
import { loadSpecs, MessageSpec } from './spec';

const root = path.join(__dirname, '..', '..');
const specDir = path.join(root, 'protocol-specs');
const outDir = path.join(root, 'src', 'protocol', 'generated');

export function renderAll(): Map<string, string> {
  const specs = loadSpecs(specDir);
  const byFile = new Map<string, MessageSpec[]>();
  for (const m of specs) {
    const list = byFile.get(m.file) ?? [];
    list.push(m);
    byFile.set(m.file, list);
  }
  const files = new Map<string, string>();
  const modules: { file: string; msgs: MessageSpec[] }[] = [];
  for (const msgs of byFile.values()) {
    const name = moduleFileName(msgs[0]);
    files.set(`${name}.ts`, generateModule(msgs));
    modules.push({ file: name, msgs });
  }
  files.set('index.ts', generateIndex(modules));
  return files;
}

function main(): void {
  const check = process.argv.includes('--check');
  const files = renderAll();
  const existing = fs.existsSync(outDir) ? fs.readdirSync(outDir) : [];
  const problems: string[] = [];
  if (!check) fs.mkdirSync(outDir, { recursive: true });
  for (const [name, text] of files) {
    const p = path.join(outDir, name);
    const old = fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined;
    if (old === text) continue;
    if (check) problems.push(old === undefined ? `missing ${name}` : `stale ${name}`);
    else fs.writeFileSync(p, text);
  }
  for (const name of existing) {
    if (files.has(name)) continue;
    if (check) problems.push(`extra ${name}`);
    else fs.rmSync(path.join(outDir, name));
  }
  if (check) {
    if (problems.length) {
      process.stderr.write(`generated protocol code is out of date with protocol-specs/ (run npm run codegen):\n  ${problems.join('\n  ')}\n`);
      process.exit(1);
    }
    process.stdout.write(`generated protocol code is up to date (${files.size} files)\n`);
  } else {
    process.stdout.write(`wrote ${files.size} files to ${path.relative(root, outDir)}\n`);
  }
}

if (require.main === module) main();
