import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseJestJson, parseJUnit, readResults, renderSummary, replaceSection } from './compat-table';

const junit = `<?xml version="1.0"?><testsuites><testsuite name="pytest">
<testcase classname="kcat.test_kcat" name="test_produce[gzip]" time="0.1"/>
<testcase classname="kcat.test_kcat" name="test_groups" time="0.2"><failure message="x">boom</failure></testcase>
<testcase classname="kcat.test_kcat" name="test_skipped" time="0"><skipped/></testcase>
</testsuite></testsuites>`;

const jestReport = JSON.stringify({
  testResults: [{ name: '/x/compat-tests/kafkajs/admin.test.ts', assertionResults: [{ fullName: 'creates &amp; deletes', status: 'passed' }, { fullName: 'b', status: 'failed' }] }],
});

test('parses pytest/Surefire JUnit XML and jest JSON into scenario outcomes', () => {
  expect(parseJUnit(junit)).toEqual([
    { name: 'test_kcat: test_produce[gzip]', outcome: 'pass' },
    { name: 'test_kcat: test_groups', outcome: 'fail' },
    { name: 'test_kcat: test_skipped', outcome: 'skip' },
  ]);
  expect(parseJestJson(jestReport)).toEqual([
    { name: 'admin: creates &amp; deletes', outcome: 'pass' },
    { name: 'admin: b', outcome: 'fail' },
  ]);
});

test('builds the client × broker summary from a results directory and replaces the README section', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compat-table-'));
  fs.writeFileSync(path.join(dir, 'tributary--kcat.xml'), junit);
  fs.writeFileSync(path.join(dir, 'kafka--kcat.xml'), junit.replace(/<failure[^<]*<\/failure>/, ''));
  fs.mkdirSync(path.join(dir, 'kafka--java'));
  fs.writeFileSync(path.join(dir, 'kafka--java', 'TEST-x.xml'), '<testsuite><testcase classname="a.B" name="c()"/></testsuite>');
  const m = readResults(dir);
  expect(m.get('kcat')!.get('test_kcat: test_groups')).toEqual({ tributary: 'fail', kafka: 'pass' });
  const summary = renderSummary(m, '2026-11-26');
  expect(summary).toContain('| kcat | 1 / 2 | 2 / 2 |');
  expect(summary).toContain('| java | – | 1 / 1 |');
  const readme = 'a\n<!-- compat-results:begin -->\nold\n<!-- compat-results:end -->\nb';
  expect(replaceSection(readme, 'new')).toBe('a\n<!-- compat-results:begin -->\nnew\n<!-- compat-results:end -->\nb');
  fs.rmSync(dir, { recursive: true });
});
