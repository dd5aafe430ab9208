import {
  type EntityLists,
  type EntityRef,
  type EntryId,
  InvalidListCursorError,
  LIST_CURSOR,
  LIST_NAMES,
  type ListEntry,
  type ListFilter,
  type ListPage,
  cursorAfter,
  entryIdOf,
  unexpired,
} from '../ports/entity-lists.ts';

/** Entries sort by their cursor, `<createdAt>#<entry id>`, newest first. */
const sortKey = cursorAfter;

/**
 * The in-memory adapter of the entity lists, for replay, evaluation and tests: entries by id,
 * expired ones left out of every read (and dropped when met).
 *
 * @example
 * ```ts
 * const lists = new InMemoryEntityLists();
 * await lists.put({ list: 'deny', kind: 'ip', entity, reason: 'proxy', createdBy: 'analyst:anna', createdAt, expiresAt });
 * await lists.lookup([{ kind: 'ip', entity }], Date.now()); // [that entry]
 * ```
 */
export class InMemoryEntityLists implements EntityLists {
  readonly #entries = new Map<EntryId, ListEntry>();

  lookup(entities: readonly EntityRef[], now: number): Promise<ListEntry[]> {
    const found: ListEntry[] = [];
    for (const { kind, entity } of entities) {
      for (const list of LIST_NAMES) {
        const entry = this.#live(entryIdOf({ list, kind, entity }), now);
        if (entry) found.push(structuredClone(entry));
      }
    }
    return Promise.resolve(found);
  }

  put(entry: ListEntry): Promise<void> {
    this.#entries.set(entryIdOf(entry), structuredClone(entry));
    return Promise.resolve();
  }

  remove(entryId: EntryId, now: number): Promise<ListEntry | undefined> {
    const entry = this.#live(entryId, now);
    this.#entries.delete(entryId);
    return Promise.resolve(entry);
  }

  list(filter: ListFilter, now: number, limit: number, cursor?: string): Promise<ListPage> {
    if (cursor !== undefined && !LIST_CURSOR.test(cursor)) {
      return Promise.reject(new InvalidListCursorError());
    }
    const matching = [...this.#entries.values()]
      .filter((e) => unexpired(e, now))
      .filter((e) => (filter.list ?? e.list) === e.list && (filter.kind ?? e.kind) === e.kind)
      .sort((a, b) => (sortKey(a) < sortKey(b) ? 1 : -1))
      .filter((e) => cursor === undefined || sortKey(e) < cursor);
    const entries = matching.slice(0, limit).map((e) => structuredClone(e));
    return Promise.resolve(
      matching.length > limit ? { entries, cursor: sortKey(entries.at(-1)!) } : { entries },
    );
  }

  /** The entry with this id unless it has expired (an expired one is dropped). */
  #live(entryId: EntryId, now: number): ListEntry | undefined {
    const entry = this.#entries.get(entryId);
    if (entry && unexpired(entry, now)) return entry;
    this.#entries.delete(entryId);
    return undefined;
  }
}
