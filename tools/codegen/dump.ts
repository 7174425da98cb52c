/**
 * `npm run --silent protocol:dump`: prints every message of protocol-specs/ as JSON, in the
 * shape of Kafka's schema vocabulary (type names, version ranges), so that layouts can be
 * compared mechanically with other descriptions of the protocol.
 */
import * as path from 'node:path';
import { FieldSpec, formatRange, intersect, loadSpecs, MessageSpec } from './spec';

const pascal = (s: string): string => s[0].toUpperCase() + s.slice(1);

function dumpField(f: FieldSpec, msg: MessageSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: pascal(f.name),
    type: f.type,
    versions: formatRange(f.versions),
  };
  if (f.nullable) out.nullableVersions = formatRange(f.nullable);
  if (f.tag !== undefined) {
    out.taggedVersions = formatRange(intersect(f.tagged, f.versions));
    out.tag = f.tag;
  }
  if (f.default !== undefined) out.default = f.default;
  if (f.flexibleNone) out.flexibleVersions = 'none';
  if (f.about) out.about = f.about;
  if (f.fields.length) out.fields = f.fields.map((c) => dumpField(c, msg));
  return out;
}

export function dumpSpecs(specDir: string): unknown {
  const messages = loadSpecs(specDir).map((m) => {
    const out: Record<string, unknown> = { name: m.name, type: m.kind };
    if (m.apiKey !== undefined) out.apiKey = m.apiKey;
    out.validVersions = formatRange(m.versions);
    out.flexibleVersions = formatRange(m.flexible);
    out.fields = m.fields.map((f) => dumpField(f, m));
    return out;
  });
  return { messages };
}

if (require.main === module) {
  const dir = path.join(__dirname, '..', '..', 'protocol-specs');
  process.stdout.write(JSON.stringify(dumpSpecs(dir), null, 1) + '\n');
}
