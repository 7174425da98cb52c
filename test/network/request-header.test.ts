import { peekRequestHeader } from '../../src/network/request-header';

describe('peekRequestHeader', () => {
  it('reads api key, api version and correlation id from the first 8 bytes', () => {
    // ApiVersions v3 request header v2: key 18, version 3, correlation id 0x01020304, client id "c"
    const frame = Buffer.from([0x00, 0x12, 0x00, 0x03, 0x01, 0x02, 0x03, 0x04, 0x00, 0x01, 0x63, 0x00]);
    expect(peekRequestHeader(frame)).toEqual({ apiKey: 18, apiVersion: 3, correlationId: 0x01020304 });
  });

  it('reads signed values', () => {
    const frame = Buffer.from([0xff, 0xff, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff]);
    expect(peekRequestHeader(frame)).toEqual({ apiKey: -1, apiVersion: 0, correlationId: -1 });
  });

  it('returns null for a frame shorter than 8 bytes', () => {
    expect(peekRequestHeader(Buffer.alloc(7))).toBeNull();
  });
});
