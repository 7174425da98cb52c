/**
 * The seam for KIP-890 (transaction verification), as Kafka's VerificationGuard and
 * VerificationStateEntry. Before the first transactional write of a transaction to a partition,
 * the broker asks the transaction coordinator whether the partition is part of the producer's
 * open transaction; it first creates a guard here (Log.maybeStartTransactionVerification) and
 * passes that guard with the append once verified. When verification is enabled
 * (transaction.partition.verification.enable), a transactional data batch that starts a
 * transaction is refused with INVALID_TXN_STATE unless it carries the guard still registered
 * for its producer: a marker written meanwhile (abort) removes the guard, so a stale
 * verification cannot open a hanging transaction.
 *
 * The entry also remembers the lowest sequence seen while verifying, so that a higher sequence
 * cannot be written while a lower one is being retried (OUT_OF_ORDER_SEQUENCE_NUMBER), and
 * whether the producer supports epoch bumps (transactions v2), which makes a non-zero first
 * sequence for an unknown producer an error.
 */

/** An opaque token; two guards match only when they are the same object (and not the sentinel). */
export class VerificationGuard {
  static readonly SENTINEL = new VerificationGuard();

  verify(other: VerificationGuard): boolean {
    return this !== VerificationGuard.SENTINEL && this === other;
  }
}

export class VerificationStateEntry {
  readonly guard = new VerificationGuard();

  constructor(
    readonly timestamp: number,
    public lowestSequence: number,
    public epoch: number,
    readonly supportsEpochBump = false,
  ) {}

  /** A lower sequence in the same epoch, or any sequence of a newer epoch, becomes the bound. */
  maybeUpdateLowestSequenceAndEpoch(sequence: number, epoch: number): void {
    if (epoch === this.epoch && sequence < this.lowestSequence) this.lowestSequence = sequence;
    if (epoch > this.epoch) {
      this.epoch = epoch;
      this.lowestSequence = sequence;
    }
  }
}
