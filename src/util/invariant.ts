/** Thrown when a condition the code relies on does not hold: a bug, never bad input. */
export class InvariantError extends Error {
  override name = 'InvariantError';
}

/** Asserts `cond`; the message should name the values involved. */
export function invariant(cond: unknown, message: string | (() => string)): asserts cond {
  if (!cond) throw new InvariantError(typeof message === 'function' ? message() : message);
}
