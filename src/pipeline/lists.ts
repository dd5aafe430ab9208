import type { EventFacts } from '../shared/facts.ts';
import {
  type EntityListReader,
  type EntityRef,
  type ListEntry,
  type ListKind,
  unexpired,
} from '../shared/ports/entity-lists.ts';
import type { Pseudonym } from '../shared/pseudonymise.ts';
import type { SubjectControls } from '../shared/profile.ts';

/**
 * The entities of an event that an allow or deny entry can name, whatever the event's type.
 *
 * @example
 * ```ts
 * listedEntitiesOf(facts); // [{ kind: 'subject', entity: 'v1:…' }, { kind: 'ip', entity: 'v1:…' }, …]
 * ```
 */
export function listedEntitiesOf(facts: EventFacts): EntityRef[] {
  const refs: EntityRef[] = [];
  const add = (kind: ListKind, entity: Pseudonym | undefined) => {
    if (entity) refs.push({ kind, entity });
  };
  add('subject', facts.subject);
  add('username', facts.username);
  add('ip', facts.ip.id);
  add('network', facts.ip.network);
  add('device', facts.device);
  add('userAgent', facts.userAgent?.id);
  add('payment', facts.order?.payment);
  add('address', facts.order?.address);
  return refs;
}

/**
 * The entries that may decide an event of a subject under a restriction (GDPR Art. 18): those
 * about the customer themselves (their customer number or username) are kept aside with the rest
 * of their data; entries about an address, a card, a device or a network still apply, since they
 * were made about that instrument. An objection sets none aside (docs/adr/0011).
 *
 * @example
 * ```ts
 * usableEntries(entries, facts, { restriction: { at } }); // without the subject's own entries
 * ```
 */
export function usableEntries(
  entries: readonly ListEntry[],
  facts: EventFacts,
  controls: SubjectControls | undefined,
): readonly ListEntry[] {
  if (!controls?.restriction) return entries;
  return entries.filter(
    (e) =>
      !(e.kind === 'subject' && e.entity === facts.subject) &&
      !(e.kind === 'username' && e.entity === facts.username),
  );
}

const refKey = ({ kind, entity }: EntityRef): string => `${kind}#${entity}`;

/**
 * The entries of one stream batch, read for all its events at once (one BatchGetItem per 50
 * entities) by {@link prefetch}, then served per event; an entity that was not prefetched is
 * asked of `inner`. Like the batching profile store, prefetching is only an optimisation: when
 * it fails, each event reads its own entries and fails at its own record.
 *
 * @example
 * ```ts
 * const lists = new PrefetchedLists(deps.lists);
 * await lists.prefetch(entitiesOfTheBatch, now());
 * new Detector({ ..., lists });
 * ```
 */
export class PrefetchedLists implements EntityListReader {
  readonly #inner: EntityListReader;
  readonly #fetched = new Map<string, ListEntry[]>();

  constructor(inner: EntityListReader) {
    this.#inner = inner;
  }

  async prefetch(entities: readonly EntityRef[], now: number): Promise<void> {
    const unique = [...new Map(entities.map((ref) => [refKey(ref), ref])).values()];
    let found: ListEntry[];
    try {
      found = await this.#inner.lookup(unique, now);
    } catch {
      return;
    }
    for (const ref of unique) this.#fetched.set(refKey(ref), []);
    for (const entry of found) this.#fetched.get(refKey(entry))?.push(entry);
  }

  async lookup(entities: readonly EntityRef[], now: number): Promise<ListEntry[]> {
    const missing = entities.filter((ref) => !this.#fetched.has(refKey(ref)));
    const known = entities
      .flatMap((ref) => this.#fetched.get(refKey(ref)) ?? [])
      .filter((entry) => unexpired(entry, now));
    return missing.length === 0 ? known : [...known, ...(await this.#inner.lookup(missing, now))];
  }
}
