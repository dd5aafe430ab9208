import { describe, expect, it } from 'vitest';
import { type StoreUnderTest, storesClosedAfterEach } from './profiles.contract.ts';
import type { Observation, ProfileKey } from '../../../src/shared/profile.ts';
import type { ProfileWrite } from '../../../src/shared/profile.ts';
import type { ProfileStore } from '../../../src/shared/ports/profiles.ts';
import type { HeldObservation, SubjectDataStore } from '../../../src/shared/ports/subject-data.ts';
import type { Pseudonym, SubjectPseudonym } from '../../../src/shared/pseudonymise.ts';

/** What a contract run needs: a fresh, empty profile store, the subject-data adapter over it, and a way to let go of them. */
export type SubjectStoreUnderTest = StoreUnderTest<{ profiles: ProfileStore; subjects: SubjectDataStore }>;

const DAY_S = 86_400;
const T0 = Date.parse('2026-11-24T08:00:00Z');
const S = 'v1:subject-s' as SubjectPseudonym;
const T = 'v1:subject-t' as SubjectPseudonym;
const KEYS = {
  s: 'subject#v1:subject-s',
  t: 'subject#v1:subject-t',
  ip: 'ip#v1:ip-1',
  device: 'device#v1:device-1',
  username: 'username#v1:user-1',
  client: 'client#v1:client-1',
} as const satisfies Record<string, ProfileKey>;

let sequence = 0;

function anObservation(subject: SubjectPseudonym, kind: Observation['kind'], minute: number): Observation {
  const at = T0 + minute * 60_000;
  return {
    eventId: `sd-${String(++sequence).padStart(6, '0')}`,
    kind,
    at,
    expiresAt: Math.floor(at / 1000) + 30 * DAY_S,
    subject,
    ip: 'v1:ip-1' as Pseudonym,
  };
}

/** S logs in (subject, address, device, username) and browses (subject, address, client); T logs in from the same address. */
function traffic(): { writes: ProfileWrite[]; login: Observation; browse: Observation; other: Observation } {
  const login = anObservation(S, 'login', 0);
  const browse = anObservation(S, 'browse', 1);
  const other = anObservation(T, 'login', 2);
  const writes = [
    { observation: login, keys: [KEYS.s, KEYS.ip, KEYS.device, KEYS.username] },
    { observation: browse, keys: [KEYS.s, KEYS.ip, KEYS.client] },
    { observation: other, keys: [KEYS.t, KEYS.ip] },
  ];
  return { writes, login, browse, other };
}

const idsIn = async (store: ProfileStore, key: ProfileKey): Promise<string[]> =>
  ((await store.load([key], T0 + 3_600_000)).profiles.get(key)?.observations ?? []).map((o) => o.eventId);

const sortHeld = (held: HeldObservation[]) =>
  [...held].sort((a, b) =>
    `${a.key}${a.observation.eventId}`.localeCompare(`${b.key}${b.observation.eventId}`),
  );

/**
 * The behaviours of the subject-data port (the customers' rights) that every adapter promises,
 * run by each adapter's own test file. `makeStore` returns a fresh, empty store.
 */
export function describeSubjectDataContract(
  name: string,
  makeStore: () => Promise<SubjectStoreUnderTest>,
): void {
  describe(`SubjectDataStore contract: ${name}`, () => {
    const open = storesClosedAfterEach(makeStore);

    it("finds the subject's observations in every profile they went to, and only the subject's", async () => {
      // Prepare
      const { profiles, subjects } = await open();
      const { writes, login, browse } = traffic();
      await profiles.record(writes);

      // Act
      const held = await subjects.observationsOf(S, T0);

      // Assess
      expect(sortHeld(held).map((h) => [h.key, h.observation.eventId])).toEqual(
        sortHeld([
          ...[KEYS.s, KEYS.ip, KEYS.device, KEYS.username].map((key) => ({ key, observation: login })),
          ...[KEYS.s, KEYS.ip, KEYS.client].map((key) => ({ key, observation: browse })),
        ]).map((h) => [h.key, h.observation.eventId]),
      );
    });

    it('forgets every kind from every profile, leaving other subjects as they were', async () => {
      // Prepare
      const { profiles, subjects } = await open();
      const { writes, other } = traffic();
      await profiles.record(writes);

      // Act
      const counts = await subjects.forget(S, ['login', 'browse', 'search', 'order']);

      // Assess
      expect(counts).toEqual({ observations: { login: 1, browse: 1, search: 0, order: 0 }, profiles: 5 });
      expect(await subjects.observationsOf(S, T0)).toEqual([]);
      expect(await idsIn(profiles, KEYS.ip)).toEqual([other.eventId]);
      for (const key of [KEYS.s, KEYS.device, KEYS.username, KEYS.client])
        expect(await idsIn(profiles, key)).toEqual([]);
      expect(await idsIn(profiles, KEYS.t)).toEqual([other.eventId]);
    });

    it("forgets only the scope's kinds (browse and search)", async () => {
      // Prepare
      const { profiles, subjects } = await open();
      const { writes, login } = traffic();
      await profiles.record(writes);

      // Act
      const counts = await subjects.forget(S, ['browse', 'search']);

      // Assess
      expect(counts.observations).toEqual({ login: 0, browse: 1, search: 0, order: 0 });
      expect((await subjects.observationsOf(S, T0)).map((h) => h.observation.eventId)).toEqual(
        Array(4).fill(login.eventId),
      );
      expect(await idsIn(profiles, KEYS.client)).toEqual([]);
      expect(await idsIn(profiles, KEYS.s)).toEqual([login.eventId]);
    });

    it("keeps a subject's controls, hands them out with the subject's profile, and removes them", async () => {
      // Prepare
      const { profiles, subjects } = await open();
      const controls = { objection: { scope: 'browse_search' as const, at: T0 } };

      // Act
      await subjects.setControls(S, controls);
      const loaded = await profiles.load([KEYS.s, KEYS.t, KEYS.ip], T0);
      const read = await subjects.controls([S, T]);
      await subjects.setControls(S, {});
      const afterRemoval = await subjects.controls([S]);

      // Assess
      expect(loaded.controls).toEqual(new Map([[S, controls]]));
      expect(read).toEqual(new Map([[S, controls]]));
      expect(afterRemoval.size).toBe(0);
    });

    it('sets observations aside, hands them back and drops them', async () => {
      // Prepare
      const { profiles, subjects } = await open();
      const { writes } = traffic();
      await profiles.record(writes);
      const held = await subjects.observationsOf(S, T0);

      // Act
      await subjects.setAside(S, held);
      const aside = await subjects.heldAside(S);
      await subjects.dropAside(S);

      // Assess
      expect(sortHeld(aside)).toEqual(sortHeld(held));
      expect(await subjects.heldAside(S)).toEqual([]);
    });
  });
}
