/** The build's code-cache step, the bench and the CLI test start Tributary with `npm start`'s Node options (package.json). */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { npmStartNodeOptions } from '../../tools/npm-start-options';

describe('npmStartNodeOptions', () => {
  it("reads this repository's start script", () => {
    const start = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')).scripts.start as string;
    expect(['node', ...npmStartNodeOptions(join(__dirname, '../..')), 'bin/tributary.js'].join(' ')).toBe(start);
  });

  it('are the options of bin/tributary.js (npx tributary) and of the Docker image too', () => {
    const root = join(__dirname, '../..');
    const options = npmStartNodeOptions(root);
    expect(options).toContain('--expose-gc');
    const shebang = readFileSync(join(root, 'bin', 'tributary.js'), 'utf8').split('\n')[0];
    expect(shebang).toBe(['#!/usr/bin/env -S node', ...options].join(' '));
    const entrypoint = /^ENTRYPOINT (.*)$/m.exec(readFileSync(join(root, 'Dockerfile'), 'utf8'))![1];
    expect(JSON.parse(entrypoint)).toEqual(['node', ...options, 'bin/tributary.js']);
  });

  it('gives no options for a plain start script, several for several', () => {
    const dir = mkdtempSync(join(tmpdir(), 'start-opts-'));
    try {
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ scripts: { start: 'node bin/tributary.js' } }));
      expect(npmStartNodeOptions(dir)).toEqual([]);
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ scripts: { start: 'node --a=1 --b bin/tributary.js --x' } }));
      expect(npmStartNodeOptions(dir)).toEqual(['--a=1', '--b']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
