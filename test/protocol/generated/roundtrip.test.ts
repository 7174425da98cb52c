/**
 * Round-trip property tests for every message at every version: random valid values → encode →
 * decode → equal, and decode → encode gives the same bytes. Values are built from the spec model
 * (tools/codegen/spec.ts), independently of the generated code.
 */
import * as path from 'node:path';
import fc from 'fast-check';
import { structArb, withUnknownTag } from './arbitraries';
import * as generated from '../../../src/protocol/generated';
import { Reader } from '../../../src/protocol/primitives/reader';
import { Writer } from '../../../src/protocol/primitives/writer';
import { inRange, loadSpecs, MessageSpec } from '../../../tools/codegen/spec';

const specs = loadSpecs(path.join(__dirname, '..', '..', '..', 'protocol-specs'));
const codecs = generated as unknown as Record<string, (...args: unknown[]) => unknown>;
const encodeBytes = (enc: (...a: unknown[]) => unknown, msg: unknown, v: number): Buffer => {
  const w = new Writer(16);
  enc(w, msg, v);
  return w.toBuffer();
};

const cases: [string, number, MessageSpec][] = [];
for (const m of specs) for (let v = m.versions.lo; v <= m.versions.hi; v++) cases.push([m.name, v, m]);

describe('generated codecs round-trip', () => {
  it('covers every message of the specs', () => {
    for (const m of specs) {
      expect(typeof codecs[`encode${m.name}`]).toBe('function');
      expect(typeof codecs[`decode${m.name}`]).toBe('function');
    }
    expect(cases.length).toBeGreaterThan(600);
  });

  it.each(cases)('%s v%d', (name, v, msg) => {
    const enc = codecs[`encode${name}`];
    const dec = codecs[`decode${name}`];
    const flexible = inRange(msg.flexible, v);
    fc.assert(
      fc.property(withUnknownTag(structArb(msg.fields, msg, v, flexible, 0), msg, v), (value) => {
        const bytes = encodeBytes(enc, value, v);
        const r = new Reader(bytes);
        const decoded = dec(r, v);
        expect(r.remaining).toBe(0);
        expect(decoded).toEqual(value);
        expect(encodeBytes(enc, decoded, v).equals(bytes)).toBe(true);
      }),
      { numRuns: 15 },
    );
  });
});
