/**
 * Malformed input: every decoder answers truncated frames, huge or negative lengths and counts,
 * bad varints and random garbage with MalformedMessageError — never another exception, a hang or
 * an allocation larger than the frame.
 */
import * as path from 'node:path';
import fc from 'fast-check';
import * as generated from '../../../src/protocol/generated';
import { MalformedMessageError } from '../../../src/protocol/primitives/errors';
import { Reader } from '../../../src/protocol/primitives/reader';
import { Writer } from '../../../src/protocol/primitives/writer';
import { inRange, loadSpecs } from '../../../tools/codegen/spec';
import { structArb } from './arbitraries';

const specs = loadSpecs(path.join(__dirname, '..', '..', '..', 'protocol-specs'));
const codecs = generated as unknown as Record<string, (...args: unknown[]) => unknown>;

function decodeWith(name: string, bytes: Buffer, v: number): unknown {
  const r = new Reader(bytes);
  const out = codecs[`decode${name}`](r, v);
  if (r.remaining !== 0) r.fail('trailing bytes');
  return out;
}

function expectMalformed(fn: () => unknown): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(MalformedMessageError);
}

describe('truncated frames', () => {
  // One value per message-version with every array non-empty, so each nested length is cut too.
  const cases: [string, number][] = [];
  for (const m of specs) {
    cases.push([m.name, m.versions.lo]);
    if (m.versions.hi !== m.versions.lo) cases.push([m.name, m.versions.hi]);
  }

  it.each(cases)('%s v%d fails cleanly at every truncation point', (name, v) => {
    const msg = specs.find((s) => s.name === name)!;
    const [value] = fc.sample(structArb(msg.fields, msg, v, inRange(msg.flexible, v), 0, { minLength: 1 }), { numRuns: 1, seed: 42 });
    const w = new Writer();
    codecs[`encode${name}`](w, value, v);
    const full = w.toBuffer();
    expect(decodeWith(name, full, v)).toEqual(value);
    for (let len = 0; len < full.length; len++) {
      expectMalformed(() => decodeWith(name, full.subarray(0, len), v));
    }
  });
});

describe('huge and negative lengths', () => {
  const int32 = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    return b;
  };

  it('rejects an array count larger than the frame before allocating', () => {
    // MetadataRequest v0: topics []string
    expectMalformed(() => decodeWith('MetadataRequest', int32(0x7fffffff), 0));
    expectMalformed(() => decodeWith('MetadataRequest', Buffer.concat([int32(1000), Buffer.alloc(100)]), 0));
  });

  it('rejects negative counts and lengths', () => {
    expectMalformed(() => decodeWith('ProduceRequest', Buffer.from([0, 1, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xfb]), 0));
    // string length -2 for the topic name of MetadataRequest v1
    expectMalformed(() => decodeWith('MetadataRequest', Buffer.concat([int32(1), Buffer.from([0xff, 0xfe])]), 1));
    // bytes length larger than the frame (SaslAuthenticate v0 authBytes)
    expectMalformed(() => decodeWith('SaslAuthenticateRequest', int32(0x7ffffff0), 0));
  });

  it('rejects a non-nullable null', () => {
    // ApiVersions v3 request: clientSoftwareName compact string 0 = null, not allowed
    expectMalformed(() => decodeWith('ApiVersionsRequest', Buffer.from([0, 0, 0]), 3));
  });

  it('rejects over-long and truncated varints', () => {
    expectMalformed(() => decodeWith('ApiVersionsRequest', Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), 3));
    expectMalformed(() => decodeWith('ApiVersionsRequest', Buffer.from([0x80]), 3));
    // compact array count that does not fit: MetadataRequest v9 topics = 2^28
    expectMalformed(() => decodeWith('MetadataRequest', Buffer.from([0x80, 0x80, 0x80, 0x80, 0x01]), 9));
  });

  it('rejects tagged fields out of order and tagged fields with unread bytes', () => {
    // ApiVersions v3: name "a", version "b", then tags: 2 fields with tags 5 then 3
    expectMalformed(() => decodeWith('ApiVersionsRequest', Buffer.from([2, 0x61, 2, 0x62, 2, 5, 0, 3, 0]), 3));
  });
});

describe('random garbage', () => {
  const sample = specs.filter((_, i) => i % 3 === 0);
  it.each(sample.map((m) => [m.name, m.versions.hi] as [string, number]))('%s v%d never throws anything but MalformedMessageError', (name, v) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeWith(name, Buffer.from(bytes), v);
        } catch (e) {
          if (!(e instanceof MalformedMessageError)) throw e;
        }
      }),
      { numRuns: 200 },
    );
  });
});
