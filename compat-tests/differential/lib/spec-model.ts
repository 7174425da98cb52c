/**
 * Request bodies from partial objects: sessions write only the fields a step cares about, and
 * every other field (at any depth) takes the default the project's protocol spec gives it, the
 * same default the generated decoder would produce (tools/codegen/generate.ts, defaultExpr).
 * Unknown field names are an error, so a typo in a session fails loudly instead of being dropped.
 *
 * Numbers given for int64 fields are converted to bigint, so sessions may write `offset: 0`.
 */
import * as path from 'node:path';
import { FieldSpec, inRange, loadSpecs, MessageSpec } from '../../../tools/codegen/spec';

const SPEC_DIR = path.resolve(__dirname, '../../../protocol-specs');

let byKey: Map<string, MessageSpec> | undefined;

function specs(): Map<string, MessageSpec> {
  if (!byKey) {
    byKey = new Map();
    for (const m of loadSpecs(SPEC_DIR)) {
      if (m.apiKey !== undefined && (m.kind === 'request' || m.kind === 'response')) byKey.set(`${m.kind}:${m.apiKey}`, m);
    }
  }
  return byKey;
}

export function messageSpec(apiKey: number, kind: 'request' | 'response'): MessageSpec {
  const m = specs().get(`${kind}:${apiKey}`);
  if (!m) throw new Error(`no ${kind} spec for API key ${apiKey}`);
  return m;
}

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

/** The value a field takes when the message does not carry it. */
export function defaultValue(f: FieldSpec): unknown {
  const d = f.default;
  if (d === 'null') return null;
  if (f.kind === 'primitiveArray' || f.kind === 'structArray') return [];
  if (f.kind === 'struct') return completeFields(f.fields, {}, `${f.name}`);
  switch (f.elem) {
    case 'int64':
      return d !== undefined ? BigInt(d) : 0n;
    case 'bool':
      return d === 'true';
    case 'string':
      return d ?? '';
    case 'uuid':
      return ZERO_UUID;
    case 'bytes':
      return Buffer.alloc(0);
    case 'records':
      return null;
    default:
      return d !== undefined ? Number(d) : 0;
  }
}

function coerce(f: FieldSpec, value: unknown, where: string): unknown {
  if (value === null || value === undefined) return value;
  if (f.kind === 'structArray') {
    if (!Array.isArray(value)) throw new Error(`${where}: expected an array`);
    return value.map((v, i) => completeFields(f.fields, v as Record<string, unknown>, `${where}[${i}]`));
  }
  if (f.kind === 'struct') return completeFields(f.fields, value as Record<string, unknown>, where);
  if (f.elem === 'int64') {
    if (f.kind === 'primitiveArray') return (value as unknown[]).map((v) => (typeof v === 'number' ? BigInt(v) : v));
    if (typeof value === 'number') return BigInt(value);
  }
  return value;
}

function completeFields(fields: FieldSpec[], partial: Record<string, unknown>, where: string): Record<string, unknown> {
  if (partial === null || typeof partial !== 'object' || Array.isArray(partial)) throw new Error(`${where}: expected an object`);
  const known = new Set(fields.map((f) => f.name));
  for (const k of Object.keys(partial)) {
    if (!known.has(k) && k !== '_unknownTaggedFields') throw new Error(`${where}: no field "${k}" (fields: ${[...known].join(', ')})`);
  }
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    out[f.name] = Object.prototype.hasOwnProperty.call(partial, f.name) ? coerce(f, partial[f.name], `${where}.${f.name}`) : defaultValue(f);
  }
  return out;
}

/** A full request body for `apiKey` from the fields given; the rest take their spec defaults. */
export function completeRequest(apiKey: number, partial: Record<string, unknown>): Record<string, unknown> {
  const m = messageSpec(apiKey, 'request');
  return completeFields(m.fields, partial, m.name);
}

function pruneFields(fields: FieldSpec[], value: unknown, version: number): unknown {
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (!inRange(f.versions, version) || !(f.name in src)) continue;
    const x = src[f.name];
    if (f.kind === 'structArray' && Array.isArray(x)) out[f.name] = x.map((e) => pruneFields(f.fields, e, version));
    else if (f.kind === 'struct') out[f.name] = pruneFields(f.fields, x, version);
    else out[f.name] = x;
  }
  // Tagged fields the codec did not know are kept: they are on the wire.
  if (src._unknownTaggedFields !== undefined) out._unknownTaggedFields = src._unknownTaggedFields;
  return out;
}

/**
 * The decoded response with only the fields that exist at `version`: the decoder fills absent
 * fields with defaults (e.g. FindCoordinator v4+ still has a top-level nodeId of 0), which are
 * not on the wire and must not be compared or aliased.
 */
export function pruneResponse(apiKey: number, version: number, body: unknown): unknown {
  return pruneFields(messageSpec(apiKey, 'response').fields, body, version);
}
