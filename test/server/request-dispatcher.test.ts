/**
 * The dispatcher's Kafka behaviours, over a real socket: ApiVersions at an unknown version,
 * unsupported APIs and undecodable requests, and the connection staying usable otherwise.
 */
import * as net from 'node:net';
import { ErrorCode } from '../../src/protocol/error-codes';
import { decodeApiVersionsResponse } from '../../src/protocol/generated/api-versions';
import { decodeResponseHeader } from '../../src/protocol/generated/response-header';
import { Reader } from '../../src/protocol/primitives/reader';
import { RawClient } from '../support/raw-client';
import { startBroker, TestBroker } from './handlers/helpers';

let tb: TestBroker;
beforeAll(async () => {
  tb = await startBroker();
});
afterAll(() => tb.stop());

/** Sends one raw frame and returns the raw response frame, or null when the broker closes. */
function exchange(frame: Buffer): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const s = net.connect(tb.port, tb.host);
    let buf = Buffer.alloc(0);
    s.on('connect', () => {
      const size = Buffer.alloc(4);
      size.writeInt32BE(frame.length);
      s.write(Buffer.concat([size, frame]));
    });
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        s.destroy();
        resolve(buf.subarray(4, 4 + buf.readInt32BE(0)));
      }
    });
    s.on('close', () => resolve(null));
    s.on('error', reject);
  });
}

function header(apiKey: number, version: number, correlationId: number): Buffer {
  const b = Buffer.alloc(10);
  b.writeInt16BE(apiKey, 0);
  b.writeInt16BE(version, 2);
  b.writeInt32BE(correlationId, 4);
  b.writeInt16BE(-1, 8); // null client id
  return b;
}

test('ApiVersions at an unknown version answers v0 layout, UNSUPPORTED_VERSION, with the ApiVersions range only', async () => {
  // A future flexible version: the body is whatever the client sends; the broker must not parse it.
  const res = await exchange(Buffer.concat([header(18, 99, 7), Buffer.from([0, 0, 0])]));
  expect(res).not.toBeNull();
  const r = new Reader(res!);
  expect(decodeResponseHeader(r, 0).correlationId).toBe(7);
  const body = decodeApiVersionsResponse(r, 0);
  expect(r.remaining).toBe(0);
  expect(body.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
  expect(body.apiKeys).toHaveLength(1);
  expect(body.apiKeys[0]).toMatchObject({ apiKey: 18, minVersion: 0 });
  expect(body.apiKeys[0].maxVersion).toBeGreaterThanOrEqual(4);
});

test('an API key the broker does not serve closes the connection', async () => {
  expect(await exchange(header(4, 0, 1))).toBeNull(); // LeaderAndIsr: inter-broker, ZooKeeper era
  expect(await exchange(header(999, 0, 1))).toBeNull();
});

test('a version outside the served range closes the connection', async () => {
  expect(await exchange(header(3, 99, 1))).toBeNull();
});

test('an undecodable request closes the connection, and the broker keeps serving others', async () => {
  // Metadata v1 claiming 1000 topics in a 4-byte body.
  const bad = Buffer.concat([header(3, 1, 1), Buffer.from([0, 0, 3, 0xe8])]);
  expect(await exchange(bad)).toBeNull();
  const c = await RawClient.connect(tb.host, tb.port);
  const versions = await c.request(18, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
  expect(versions.errorCode).toBe(0);
  await c.close();
});

test('ApiVersions v3+ with an invalid client software name answers INVALID_REQUEST', async () => {
  const c = await RawClient.connect(tb.host, tb.port);
  const res = await c.request(18, 3, { clientSoftwareName: '-bad name', clientSoftwareVersion: '1' });
  expect(res.errorCode).toBe(ErrorCode.INVALID_REQUEST);
  await c.close();
});

test('bytes after a complete request body are ignored, as Kafka ignores them (librdkafka sends 3 spare bytes)', async () => {
  // Metadata v1 with a null topic array (all topics), then 3 stray bytes.
  const frame = Buffer.concat([header(3, 1, 11), Buffer.from([0xff, 0xff, 0xff, 0xff]), Buffer.from([0, 0, 0])]);
  const res = await exchange(frame);
  expect(res).not.toBeNull();
  expect(decodeResponseHeader(new Reader(res!), 0).correlationId).toBe(11);
});
