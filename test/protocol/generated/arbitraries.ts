/** fast-check arbitraries for message values, built from the spec model (not the generated code). */
import fc from 'fast-check';
import { FieldSpec, inRange, intersect, MessageSpec } from '../../../tools/codegen/spec';

const ZERO_UUID = Buffer.alloc(16).toString('base64url');

export function defaultValue(f: FieldSpec): unknown {
  if (f.default === 'null') return null;
  if (f.kind === 'primitiveArray' || f.kind === 'structArray') return [];
  if (f.kind === 'struct') return Object.fromEntries(f.fields.map((c) => [c.name, defaultValue(c)]));
  switch (f.elem) {
    case 'int64':
      return BigInt(f.default ?? 0);
    case 'bool':
      return f.default === 'true';
    case 'string':
      return f.default ?? '';
    case 'uuid':
      return ZERO_UUID;
    case 'bytes':
      return Buffer.alloc(0);
    case 'records':
      return null;
    default:
      return Number(f.default ?? 0);
  }
}

function primitive(elem: string, flexible: boolean): fc.Arbitrary<unknown> {
  switch (elem) {
    case 'int8':
      return fc.integer({ min: -128, max: 127 });
    case 'int16':
      return fc.integer({ min: -32768, max: 32767 });
    case 'uint16':
      return fc.integer({ min: 0, max: 65535 });
    case 'int32':
    case 'varint':
      return fc.integer();
    case 'uint32':
      return fc.integer({ min: 0, max: 0xffffffff });
    case 'int64':
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case 'float64':
      return fc.double({ noNaN: true });
    case 'bool':
      return fc.boolean();
    case 'string':
      return fc.string({ unit: flexible ? 'grapheme' : 'grapheme-ascii', maxLength: 12 });
    case 'bytes':
    case 'records':
      return fc.uint8Array({ maxLength: 24 }).map((a) => Buffer.from(a));
    case 'uuid':
      return fc.uint8Array({ minLength: 16, maxLength: 16 }).map((a) => Buffer.from(a).toString('base64url'));
    default:
      throw new Error(`no arbitrary for ${elem}`);
  }
}

export interface ArbOptions {
  /** Fewest elements in each array (1 gives frames with every array non-empty). */
  minLength?: number;
}

function fieldArb(f: FieldSpec, msg: MessageSpec, v: number, flexible: boolean, depth: number, o: ArbOptions): fc.Arbitrary<unknown> {
  if (!inRange(intersect(f.versions, msg.versions), v)) return fc.constant(defaultValue(f));
  let arb: fc.Arbitrary<unknown>;
  const minLength = o.minLength ?? 0;
  const maxLength = Math.max(minLength, depth > 2 ? 1 : 3);
  if (f.kind === 'primitive') arb = primitive(f.elem, flexible);
  else if (f.kind === 'primitiveArray') arb = fc.array(primitive(f.elem, flexible), { minLength, maxLength });
  else if (f.kind === 'struct') arb = structArb(f.fields, msg, v, flexible, depth + 1, o);
  else arb = fc.array(structArb(f.fields, msg, v, flexible, depth + 1, o), { minLength, maxLength });
  if (inRange(f.nullable, v) && !o.minLength) arb = fc.option(arb, { nil: null, freq: 4 });
  return arb;
}

export function structArb(fields: FieldSpec[], msg: MessageSpec, v: number, flexible: boolean, depth = 0, o: ArbOptions = {}): fc.Arbitrary<unknown> {
  const rec: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of fields) rec[f.name] = fieldArb(f, msg, v, flexible, depth, o);
  return fc.record(rec);
}

/** Adds an unknown tagged field to the top level of flexible versions, which must survive. */
export function withUnknownTag(arb: fc.Arbitrary<unknown>, msg: MessageSpec, v: number): fc.Arbitrary<unknown> {
  if (!inRange(msg.flexible, v)) return arb;
  const used = new Set(msg.fields.filter((f) => f.tag !== undefined).map((f) => f.tag));
  return fc.tuple(arb, fc.option(fc.uint8Array({ maxLength: 8 }), { nil: undefined })).map(([m, extra]) => {
    if (extra === undefined) return m;
    let tag = 90;
    while (used.has(tag)) tag++;
    return { ...(m as object), _unknownTaggedFields: [{ tag, data: Buffer.from(extra) }] };
  });
}

