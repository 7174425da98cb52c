/** Test helpers: idempotent / transactional producer batches and transaction markers. */
import { ControlRecordType, buildEndTxnMarkerBatch, buildRecordBatch } from '../../../src/protocol/records';

export interface ProducerBatchOptions {
  pid: number | bigint;
  epoch?: number;
  seq: number;
  count?: number;
  txn?: boolean;
  keys?: string[];
  values?: Array<string | null>;
  timestamp?: number;
}

/** A batch as an idempotent (or, with `txn`, transactional) producer sends it. */
export function pbatch(o: ProducerBatchOptions): Buffer {
  const count = o.keys?.length ?? o.values?.length ?? o.count ?? 1;
  const ts = o.timestamp ?? 1_700_000_000_000;
  return buildRecordBatch({
    producerId: BigInt(o.pid),
    producerEpoch: o.epoch ?? 0,
    baseSequence: o.seq,
    transactional: o.txn ?? false,
    records: Array.from({ length: count }, (_, i) => {
      const v = o.values?.[i];
      return {
        key: o.keys ? Buffer.from(o.keys[i]!) : null,
        value: v === null ? null : Buffer.from(v ?? `p${o.pid}-s${o.seq + i}`),
        timestamp: ts + i,
      };
    }),
  });
}

export interface MarkerOptions {
  pid: number | bigint;
  epoch?: number;
  commit: boolean;
  coordinatorEpoch?: number;
  timestamp?: number;
}

/** A COMMIT or ABORT marker batch (as WriteTxnMarkers appends it, origin coordinator). */
export function marker(o: MarkerOptions): Buffer {
  return buildEndTxnMarkerBatch({
    type: o.commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT,
    producerId: BigInt(o.pid),
    producerEpoch: o.epoch ?? 0,
    coordinatorEpoch: o.coordinatorEpoch ?? 0,
    timestamp: o.timestamp ?? 1_700_000_000_000,
  });
}

export const COORDINATOR = { origin: 'coordinator' as const };
export const REPLICATION = { origin: 'replication' as const };
