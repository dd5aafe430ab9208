import { describe, expect, it } from 'vitest';
import type { EntityLists } from '../../../src/shared/ports/entity-lists.ts';
import { entryIdOf, InvalidListCursorError } from '../../../src/shared/ports/entity-lists.ts';
import { LISTS_NOW, aListEntry, aPseudonym } from '../../factories/lists.ts';
import { type StoreUnderTest, storesClosedAfterEach } from './profiles.contract.ts';

/**
 * The behaviours every EntityLists adapter promises, run against each adapter by its own test
 * file. `makeLists` returns fresh, empty lists.
 */
export function describeEntityListsContract(
  name: string,
  makeLists: () => Promise<StoreUnderTest<EntityLists>>,
): void {
  describe(`EntityLists contract: ${name}`, () => {
    const open = storesClosedAfterEach(makeLists);

    it('looks up the entries of the given entities in both lists', async () => {
      // Prepare
      const lists = await open();
      const denied = aListEntry();
      const allowed = aListEntry({ list: 'allow', kind: 'subject', entity: aPseudonym(2) });
      const other = aListEntry({ entity: aPseudonym(3) });
      for (const entry of [denied, allowed, other]) await lists.put(entry);

      // Act
      const found = await lists.lookup(
        [
          { kind: 'ip', entity: aPseudonym(1) },
          { kind: 'subject', entity: aPseudonym(2) },
          { kind: 'device', entity: aPseudonym(1) },
        ],
        LISTS_NOW,
      );

      // Assess
      expect(found).toHaveLength(2);
      expect(found).toEqual(expect.arrayContaining([denied, allowed]));
    });

    it('never returns an expired entry', async () => {
      // Prepare
      const lists = await open();
      const entry = aListEntry({ expiresAt: '2026-12-01T11:59:59.999Z' });
      await lists.put(entry);

      // Act
      const found = await lists.lookup([{ kind: 'ip', entity: entry.entity }], LISTS_NOW);
      const page = await lists.list({}, LISTS_NOW, 10);
      const removed = await lists.remove(entryIdOf(entry), LISTS_NOW);

      // Assess
      expect(found).toEqual([]);
      expect(page.entries).toEqual([]);
      expect(removed).toBeUndefined();
    });

    it('replaces the entry of the same list and entity', async () => {
      // Prepare
      const lists = await open();
      await lists.put(aListEntry());
      const renewed = aListEntry({ reason: 'still active', expiresAt: '2027-01-31T11:00:00.000Z' });

      // Act
      await lists.put(renewed);

      // Assess
      expect(await lists.lookup([{ kind: 'ip', entity: renewed.entity }], LISTS_NOW)).toEqual([renewed]);
    });

    it('removes an entry by id and answers what it removed', async () => {
      // Prepare
      const lists = await open();
      const entry = aListEntry();
      await lists.put(entry);

      // Act
      const removed = await lists.remove(entryIdOf(entry), LISTS_NOW);
      const again = await lists.remove(entryIdOf(entry), LISTS_NOW);

      // Assess
      expect(removed).toEqual(entry);
      expect(again).toBeUndefined();
      expect(await lists.lookup([{ kind: 'ip', entity: entry.entity }], LISTS_NOW)).toEqual([]);
    });

    it('lists entries newest first, filtered, page by page', async () => {
      // Prepare
      const lists = await open();
      const entries = [1, 2, 3, 4, 5].map((n) =>
        aListEntry({ entity: aPseudonym(n), createdAt: `2026-12-01T0${n}:00:00.000Z` }),
      );
      for (const entry of entries) await lists.put(entry);
      await lists.put(aListEntry({ list: 'allow', kind: 'device', entity: aPseudonym(9) }));

      // Act
      const seen = [];
      let page = await lists.list({ list: 'deny', kind: 'ip' }, LISTS_NOW, 2);
      seen.push(...page.entries);
      while (page.cursor !== undefined) {
        page = await lists.list({ list: 'deny', kind: 'ip' }, LISTS_NOW, 2, page.cursor);
        seen.push(...page.entries);
      }

      // Assess
      expect(seen).toEqual([...entries].reverse());
    });

    it('refuses a cursor it did not hand out', async () => {
      // Prepare
      const lists = await open();

      // Act
      const listing = lists.list({}, LISTS_NOW, 10, 'not-a-cursor');

      // Assess
      await expect(listing).rejects.toBeInstanceOf(InvalidListCursorError);
    });
  });
}
