import { agentSlice, agentSliceId, asnSlice } from '../../../src/shared/login-waves.ts';
import { afterEach, describe, expect, it } from 'vitest';
import type { GlobalBucket, Observation, ProfileKey } from '../../../src/shared/profile.ts';
import type { ProfileWrite } from '../../../src/shared/profile.ts';
import {
  GLOBAL_BUCKET_MS,
  GLOBAL_BUCKETS,
  PROFILE_LIMITS,
  type ProfileStore,
} from '../../../src/shared/ports/profiles.ts';
import type { Pseudonym, SubjectPseudonym } from '../../../src/shared/pseudonymise.ts';

/** What a contract run needs from an adapter: a fresh, empty store and a way to let go of it. */
export interface StoreUnderTest<S = ProfileStore> {
  store: S;
  close(): Promise<void>;
}

/**
 * Inside a `describe`: a function that opens a fresh store, every store it opened closed after
 * each test.
 */
export function storesClosedAfterEach<S>(makeStore: () => Promise<StoreUnderTest<S>>): () => Promise<S> {
  let opened: StoreUnderTest<S>[] = [];
  afterEach(async () => {
    await Promise.all(opened.map((s) => s.close()));
    opened = [];
  });
  return async () => {
    const s = await makeStore();
    opened.push(s);
    return s.store;
  };
}

const DAY_S = 86_400;
const HOUR_MS = 3_600_000;
/** On the hour, so bucket arithmetic in the tests stays readable. */
const T0 = Date.parse('2026-11-24T08:00:00Z');
const IP_KEY: ProfileKey = 'ip#v1:ip-1';
const SUBJECT_KEY: ProfileKey = 'subject#v1:subject-1';

let sequence = 0;

/** A browse observation at `at` (default T0), kept for 30 days unless overridden. */
function anObservation(overrides: Partial<Observation> = {}): Observation {
  const at = overrides.at ?? T0;
  return {
    eventId: `obs-${String(++sequence).padStart(6, '0')}`,
    kind: 'browse',
    at,
    expiresAt: Math.floor(at / 1000) + 30 * DAY_S,
    ip: 'v1:ip-1' as Pseudonym,
    network: 'v1:network-1' as Pseudonym,
    ...overrides,
  };
}

function aWrite(observation: Observation, keys: ProfileKey[] = [IP_KEY]): ProfileWrite {
  return { observation, keys };
}

/** A login write at `at` with its shop-wide counters. */
/** A login's write; with `position`, as the consumer records it from a stream record. */
function aLoginWrite(
  at: number,
  login: NonNullable<ProfileWrite['login']>,
  position?: ProfileWrite['position'],
): ProfileWrite {
  const observation = anObservation({
    kind: 'login',
    at,
    outcome: login.outcome,
    expiresAt: at / 1000 + 90 * DAY_S,
  });
  return { observation, keys: [IP_KEY], login, ...(position ? { position } : {}) };
}

/** Record `sequence` of a test shard. */
const onShard = (shard: number, sequence: number): ProfileWrite['position'] => ({
  shard: `shardId-${String(shard).padStart(12, '0')}`,
  sequence: String(sequence),
});

async function observationsOf(store: ProfileStore, key: ProfileKey, at: number): Promise<Observation[]> {
  const snapshot = await store.load([key], at);
  return [...(snapshot.profiles.get(key)?.observations ?? [])];
}

/** The buckets the rules look at: those that started by `at` (later ones may be returned). */
/** The buckets up to `at`, without their wave counters (which a test of their own reads). */
async function bucketsAsOf(store: ProfileStore, at: number): Promise<Omit<GlobalBucket, 'waves'>[]> {
  return (await bucketsWithWaves(store, at)).map(({ waves: _waves, ...bucket }) => bucket);
}

async function bucketsWithWaves(store: ProfileStore, at: number): Promise<GlobalBucket[]> {
  const { global } = await store.load([], at);
  if (!global) throw new Error('a default load has the shop-wide counters');
  return global.buckets.filter((b) => b.start <= at);
}

/**
 * The behaviours every ProfileStore adapter promises, run against each
 * adapter by its own test file. `makeStore` returns a fresh, empty store.
 */
export function describeProfileStoreContract(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`ProfileStore contract: ${name}`, () => {
    const open = storesClosedAfterEach(makeStore);

    it('loads nothing for unknown keys', async () => {
      // Prepare
      const store = await open();

      // Act
      const snapshot = await store.load([IP_KEY, SUBJECT_KEY], T0);

      // Assess
      expect(snapshot.profiles.size).toBe(0);
      expect(snapshot.global?.buckets).toEqual([]);
    });

    it('leaves the shop-wide counters out when asked, and loads the profiles as ever', async () => {
      // Prepare: a counted login in the profiles of its address and subject
      const store = await open();
      const write = aLoginWrite(T0, { outcome: 'failure', unknownUser: true });
      await store.record([write]);

      // Act
      const [without, withCounters] = await Promise.all([
        store.load(write.keys, T0 + 1_000, { shopWide: false }),
        store.load(write.keys, T0 + 1_000),
      ]);

      // Assess
      expect(without.global).toBeUndefined();
      expect(withCounters.global?.buckets.map((b) => b.failures)).toEqual([1]);
      expect([...without.profiles.keys()].sort()).toEqual([...withCounters.profiles.keys()].sort());
      expect(without.profiles.size).toBeGreaterThan(0);
    });

    it('returns a recorded observation, field for field, in every profile it was written to', async () => {
      // Prepare
      const store = await open();
      const observation = anObservation({
        kind: 'login',
        subject: 'v1:subject-1' as SubjectPseudonym,
        outcome: 'failure',
        failureReason: 'bad_password',
        country: 'NL',
        lat: 52.37,
        lon: 4.89,
        accuracyKm: 20,
        hosting: false,
        flagScore: 85,
        denied: true,
      });

      // Act
      await store.record([aWrite(observation, [IP_KEY, SUBJECT_KEY])]);

      // Assess
      const snapshot = await store.load([IP_KEY, SUBJECT_KEY], T0 + 1000);
      for (const key of [IP_KEY, SUBJECT_KEY]) {
        expect(snapshot.profiles.get(key)?.key).toBe(key);
        expect(snapshot.profiles.get(key)?.observations).toEqual([observation]);
      }
    });

    it('returns observations oldest first whatever the order they were recorded in', async () => {
      // Prepare
      const store = await open();
      const [late, early, middle] = [120_000, 0, 60_000].map((d) => anObservation({ at: T0 + d }));

      // Act
      for (const o of [late!, early!, middle!]) await store.record([aWrite(o)]);

      // Assess
      const observations = await observationsOf(store, IP_KEY, T0 + 180_000);
      expect(observations.map((o) => o.eventId)).toEqual([early!.eventId, middle!.eventId, late!.eventId]);
    });

    it('leaves out expired observations on load, although they are still stored', async () => {
      // Prepare
      const store = await open();
      const shortLived = anObservation({ expiresAt: T0 / 1000 + 60 });
      const longLived = anObservation({ at: T0 + 1000 });
      await store.record([aWrite(shortLived), aWrite(longLived)]);

      // Act
      const afterExpiry = await observationsOf(store, IP_KEY, T0 + 61_000);
      const beforeExpiry = await observationsOf(store, IP_KEY, T0 + 59_000);

      // Assess
      expect(afterExpiry.map((o) => o.eventId)).toEqual([longLived.eventId]);
      expect(beforeExpiry.map((o) => o.eventId)).toEqual([shortLived.eventId, longLived.eventId]);
    });

    it('stores an event recorded twice once', async () => {
      // Prepare
      const store = await open();
      const observation = anObservation();

      // Act
      await store.record([aWrite(observation)]);
      await store.record([aWrite(observation)]);

      // Assess
      expect(await observationsOf(store, IP_KEY, T0 + 1000)).toEqual([observation]);
    });

    it('keeps at most the per-kind limit of a profile: the newest', async () => {
      // Prepare
      const store = await open();
      const limit = PROFILE_LIMITS.browse;
      const browses = Array.from({ length: limit + 5 }, (_, i) => anObservation({ at: T0 + i * 1000 }));
      const login = anObservation({ kind: 'login', at: T0 - 1000, expiresAt: T0 / 1000 + 90 * DAY_S });

      // Act
      await store.record([aWrite(login)]);
      for (const o of browses) await store.record([aWrite(o)]);

      // Assess
      const observations = await observationsOf(store, IP_KEY, T0 + (limit + 5) * 1000);
      expect(observations.filter((o) => o.kind === 'browse').map((o) => o.eventId)).toEqual(
        browses.slice(-limit).map((o) => o.eventId),
      );
      expect(observations.filter((o) => o.kind === 'login')).toEqual([login]);
    });

    it('loses nothing when writers on many shards append to one profile at once', async () => {
      // Prepare
      const store = await open();
      const observations = Array.from({ length: 20 }, (_, i) => anObservation({ at: T0 + i * 1000 }));

      // Act
      await Promise.all(
        observations.map((o, i) => store.record([aWrite(o, [IP_KEY, `subject#v1:shard-${i}`])])),
      );

      // Assess
      const stored = await observationsOf(store, IP_KEY, T0 + 60_000);
      expect(stored.map((o) => o.eventId)).toEqual(observations.map((o) => o.eventId));
    });

    it('counts logins, failures, unknown users and located successes per country per hour', async () => {
      // Prepare
      const store = await open();
      const at = T0 + 30 * 60_000;
      const writes = [
        aLoginWrite(T0 + 1000, { outcome: 'success', unknownUser: false, country: 'NL' }),
        aLoginWrite(T0 + 2000, { outcome: 'success', unknownUser: false, country: 'NL' }),
        aLoginWrite(T0 + 3000, { outcome: 'success', unknownUser: false, country: 'DE' }),
        aLoginWrite(T0 + 4000, { outcome: 'success', unknownUser: false }),
        aLoginWrite(T0 + 5000, { outcome: 'failure', unknownUser: true, country: 'BR' }),
        aLoginWrite(T0 + 6000, { outcome: 'failure', unknownUser: false }),
        aLoginWrite(T0 - 2 * HOUR_MS, { outcome: 'success', unknownUser: false, country: 'NL' }),
      ];

      // Act
      await store.record(writes.slice(0, 3));
      await store.record(writes.slice(3));

      // Assess
      expect(await bucketsAsOf(store, at)).toEqual([
        {
          start: T0 - 2 * HOUR_MS,
          logins: 1,
          failures: 0,
          unknownUserFailures: 0,
          locatedSuccesses: 1,
          countries: { NL: 1 },
        },
        {
          start: T0,
          logins: 6,
          failures: 2,
          unknownUserFailures: 1,
          locatedSuccesses: 3,
          countries: { NL: 2, DE: 1 },
        },
      ]);
    });

    it('counts the wave counters of each login per five-minute slot, ten seconds, method, AS and browser family', async () => {
      // Prepare
      const store = await open();
      const writes = [
        aLoginWrite(T0 + 1000, {
          outcome: 'success',
          unknownUser: false,
          method: 'password',
          asn: 1136,
          agent: 'chrome 131',
        }),
        aLoginWrite(T0 + 2000, { outcome: 'failure', unknownUser: true, method: 'password', asn: 1136 }),
        aLoginWrite(T0 + 6 * 60_000, { outcome: 'failure', unknownUser: false, agent: 'chrome 131' }),
      ];

      // Act
      await store.record(writes);

      // Assess
      const [bucket] = await bucketsWithWaves(store, T0 + 30 * 60_000);
      expect(bucket?.waves).toEqual({
        't0.l': 2,
        't0.f': 1,
        't0.u': 1,
        't0m0.l': 2,
        't0m0.f': 1,
        't0m0.u': 1,
        [asnSlice(1136).logins]: 2,
        [asnSlice(1136).failures]: 1,
        [asnSlice(1136).unknownUser]: 1,
        [agentSlice('chrome 131').logins]: 2,
        [agentSlice('chrome 131').failures]: 1,
        't1.l': 1,
        't1.f': 1,
        't1mx.l': 1,
        't1mx.f': 1,
        'b0.l': 2,
        'b0.f': 1,
        'b0.u': 1,
        'b36.l': 1,
        'b36.f': 1,
      });
    });

    it('counts page views and starts per five-minute slot, cell and browser family, once each', async () => {
      // Prepare: a scraper's start twice (a redelivered record), a customer's page, a start without agent
      const store = await open();
      const view = (
        at: number,
        browse: NonNullable<ProfileWrite['browse']>,
        position: ProfileWrite['position'],
      ) => ({
        ...aWrite(anObservation({ at })),
        browse,
        position,
      });
      const writes = [
        view(T0 + 1000, { start: true, cell: 3, agent: 'chrome 131' }, onShard(0, 1)),
        view(T0 + 2000, { start: false, cell: 6, agent: 'chrome 131' }, onShard(0, 2)),
        view(T0 + 6 * 60_000, { start: true, cell: 7 }, onShard(0, 3)),
      ];

      // Act
      await store.record(writes);
      await store.record(writes.slice(0, 1));

      // Assess
      const [bucket] = await bucketsWithWaves(store, T0 + 30 * 60_000);
      const family = `v${agentSliceId('chrome 131')}`;
      expect(bucket?.waves).toEqual({ v0: 2, v0s3: 1, [family]: 2, [`${family}s3`]: 1, v1: 1, v1s7: 1 });
      expect(bucket).toMatchObject({ logins: 0, failures: 0 });
    });

    it('counts a login recorded again once (a batch redelivered after its writes)', async () => {
      // Prepare
      const store = await open();
      const writes = [
        aLoginWrite(T0 + 1000, { outcome: 'failure', unknownUser: true, country: 'BR' }, onShard(0, 1)),
        aLoginWrite(T0 + 2000, { outcome: 'success', unknownUser: false, country: 'NL' }, onShard(0, 2)),
      ];
      const more = aLoginWrite(
        T0 + 3000,
        { outcome: 'success', unknownUser: false, country: 'NL' },
        onShard(0, 3),
      );

      // Act
      await store.record(writes);
      await store.record(writes);
      await store.record([...writes, more]);

      // Assess
      expect(await bucketsAsOf(store, T0 + HOUR_MS - 1)).toEqual([
        {
          start: T0,
          logins: 3,
          failures: 1,
          unknownUserFailures: 1,
          locatedSuccesses: 2,
          countries: { NL: 2 },
        },
      ]);
    });

    it('loses no count when writers on many shards count logins of one hour at once', async () => {
      // Prepare
      const store = await open();
      const writes = Array.from({ length: 12 }, (_, i) =>
        aLoginWrite(T0 + i * 1000, { outcome: 'failure', unknownUser: false }, onShard(i, 1)),
      );

      // Act
      await Promise.all(writes.map((w) => store.record([w])));

      // Assess
      const [bucket] = await bucketsAsOf(store, T0 + HOUR_MS - 1);
      expect(bucket).toMatchObject({ logins: 12, failures: 12 });
    });

    it('returns no bucket older than a week', async () => {
      // Prepare
      const store = await open();
      const success = { outcome: 'success', unknownUser: false, country: 'NL' } as const;
      const weekAgo = T0 - GLOBAL_BUCKETS * GLOBAL_BUCKET_MS;
      await store.record([
        aLoginWrite(T0 - 8 * 24 * HOUR_MS, success),
        aLoginWrite(weekAgo, success),
        aLoginWrite(weekAgo + GLOBAL_BUCKET_MS, success),
        aLoginWrite(T0 + 60_000, success),
      ]);

      // Act
      const buckets = await bucketsAsOf(store, T0 + 30 * 60_000);

      // Assess
      expect(buckets.map((b) => b.start)).toEqual([weekAgo + GLOBAL_BUCKET_MS, T0]);
      expect(buckets.map((b) => b.logins)).toEqual([1, 1]);
    });

    it('leaves the buckets up to `at` as they are when later buckets exist', async () => {
      // Prepare
      const store = await open();
      const success = { outcome: 'success', unknownUser: false, country: 'NL' } as const;
      await store.record([
        aLoginWrite(T0 - HOUR_MS, success),
        aLoginWrite(T0 + 60_000, success),
        aLoginWrite(T0 + 2 * HOUR_MS, success),
        aLoginWrite(T0 + 3 * HOUR_MS, success),
      ]);

      // Act
      const buckets = await bucketsAsOf(store, T0 + 30 * 60_000);

      // Assess
      expect(buckets.map((b) => [b.start, b.logins])).toEqual([
        [T0 - HOUR_MS, 1],
        [T0, 1],
      ]);
    });
  });
}
