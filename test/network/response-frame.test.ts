import { PassThrough } from 'node:stream';
import { describeNonPayload, isResponsePayload, payloadLength, writeResponseFrame } from '../../src/network/response-frame';

function collect(s: PassThrough): Buffer {
  const parts: Buffer[] = [];
  for (let c = s.read() as Buffer | null; c !== null; c = s.read() as Buffer | null) parts.push(c);
  return Buffer.concat(parts);
}

describe('response frames', () => {
  it('writes the size prefix then a single buffer', () => {
    const out = new PassThrough();
    expect(writeResponseFrame(out, Buffer.from('abc'), 3)).toBe(7);
    expect(collect(out)).toEqual(Buffer.from([0, 0, 0, 3, 0x61, 0x62, 0x63]));
  });

  it('writes a list of buffers back to back, without concatenating them first', () => {
    const out = new PassThrough();
    const writes: Buffer[] = [];
    const origWrite = out.write.bind(out);
    out.write = ((chunk: Buffer, ...rest: never[]) => {
      writes.push(chunk);
      return origWrite(chunk, ...rest);
    }) as typeof out.write;
    const parts = [Buffer.from('ab'), Buffer.alloc(0), Buffer.from('cde')];
    expect(writeResponseFrame(out, parts, payloadLength(parts))).toBe(9);
    expect(collect(out)).toEqual(Buffer.from([0, 0, 0, 5, 0x61, 0x62, 0x63, 0x64, 0x65]));
    expect(writes.slice(1)).toEqual([parts[0], parts[2]]);
    expect(writes[1]).toBe(parts[0]);
  });

  it('writes an empty payload as a bare size prefix', () => {
    const out = new PassThrough();
    expect(writeResponseFrame(out, Buffer.alloc(0), 0)).toBe(4);
    expect(collect(out)).toEqual(Buffer.from([0, 0, 0, 0]));
  });

  it('recognises payloads', () => {
    expect(isResponsePayload(null)).toBe(true);
    expect(isResponsePayload(Buffer.alloc(1))).toBe(true);
    expect(isResponsePayload([Buffer.alloc(1)])).toBe(true);
    expect(isResponsePayload([Buffer.alloc(1), 'x'])).toBe(false);
    expect(isResponsePayload(undefined)).toBe(false);
    expect(isResponsePayload('x')).toBe(false);
    expect(describeNonPayload(undefined)).toBe('undefined');
    expect(describeNonPayload([1])).toBe('an array containing a non-Buffer');
  });
});
