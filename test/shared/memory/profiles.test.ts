import { describe, expect, it } from 'vitest';
import type { Observation, ProfileKey, SignalKind } from '../../../src/shared/profile.ts';
import { InMemoryProfileStore } from '../../../src/shared/memory/profiles.ts';
import type { ProfileWrite } from '../../../src/shared/profile.ts';
import { GLOBAL_BUCKET_MS, GLOBAL_BUCKETS, PROFILE_LIMITS } from '../../../src/shared/ports/profiles.ts';
import type { Pseudonym } from '../../../src/shared/pseudonymise.ts';
import { DAY_MS, DAY_S, ms } from '../../factories/pipeline.ts';

const T0 = ms('2026-11-24T08:00:00Z');
const IP_KEY: ProfileKey = 'ip#v1:ip-1';
const SUBJECT_KEY: ProfileKey = 'subject#v1:subject-1';

let sequence = 0;

/** A stored observation of `kind` at `at`, kept for 30 days unless overridden. */
function anObservation(overrides: Partial<Observation> = {}): Observation {
  const at = overrides.at ?? T0;
  return {
    eventId: `obs-${++sequence}`,
    kind: 'browse',
    at,
    expiresAt: Math.floor(at / 1000) + 30 * DAY_S,
    ip: 'v1:ip-1' as Pseudonym,
    network: 'v1:network-1' as Pseudonym,
    ...overrides,
  };
}

/** A write of `observation` to `keys`. */
function aWrite(
  observation: Observation,
  keys: ProfileKey[] = [IP_KEY],
  login?: ProfileWrite['login'],
): ProfileWrite {
  return login ? { observation, keys, login } : { observation, keys };
}

/** A login write with its shop-wide counters. */
function aLoginWrite(at: number, login: NonNullable<ProfileWrite['login']>): ProfileWrite {
  return aWrite(anObservation({ kind: 'login', at, outcome: login.outcome }), [IP_KEY], login);
}

/** The observations of `key` as of `at`. */
async function observationsOf(
  store: InMemoryProfileStore,
  key: ProfileKey,
  at: number,
): Promise<Observation[]> {
  const snapshot = await store.load([key], at);
  return [...(snapshot.profiles.get(key)?.observations ?? [])];
}

describe('InMemoryProfileStore: expiry', () => {
  it('never returns an observation at or past its expiresAt, though it is still stored', async () => {
    // Prepare
    const store = new InMemoryProfileStore();
    const o = anObservation({ at: T0, expiresAt: Math.floor(T0 / 1000) + DAY_S });
    await store.record([aWrite(o)]);
    const expiresAtMs = o.expiresAt * 1000;

    // Act
    const justBefore = await observationsOf(store, IP_KEY, expiresAtMs - 1);
    const atExpiry = await observationsOf(store, IP_KEY, expiresAtMs);
    const muchLater = await observationsOf(store, IP_KEY, expiresAtMs + 365 * DAY_MS);
    const earlierAgain = await observationsOf(store, IP_KEY, T0);

    // Assess
    expect(justBefore.map((x) => x.eventId)).toEqual([o.eventId]);
    expect(atExpiry).toEqual([]);
    expect(muchLater).toEqual([]);
    expect(earlierAgain.map((x) => x.eventId)).toEqual([o.eventId]);
  });

  it('leaves out only the expired observations of a profile, keeping the order of the rest', async () => {
    // Prepare
    const store = new InMemoryProfileStore();
    const shortLived = anObservation({ at: T0, expiresAt: Math.floor(T0 / 1000) + 60 });
    const first = anObservation({ at: T0 + 1_000 });
    const second = anObservation({ at: T0 + 2_000 });
    const alsoShort = anObservation({ at: T0 + 3_000, expiresAt: Math.floor(T0 / 1000) + 120 });
    const third = anObservation({ at: T0 + 4_000 });
    await store.record([shortLived, first, second, alsoShort, third].map((o) => aWrite(o)));

    // Act
    const loaded = await observationsOf(store, IP_KEY, T0 + 3_600_000);

    // Assess
    expect(loaded.map((x) => x.eventId)).toEqual([first.eventId, second.eventId, third.eventId]);
  });

  it('answers an unknown profile with no entry', async () => {
    // Prepare
    const store = new InMemoryProfileStore();

    // Act
    const snapshot = await store.load([IP_KEY], T0);

    // Assess
    expect(snapshot.profiles.has(IP_KEY)).toBe(false);
  });
});

describe('InMemoryProfileStore: bounded profiles', () => {
  it('keeps at most PROFILE_LIMITS.browse observations of 10,000 browse events to one ip, the newest ones', async () => {
    // Prepare
    const store = new InMemoryProfileStore();
    const events = Array.from({ length: 10_000 }, (_, i) =>
      anObservation({ kind: 'browse', at: T0 + i * 100 }),
    );

    // Act
    for (const o of events) await store.record([aWrite(o)]);
    const loaded = await observationsOf(store, IP_KEY, T0 + 10_000 * 100);

    // Assess
    expect(loaded).toHaveLength(PROFILE_LIMITS.browse);
    expect(loaded.map((x) => x.eventId)).toEqual(events.slice(-PROFILE_LIMITS.browse).map((x) => x.eventId));
  });

  it.each(['login', 'order', 'search'] as const)(
    'bounds %s observations by their own limit, leaving the other kinds alone',
    async (kind: SignalKind) => {
      // Prepare
      const store = new InMemoryProfileStore();
      const others = (['login', 'browse', 'search', 'order'] as const)
        .filter((k) => k !== kind)
        .map((k, i) => anObservation({ kind: k, at: T0 + i }));
      const flood = Array.from({ length: 500 }, (_, i) => anObservation({ kind, at: T0 + 1_000 + i }));

      // Act
      await store.record([...others, ...flood].map((o) => aWrite(o)));
      const loaded = await observationsOf(store, IP_KEY, T0 + DAY_MS);

      // Assess
      expect(loaded.filter((o) => o.kind === kind).map((o) => o.eventId)).toEqual(
        flood.slice(-PROFILE_LIMITS[kind]).map((o) => o.eventId),
      );
      expect(loaded.filter((o) => o.kind !== kind).map((o) => o.eventId)).toEqual(
        others.map((o) => o.eventId),
      );
    },
  );

  it('drops an old straggler that arrives when the profile is full, keeping the newest', async () => {
    // Prepare
    const store = new InMemoryProfileStore();
    const recent = Array.from({ length: PROFILE_LIMITS.browse }, (_, i) =>
      anObservation({ at: T0 + i * 1_000 }),
    );
    await store.record(recent.map((o) => aWrite(o)));
    const straggler = anObservation({ at: T0 - 60_000 });

    // Act
    await store.record([aWrite(straggler)]);
    const loaded = await observationsOf(store, IP_KEY, T0 + DAY_MS);

    // Assess
    expect(loaded.map((x) => x.eventId)).toEqual(recent.map((x) => x.eventId));
  });

  it('keeps observations in time order whatever order they arrive in', async () => {
    // Prepare
    const store = new InMemoryProfileStore();
    const offsets = [5, 1, 9, 3, 7, 2, 8, 0, 6, 4];
    const arriving = offsets.map((s) => anObservation({ at: T0 + s * 1_000 }));

    // Act
    for (const o of arriving) await store.record([aWrite(o)]);
    const loaded = await observationsOf(store, IP_KEY, T0 + DAY_MS);

    // Assess
    expect(loaded.map((x) => x.at)).toEqual([...offsets].sort((a, b) => a - b).map((s) => T0 + s * 1_000));
  });

  it('keeps observations of the same time in arrival order', async () => {
    // Prepare
    const store = new InMemoryProfileStore();
    const sameSecond = Array.from({ length: 4 }, () => anObservation({ at: T0 }));

    // Act
    for (const o of sameSecond) await store.record([aWrite(o)]);
    const loaded = await observationsOf(store, IP_KEY, T0 + DAY_MS);

    // Assess
    expect(loaded.map((x) => x.eventId)).toEqual(sameSecond.map((x) => x.eventId));
  });

  it('stores an eventId appended twice to the same profile once', async () => {
    // Prepare
    const store = new InMemoryProfileStore();
    const o = anObservation({ at: T0 });
    const later = anObservation({ at: T0 + 5_000 });

    // Act
    await store.record([aWrite(o), aWrite(later)]);
    await store.record([aWrite({ ...o }), aWrite(o, [IP_KEY, IP_KEY])]);
    const loaded = await observationsOf(store, IP_KEY, T0 + DAY_MS);

    // Assess
    expect(loaded.map((x) => x.eventId)).toEqual([o.eventId, later.eventId]);
  });

  it('appends one observation to every profile of its write', async () => {
    // Prepare
    const store = new InMemoryProfileStore();
    const o = anObservation();

    // Act
    await store.record([aWrite(o, [IP_KEY, SUBJECT_KEY])]);
    const snapshot = await store.load([IP_KEY, SUBJECT_KEY], T0 + 1_000);

    // Assess
    expect(snapshot.profiles.get(IP_KEY)?.observations).toEqual([o]);
    expect(snapshot.profiles.get(SUBJECT_KEY)?.observations).toEqual([o]);
  });
});

describe('InMemoryProfileStore: bounded number of profiles', () => {
  it('never holds more than maxProfiles profiles', async () => {
    // Prepare
    const store = new InMemoryProfileStore({ maxProfiles: 10 });
    const sizes: number[] = [];

    // Act
    for (let i = 0; i < 100; i++) {
      await store.record([aWrite(anObservation(), [`ip#v1:ip-${i}`])]);
      sizes.push(store.size);
    }

    // Assess
    expect(Math.max(...sizes)).toBeLessThanOrEqual(10);
    expect(store.size).toBeGreaterThan(0);
  });

  it('forgets the profiles least recently used, keeping the one in use and the newest', async () => {
    // Prepare
    const store = new InMemoryProfileStore({ maxProfiles: 10 });
    const hot: ProfileKey = 'subject#v1:hot';
    const first: ProfileKey = 'ip#v1:first';
    await store.record([aWrite(anObservation(), [first])]);

    // Act: 50 new profiles; the hot one is loaded and written in between, as the detector does.
    for (let i = 0; i < 50; i++) {
      await store.load([hot], T0);
      await store.record([aWrite(anObservation(), [hot]), aWrite(anObservation(), [`ip#v1:ip-${i}`])]);
    }
    const snapshot = await store.load([first, hot, 'ip#v1:ip-49'], T0 + 1_000);

    // Assess
    expect(snapshot.profiles.has(first)).toBe(false);
    expect(snapshot.profiles.has(hot)).toBe(true);
    expect(snapshot.profiles.has('ip#v1:ip-49')).toBe(true);
  });
});

describe('InMemoryProfileStore: shop-wide buckets', () => {
  it('counts logins, failures, unknown-user failures and located successes per country in hourly buckets', async () => {
    // Prepare
    const store = new InMemoryProfileStore();
    const writes = [
      aLoginWrite(T0 + 1_000, { outcome: 'success', unknownUser: false, country: 'NL' }),
      aLoginWrite(T0 + 2_000, { outcome: 'success', unknownUser: false, country: 'NL' }),
      aLoginWrite(T0 + 3_000, { outcome: 'success', unknownUser: false, country: 'BE' }),
      aLoginWrite(T0 + 4_000, { outcome: 'success', unknownUser: false }),
      aLoginWrite(T0 + 5_000, { outcome: 'failure', unknownUser: false, country: 'RU' }),
      aLoginWrite(T0 + 6_000, { outcome: 'failure', unknownUser: true, country: 'RU' }),
      aLoginWrite(T0 + 7_000, { outcome: 'failure', unknownUser: true }),
      aLoginWrite(T0 + GLOBAL_BUCKET_MS, { outcome: 'success', unknownUser: false, country: 'DE' }),
    ];

    // Act
    await store.record(writes);
    const { global } = await store.load([], T0 + GLOBAL_BUCKET_MS + 1_000);

    // Assess
    expect(global?.buckets.map(({ waves: _waves, ...bucket }) => bucket)).toEqual([
      {
        start: T0,
        logins: 7,
        failures: 3,
        unknownUserFailures: 2,
        locatedSuccesses: 3,
        countries: { NL: 2, BE: 1 },
      },
      {
        start: T0 + GLOBAL_BUCKET_MS,
        logins: 1,
        failures: 0,
        unknownUserFailures: 0,
        locatedSuccesses: 1,
        countries: { DE: 1 },
      },
    ]);
  });

  it('aligns buckets to the hour and keeps them in time order when logins arrive out of order', async () => {
    // Prepare
    const store = new InMemoryProfileStore();
    const login = { outcome: 'success', unknownUser: false, country: 'NL' } as const;

    // Act
    await store.record([
      aLoginWrite(T0 + 2 * GLOBAL_BUCKET_MS + 59 * 60_000, login),
      aLoginWrite(T0 + 30 * 60_000, login),
      aLoginWrite(T0 + GLOBAL_BUCKET_MS, login),
    ]);
    const { global } = await store.load([], T0 + 3 * GLOBAL_BUCKET_MS);

    // Assess
    expect(global?.buckets.map((b) => b.start)).toEqual([
      T0,
      T0 + GLOBAL_BUCKET_MS,
      T0 + 2 * GLOBAL_BUCKET_MS,
    ]);
  });

  it('drops buckets a week older than the newest one', async () => {
    // Prepare
    const store = new InMemoryProfileStore();
    const login = { outcome: 'failure', unknownUser: true } as const;
    const week = GLOBAL_BUCKETS * GLOBAL_BUCKET_MS;

    // Act
    await store.record([
      aLoginWrite(T0, login),
      aLoginWrite(T0 + GLOBAL_BUCKET_MS, login),
      aLoginWrite(T0 + week, login),
    ]);
    const { global } = await store.load([], T0 + week);

    // Assess
    expect(week).toBe(7 * DAY_MS);
    expect(global?.buckets.map((b) => b.start)).toEqual([T0 + GLOBAL_BUCKET_MS, T0 + week]);
    expect(global?.buckets.length).toBeLessThanOrEqual(GLOBAL_BUCKETS);
  });

  it('holds at most a week of buckets however long the stream', async () => {
    // Prepare
    const store = new InMemoryProfileStore();
    const login = { outcome: 'success', unknownUser: false, country: 'NL' } as const;
    const hours = 30 * 24;

    // Act
    for (let h = 0; h < hours; h++) await store.record([aLoginWrite(T0 + h * GLOBAL_BUCKET_MS, login)]);
    const { global } = await store.load([], T0 + hours * GLOBAL_BUCKET_MS);

    // Assess
    expect(global?.buckets).toHaveLength(GLOBAL_BUCKETS);
    expect(global?.buckets[0]?.start).toBe(T0 + (hours - GLOBAL_BUCKETS) * GLOBAL_BUCKET_MS);
  });

  it('counts nothing for writes without a login', async () => {
    // Prepare
    const store = new InMemoryProfileStore();

    // Act
    await store.record([aWrite(anObservation({ kind: 'order' })), aWrite(anObservation({ kind: 'browse' }))]);
    const { global } = await store.load([], T0 + 1_000);

    // Assess
    expect(global?.buckets).toEqual([]);
  });
});
