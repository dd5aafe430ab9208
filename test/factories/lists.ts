/** Allow and deny entries for the entity-lists tests. */
import type { ListEntry } from '../../src/shared/ports/entity-lists.ts';
import type { Pseudonym } from '../../src/shared/pseudonymise.ts';

/** A clock reading well inside every test entry's life. */
export const LISTS_NOW = Date.parse('2026-12-01T12:00:00.000Z');

/** A pseudonym of the pseudonymiser's shape, distinct per `n`. */
export const aPseudonym = (n: number): Pseudonym => `v1:${String(n).padStart(22, 'A')}` as Pseudonym;

/** A deny entry on an IP address, made an hour before {@link LISTS_NOW}, for 30 days. */
export function aListEntry(overrides: Partial<ListEntry> = {}): ListEntry {
  return {
    list: 'deny',
    kind: 'ip',
    entity: aPseudonym(1),
    reason: 'proxy seen in a takeover wave',
    createdBy: 'analyst:anna',
    createdAt: '2026-12-01T11:00:00.000Z',
    expiresAt: '2026-12-31T11:00:00.000Z',
    ...overrides,
  };
}
