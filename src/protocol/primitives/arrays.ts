/** Array readers shared by the generated codecs (int32 or compact lengths, null handling). */
import { Reader } from './reader';

/** Reads a non-nullable array; a null length is a malformed message for this field. */
export function readArray<T>(r: Reader, flex: boolean, minElemSize: number, elem: () => T, field: string): T[] {
  const n = flex ? r.compactArrayLength(minElemSize) : r.arrayLength(minElemSize);
  if (n < 0) r.fail(`null array for non-nullable field ${field}`);
  const out = new Array<T>(n);
  for (let i = 0; i < n; i++) out[i] = elem();
  return out;
}

export function readNullableArray<T>(
  r: Reader,
  flex: boolean,
  minElemSize: number,
  elem: () => T,
  field: string,
  nullable: boolean,
): T[] | null {
  const n = flex ? r.compactArrayLength(minElemSize) : r.arrayLength(minElemSize);
  if (n < 0) {
    if (!nullable) r.fail(`null array for non-nullable field ${field}`);
    return null;
  }
  const out = new Array<T>(n);
  for (let i = 0; i < n; i++) out[i] = elem();
  return out;
}
