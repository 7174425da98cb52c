/**
 * Golden tests on bytes captured between real clients (kafkajs, kcat/librdkafka, the Java
 * client) and a real Apache Kafka 4.4 broker (tools/capture/, fixtures in fixtures/captured/).
 * Every fixture must decode with our codecs, consuming every byte, and re-encode to exactly the
 * captured bytes; a few decoded values are then checked by hand per API family.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../../src/protocol/frame';
import type {
  ApiVersionsRequest,
  ApiVersionsResponse,
  ConsumerGroupHeartbeatRequest,
  CreateTopicsRequest,
  FetchRequest,
  FetchResponse,
  FindCoordinatorResponse,
  JoinGroupRequest,
  ListOffsetsResponse,
  MetadataResponse,
  ProduceRequest,
  ProduceResponse,
  WriteTxnMarkersRequest,
} from '../../src/protocol/generated';
import { Compression, readBatchHeader } from '../../src/protocol/records/batch-header';

interface Fixture {
  client: string;
  apiKey: number;
  apiVersion: number;
  direction: 'request' | 'response';
  hex: string;
  note?: string;
}

const DIR = path.join(__dirname, 'fixtures', 'captured');
const FILES = fs.readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const load = (file: string): Fixture => JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')) as Fixture;
const bytesOf = (file: string): Buffer => Buffer.from(load(file).hex, 'hex');

/** Describes the first byte where `actual` differs from `expected`, or null when they are equal. */
function firstDifference(expected: Buffer, actual: Buffer): string | null {
  if (expected.equals(actual)) return null;
  let i = 0;
  while (i < expected.length && i < actual.length && expected[i] === actual[i]) i++;
  const around = (b: Buffer): string => b.subarray(Math.max(0, i - 8), i + 8).toString('hex');
  return `lengths ${expected.length} (captured) vs ${actual.length} (re-encoded); first difference at byte ${i}: ` +
    `captured …${around(expected)}… re-encoded …${around(actual)}…`;
}

function request<T>(file: string): { clientId: string | null; body: T } {
  const { header, body } = decodeRequest(bytesOf(file));
  return { clientId: header.clientId, body: body as T };
}

function response<T>(file: string): T {
  const f = load(file);
  return decodeResponse(f.apiKey, f.apiVersion, Buffer.from(f.hex, 'hex')).body as T;
}

/** Fixture files whose names start with `prefix` (client-api-vN). */
function named(prefix: string): string[] {
  const found = FILES.filter((f) => f.startsWith(prefix));
  if (found.length === 0) throw new Error(`no captured fixture named ${prefix}*`);
  return found;
}

describe('captured fixtures', () => {
  it('cover the three clients (and the broker\'s own inter-broker requests) and stay small', () => {
    const clients = new Set(FILES.map((f) => load(f).client));
    expect([...clients].sort()).toEqual(['java', 'kafka-broker', 'kafkajs', 'kcat']);
    const total = FILES.reduce((n, f) => n + fs.statSync(path.join(DIR, f)).size, 0);
    expect(total).toBeLessThan(2 * 1024 * 1024);
  });
});

describe.each(FILES)('%s', (file) => {
  const f = load(file);
  const frame = Buffer.from(f.hex, 'hex');

  it('decodes every byte and re-encodes to the captured bytes', () => {
    if (f.direction === 'request') {
      const { header, body } = decodeRequest(frame);
      expect([header.requestApiKey, header.requestApiVersion]).toEqual([f.apiKey, f.apiVersion]);
      const again = encodeRequest(header.requestApiKey, header.requestApiVersion, header.correlationId, header.clientId, body);
      expect(firstDifference(frame, again)).toBeNull();
    } else {
      const { correlationId, body } = decodeResponse(f.apiKey, f.apiVersion, frame);
      const again = Buffer.concat(encodeResponse(f.apiKey, f.apiVersion, correlationId, body));
      expect(firstDifference(frame, again)).toBeNull();
    }
  });
});

describe('decoded values', () => {
  it('ApiVersions from Kafka 4.4 advertises Produce up to v13 and Fetch up to v18', () => {
    for (const file of FILES.filter((x) => x.includes('-api-versions-') && x.endsWith('-response.json'))) {
      const body = response<ApiVersionsResponse>(file);
      if (body.errorCode !== 0) continue; // a client asking a too-new version gets the list at v0
      const max = new Map(body.apiKeys.map((k) => [k.apiKey, k.maxVersion]));
      expect([file, max.get(0), max.get(1)]).toEqual([file, 13, 18]);
    }
  });

  it('Java ApiVersions v5 request (KIP-1242) names the client software', () => {
    const { clientId, body } = request<ApiVersionsRequest>(named('java-api-versions-v5-first-request')[0]);
    expect(clientId).toMatch(/^capture-java/);
    expect(body.clientSoftwareName).toBe('apache-kafka-java');
    expect(body.clientSoftwareVersion).toBe('4.4.0');
  });

  it('kafkajs Produce with gzip: acks=-1, our topic, a gzip batch with our records', () => {
    const { clientId, body } = request<ProduceRequest>(named('kafkajs-produce-v7-codec-gzip-request')[0]);
    expect(clientId).toBe('capture-kafkajs');
    expect(body.acks).toBe(-1);
    expect(body.transactionalId).toBeNull();
    expect(body.topicData.map((t) => t.name)).toEqual(['capture-kafkajs']);
    const records = body.topicData[0].partitionData[0].records!;
    const batch = readBatchHeader(records);
    expect(batch.magic).toBe(2);
    expect(batch.attributes & 7).toBe(Compression.GZIP);
    expect(batch.recordCount).toBe(3);
    expect(batch.batchLength + 12).toBe(records.length);
  });

  it('kafkajs Produce response acknowledges offset 0 of the new topic', () => {
    const body = response<ProduceResponse>(named('kafkajs-produce-v7-codec-gzip-response')[0]);
    expect(body.responses[0].name).toBe('capture-kafkajs');
    expect(body.responses[0].partitionResponses[0]).toMatchObject({ index: 0, errorCode: 0, baseOffset: 0n });
  });

  it('kafkajs CreateTopics request names both topics, and a Metadata response lists the topic', () => {
    const { body } = request<CreateTopicsRequest>(named('kafkajs-create-topics-v3-first-request')[0]);
    expect(body.topics.map((t) => [t.name, t.numPartitions])).toEqual([['capture-kafkajs', 2], ['capture-kafkajs-tmp', 1]]);
    expect(body.topics[0].configs).toEqual([expect.objectContaining({ name: 'retention.ms', value: '3600000' })]);
    const listing = named('kafkajs-metadata-v6-').filter((x) => x.endsWith('-response.json'))
      .map((x) => response<MetadataResponse>(x))
      .find((m) => m.topics.some((t) => t.name === 'capture-kafkajs'));
    expect(listing).toBeDefined();
    const topic = listing!.topics.find((t) => t.name === 'capture-kafkajs')!;
    expect(topic.partitions.map((p) => p.partitionIndex).sort()).toEqual([0, 1]);
    // The broker advertises the capture proxy, so every client stayed on it.
    expect(listing!.brokers).toEqual([expect.objectContaining({ nodeId: 1, host: '127.0.0.1' })]);
  });

  it('kafkajs FindCoordinator v2 answers with the broker as coordinator', () => {
    const answers = named('kafkajs-find-coordinator-v2-').filter((x) => x.endsWith('-response.json'))
      .map((x) => response<FindCoordinatorResponse>(x));
    expect(answers.some((a) => a.errorCode === 0 && a.nodeId === 1)).toBe(true);
  });

  it('kafkajs fetchTopicOffsets: ListOffsets v3 reports offsets of both partitions', () => {
    const answers = named('kafkajs-list-offsets-v3-').filter((x) => x.endsWith('-response.json'))
      .map((x) => response<ListOffsetsResponse>(x));
    const offsets = answers.flatMap((a) => a.topics.flatMap((t) => t.partitions.map((p) => p.offset)));
    expect(offsets).toContain(3n);
  });

  it('kcat Produce uses every compression codec it was asked for, with headers', () => {
    const seen: number[] = [];
    for (const [codec, id] of [['none', 0], ['gzip', 1], ['snappy', 2], ['lz4', 3], ['zstd', 4]] as const) {
      const { clientId, body } = request<ProduceRequest>(named(`kcat-produce-v7-codec-${codec}-request`)[0]);
      expect(clientId).toBe('capture-kcat');
      expect(body.topicData[0].name).toBe('capture-kcat');
      const batch = readBatchHeader(body.topicData[0].partitionData[0].records!);
      expect(batch.recordCount).toBe(2);
      seen.push(batch.attributes & 7);
      expect(batch.attributes & 7).toBe(id);
    }
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    // Uncompressed records carry their header keys in clear.
    const plain = request<ProduceRequest>(named('kcat-produce-v7-codec-none-request')[0]).body;
    expect(plain.topicData[0].partitionData[0].records!.includes(Buffer.from('codec'))).toBe(true);
  });

  it('Java Produce v13 is idempotent, addresses the topic by id, and uses each codec', () => {
    const metadata = named('java-metadata-v13-').filter((x) => x.endsWith('-response.json'))
      .map((x) => response<MetadataResponse>(x))
      .flatMap((m) => m.topics).find((t) => t.name === 'capture-java');
    expect(metadata).toBeDefined();
    for (const [codec, id] of [['none', 0], ['gzip', 1], ['snappy', 2], ['lz4', 3], ['zstd', 4]] as const) {
      const { body } = request<ProduceRequest>(named(`java-produce-v13-codec-${codec}-request`)[0]);
      expect(body.acks).toBe(-1);
      expect(body.topicData[0].topicId).toBe(metadata!.topicId);
      const batch = readBatchHeader(body.topicData[0].partitionData[0].records!);
      expect(batch.attributes & 7).toBe(id);
      expect(batch.producerId).toBeGreaterThanOrEqual(0n); // idempotence is on by default
      expect(batch.baseSequence).toBe(0);
    }
    const txn = request<ProduceRequest>(named('java-produce-v13-txn-codec-none-request')[0]).body;
    expect(txn.transactionalId).toBe('capture-java-txn');
    expect(readBatchHeader(txn.topicData[0].partitionData[0].records!).attributes & 0x10).toBe(0x10);
  });

  it('Java Fetch v18 asks by topic id and gets record batches back', () => {
    const req = request<FetchRequest>(named('java-fetch-v18-first-request')[0]).body;
    expect(req.topics[0].topicId).not.toBe('AAAAAAAAAAAAAAAAAAAAAA');
    const withRecords = named('java-fetch-v18-').filter((x) => x.endsWith('-response.json'))
      .map((x) => response<FetchResponse>(x))
      .flatMap((r) => r.responses.flatMap((t) => t.partitions))
      .filter((p) => p.records !== null && p.records.length > 0);
    expect(withRecords.length).toBeGreaterThan(0);
    expect(readBatchHeader(withRecords[0].records!).magic).toBe(2);
  });

  it('the broker\'s own WriteTxnMarkers commits the Java transaction', () => {
    const { clientId, body } = request<WriteTxnMarkersRequest>(named('kafka-broker-write-txn-markers-v2-first-request')[0]);
    expect(clientId).toBe('broker-1-txn-marker-sender');
    expect(body.markers).toHaveLength(1);
    expect(body.markers[0].transactionResult).toBe(true);
    expect(body.markers[0].topics.map((t) => [t.name, t.partitionIndexes])).toEqual([['capture-java', [1]]]);
  });

  it('Java consumers: classic JoinGroup and KIP-848 ConsumerGroupHeartbeat', () => {
    const join = request<JoinGroupRequest>(named('java-join-group-v9-first-request')[0]).body;
    expect(join.groupId).toBe('capture-java-classic');
    expect(join.protocolType).toBe('consumer');
    const hb = request<ConsumerGroupHeartbeatRequest>(named('java-consumer-group-heartbeat-v1-first-request')[0]).body;
    expect(hb.groupId).toBe('capture-java-consumer');
    expect(hb.memberEpoch).toBe(0);
    expect(hb.subscribedTopicNames).toEqual(['capture-java']);
  });
});
