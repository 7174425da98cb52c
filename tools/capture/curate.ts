/**
 * Picks a curated set of fixtures out of raw capture files (proxy.ts output) and writes them to
 * test/protocol/fixtures/captured/ as one JSON file per frame:
 *   { client, apiKey, apiVersion, direction: 'request'|'response', hex, note }
 *
 *   npx tsx tools/capture/curate.ts OUT_DIR RAW.jsonl...
 *
 * Per (client, API key, version) it keeps the first exchange, the last one and the one with the
 * largest response (when they differ), plus for Produce one exchange per compression codec
 * (and per transactional or not) and for ListOffsets one per kind of timestamp asked for.
 * Frames over MAX_FRAME_BYTES are skipped so the fixture set stays small. A run-time tool: it prints.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeRequest } from '../../src/protocol/frame';
import { API_SPECS, ListOffsetsRequest, ProduceRequest } from '../../src/protocol/generated';
import { ATTRIBUTES_OFFSET, BATCH_HEADER_SIZE } from '../../src/protocol/records/batch-header';
import type { CapturedExchange } from './proxy';

const MAX_FRAME_BYTES = 64 * 1024;
const PRODUCE_KEY = 0;
const LIST_OFFSETS_KEY = 2;
const CODEC_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
const LIST_OFFSETS_SPECIAL: Record<string, string> = { '-1': 'latest', '-2': 'earliest', '-3': 'max-timestamp', '-4': 'earliest-local', '-5': 'latest-tiered' };

export interface Fixture {
  client: string;
  apiKey: number;
  apiVersion: number;
  direction: 'request' | 'response';
  hex: string;
  note: string;
}

function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/**
 * Names a Produce request by the compression codec of its first record batch (bits 0-2 of the
 * batch attributes), prefixed with "txn-" when it belongs to a transaction.
 */
function produceVariant(e: CapturedExchange): string {
  try {
    const { body } = decodeRequest(Buffer.from(e.request, 'hex'));
    const produce = body as ProduceRequest;
    const records = produce.topicData[0]?.partitionData[0]?.records;
    if (!records || records.length < BATCH_HEADER_SIZE) return 'no-records';
    const codec = CODEC_NAMES[records.readInt16BE(ATTRIBUTES_OFFSET) & 7] ?? 'unknown';
    return `${produce.transactionalId !== null ? 'txn-' : ''}codec-${codec}`;
  } catch {
    return 'undecodable';
  }
}

/** Names a ListOffsets request by what its first partition asks for (KIP-734 special timestamps). */
function listOffsetsVariant(e: CapturedExchange): string {
  try {
    const { body } = decodeRequest(Buffer.from(e.request, 'hex'));
    const ts = (body as ListOffsetsRequest).topics[0]?.partitions[0]?.timestamp;
    if (ts === undefined) return 'no-partitions';
    return ts >= 0n ? 'by-timestamp' : (LIST_OFFSETS_SPECIAL[String(ts)] ?? `timestamp${ts}`);
  } catch {
    return 'undecodable';
  }
}

/** Interesting variants worth a fixture each, by API key. */
const VARIANTS: Record<number, (e: CapturedExchange) => string> = {
  [PRODUCE_KEY]: produceVariant,
  [LIST_OFFSETS_KEY]: listOffsetsVariant,
};

function pick(exchanges: CapturedExchange[]): Map<CapturedExchange, string> {
  const chosen = new Map<CapturedExchange, string>();
  const groups = new Map<string, CapturedExchange[]>();
  for (const e of exchanges) {
    if (e.request.length / 2 > MAX_FRAME_BYTES || (e.response !== null && e.response.length / 2 > MAX_FRAME_BYTES)) continue;
    const k = `${e.client}/${e.apiKey}/${e.apiVersion}`;
    const list = groups.get(k) ?? [];
    list.push(e);
    groups.set(k, list);
  }
  for (const list of groups.values()) {
    const add = (e: CapturedExchange, note: string): void => {
      if (!chosen.has(e) && !(list.length > 1 && [...chosen.keys()].some((c) => c.request === e.request && c.response === e.response))) chosen.set(e, note);
    };
    const variantOf = VARIANTS[list[0].apiKey];
    if (variantOf) {
      const seen = new Set<string>();
      for (const e of list) {
        const variant = variantOf(e);
        if (!seen.has(variant)) { seen.add(variant); add(e, variant); }
      }
    }
    add(list[0], 'first');
    add(list[list.length - 1], 'last');
    const largest = list.reduce((a, b) => ((b.response?.length ?? 0) > (a.response?.length ?? 0) ? b : a));
    add(largest, 'largest-response');
  }
  return chosen;
}

/**
 * The broker advertises the proxy's address for its own (inter-broker) listener too, so its
 * internal clients (transaction marker sender, AddPartitionsToTxn verification of KIP-890) are
 * recorded as well. They are labelled by their client id: every driver's id starts "capture-".
 */
function clientOf(e: CapturedExchange): string {
  const frame = Buffer.from(e.request, 'hex');
  const len = frame.length >= 10 ? frame.readInt16BE(8) : -1;
  const clientId = len >= 0 ? frame.toString('utf8', 10, 10 + len) : '';
  return clientId.startsWith('capture-') ? e.client : 'kafka-broker';
}

function main(): void {
  const [outDir, ...inputs] = process.argv.slice(2);
  if (!outDir || inputs.length === 0) throw new Error('usage: curate.ts OUT_DIR RAW.jsonl...');
  const exchanges: CapturedExchange[] = inputs.flatMap((f) =>
    fs.readFileSync(f, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as CapturedExchange))
    .map((e) => ({ ...e, client: clientOf(e) }));
  fs.mkdirSync(outDir, { recursive: true });
  for (const f of fs.readdirSync(outDir)) if (f.endsWith('.json')) fs.unlinkSync(path.join(outDir, f));

  const used = new Map<string, number>();
  let files = 0;
  let bytes = 0;
  for (const [e, note] of pick(exchanges)) {
    const spec = API_SPECS.get(e.apiKey);
    const api = spec ? kebab(spec.name) : `api-${e.apiKey}`;
    const base = `${e.client}-${api}-v${e.apiVersion}-${note}`;
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    const stem = n === 1 ? base : `${base}-${n}`;
    const frames: [Fixture['direction'], string | null][] = [['request', e.request], ['response', e.response]];
    for (const [direction, hex] of frames) {
      if (hex === null) continue;
      const fixture: Fixture = { client: e.client, apiKey: e.apiKey, apiVersion: e.apiVersion, direction, hex, note };
      const text = JSON.stringify(fixture, null, 1) + '\n';
      fs.writeFileSync(path.join(outDir, `${stem}-${direction}.json`), text);
      files++;
      bytes += text.length;
    }
  }
  process.stderr.write(`curate: ${files} fixtures, ${(bytes / 1024).toFixed(0)} KiB, from ${exchanges.length} exchanges\n`);
}

if (require.main === module) main();
