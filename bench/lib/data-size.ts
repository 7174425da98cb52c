/**
 * Bytes of record data a broker stored: the sizes of the `.log` segment files under a data
 * directory (Kafka's layout, which Tributary shares), skipping KRaft's __cluster_metadata.
 * Compared with the bytes produced it shows whether compression really happened: librdkafka sends
 * uncompressed batches, silently, to a broker whose ApiVersions lacks what it ties to the codec.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function segmentBytes(dir: string): number {
  let total = 0;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return Number.NaN;
  }
  for (const name of entries) {
    if (name.startsWith('__cluster_metadata')) continue;
    const p = join(dir, name);
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) {
      const sub = segmentBytes(p);
      if (Number.isFinite(sub)) total += sub;
    } else if (name.endsWith('.log')) {
      total += st.size;
    }
  }
  return total;
}
