/** The dead-letter port: invalid stream records, kept sealed with their reason for a redrive. */
import type { SubjectPseudonym } from '../pseudonymise.ts';

/**
 * Dead letters are kept a week: long enough to notice (the dead-letter metric and alarm), fix
 * and redrive, short because a sealed dead letter still holds a record with personal data.
 */
export const DEAD_LETTER_RETENTION_DAYS = 7;

/**
 * The raw bytes a dead letter's item keeps (sealed) in the table: enough to see what kind of
 * record it was, small enough that an item stays a few KB whatever the record's size (a Kinesis
 * record holds up to 1 MiB, a DynamoDB item 400 KB).
 */
export const DEAD_LETTER_EXCERPT_BYTES = 4096;

/**
 * An invalid stream record. It holds no raw record in clear: the record is personal data
 * (customer ids, IPs, user agents), and a dead-letter place must not become a readable copy of
 * the stream. The SHA-256 lets a producer-side copy be matched to it; `sealed`, when the consumer
 * has a sealer, is the record encrypted for a redrive (see `RecordSealer`), `excerpt` its first
 * `DEAD_LETTER_EXCERPT_BYTES` bytes sealed. The table item keeps everything but `sealed`,
 * which goes to the record store (see {@link DynamoDeadLetterWriter}): a record may be up to
 * 1 MiB, an item at most 400 KB.
 */
export interface DeadLetter {
  /** SHA-256 of the raw record bytes, hex. */
  sha256: string;
  /** The field-named reason (`order.amountMinor: expected integer ≥ 0`), never quoting a value. */
  reason: string;
  field: string;
  /** The event's own id when it was valid. */
  eventId?: string;
  /**
   * The keyed pseudonym of the record's customer id, when the record yields one (a string
   * `customerId` in it, even if other fields are invalid), so that erasure finds it.
   */
  subject?: SubjectPseudonym;
  sequenceNumber: string;
  /** The raw record's size, bytes. */
  size: number;
  /** The raw record, AES-256-GCM under a key derived from the pseudonymisation key. */
  sealed?: string;
  /** The raw record's first bytes, sealed likewise. */
  excerpt?: string;
  // No partition key, not even hashed: it is a customer id, session id or IP, and an
  // unkeyed hash of an IP or a customer number is reversed by trying them all.
  /** When the record reached the stream, epoch ms. */
  arrivedAt: number;
}

export interface DeadLetterWriter {
  /** Writes the dead letters; the same record again leaves one item. */
  write(letters: readonly DeadLetter[]): Promise<void>;
}

/**
 * The dead letters about a subject: invalid stream records kept sealed for a redrive, which
 * hold the customer id, IP and username in clear once opened.
 */
export interface SubjectDeadLetters {
  /**
   * Deletes every dead letter of the customer (item and sealed record): those attributed to its
   * pseudonym, and those attributed to no one whose record holds the customer id.
   * @returns how many were deleted.
   */
  eraseSubject(subject: SubjectPseudonym, customerId: string): Promise<number>;
}
