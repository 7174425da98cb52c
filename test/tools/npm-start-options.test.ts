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
