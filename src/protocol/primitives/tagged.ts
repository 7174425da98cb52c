/**
 * Runtime helpers shared by the generated codecs for the tagged-field section that ends every
 * struct of a flexible version (KIP-482): a count, then (tag, size, value) in ascending tag order.
 */
import { EncodeError } from './errors';
import { Reader } from './reader';
import { Writer } from './writer';

/** A tagged field this codec version does not know, kept so it survives decode → encode. */
export interface UnknownTaggedField {
  tag: number;
  data: Buffer;
}

export interface TaggedEntry {
  tag: number;
  write: (w: Writer) => void;
}

export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

/** Writes the tagged section: known entries (already filtered to non-default ones) and unknown ones. */
export function writeTaggedFields(w: Writer, known: TaggedEntry[], unknown: UnknownTaggedField[] | undefined): void {
  const n = known.length + (unknown ? unknown.length : 0);
  w.uvarint(n);
  if (n === 0) return;
  const all: { tag: number; write: (w: Writer) => void }[] = known.slice();
  if (unknown) for (const u of unknown) all.push({ tag: u.tag, write: (x) => x.raw(u.data) });
  all.sort((a, b) => a.tag - b.tag);
  for (const e of all) {
    const body = new Writer(64);
    e.write(body);
    w.uvarint(e.tag);
    w.uvarint(body.length);
    for (const b of body.toBuffers()) w.raw(b);
  }
}

/**
 * Reads a tagged section, calling `onKnown(tag, reader)` for each tag; it returns false for a tag
 * it does not know in this version, which is then kept as an unknown field.
 */
export function readTaggedFields(
  r: Reader,
  onKnown: (tag: number, sub: Reader) => boolean,
): UnknownTaggedField[] | undefined {
  const n = r.uvarint();
  let unknown: UnknownTaggedField[] | undefined;
  let last = -1;
  for (let i = 0; i < n; i++) {
    const tag = r.uvarint();
    if (tag <= last) r.fail(`tagged fields out of order: tag ${tag} after ${last}`);
    last = tag;
    const size = r.uvarint();
    const sub = r.sub(size);
    if (!onKnown(tag, sub)) {
      (unknown ??= []).push({ tag, data: sub.raw(size) });
    } else if (sub.remaining !== 0) {
      sub.fail(`tagged field ${tag} has ${sub.remaining} unread bytes`);
    }
  }
  return unknown;
}

/** Throws when a non-nullable field holds null at encode time. */
export function nonNull<T>(v: T | null | undefined, field: string, version: number): T {
  if (v === null || v === undefined) {
    throw new EncodeError(`${field} cannot be null in version ${version}`);
  }
  return v;
}
