/** The rights-receipts port: what each rights request did, for the audit trail. */
import type { ObjectionScope, SignalKind } from '../profile.ts';
import type { SubjectPseudonym } from '../pseudonymise.ts';

/** What a rights request did, for the customer service that asked and for the audit trail. */
export interface RightsReceipt {
  requestId: string;
  request: 'objection' | 'restriction' | 'lift-restriction' | 'erasure';
  /** When it was carried out, ISO 8601 UTC. */
  at: string;
  subject: SubjectPseudonym;
  scope?: ObjectionScope;
  status: 'completed';
  /** Distinct events whose observations were deleted (or set aside, or put back), per signal kind. */
  observations: Record<SignalKind, number>;
  /** Profiles (the subject's own and the entities') that held any of them. */
  profiles: number;
  /** Alerts deleted (erasure only). */
  alerts?: number;
  /** Dead letters deleted, each with its sealed record (erasure only). */
  deadLetters?: number;
  /** The analysts' allow and deny entries on the subject removed (erasure only). */
  listEntries?: number;
}

/** Where receipts are kept, so that `GET` on a receipt shows it. */
export interface ReceiptStore {
  saveReceipt(receipt: RightsReceipt): Promise<void>;
  findReceipt(requestId: string): Promise<RightsReceipt | undefined>;
}
