import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/shared/decision.ts';
import { BASE_RULESET_VERSION, type DetectionConfig, resolveConfig } from '../../src/rules/config.ts';
import { MAX_FUTURE_MS } from '../../src/shared/contract/events.ts';
import { Detector, type ProcessResult } from '../../src/pipeline/detector.ts';
import type { ProfileKey, ProfileSnapshot } from '../../src/shared/profile.ts';
import { InMemoryProfileStore } from '../../src/shared/memory/profiles.ts';
import type { ProfileWrite } from '../../src/shared/profile.ts';
import type { ProfileStore } from '../../src/shared/ports/profiles.ts';
import { aBrowse, aFailedLogin, aLogin, anOrder, FIXTURE_NOW_MS, withField } from '../factories/events.ts';
import { DAY_MS, iso, ms, testPseudonymiser } from '../factories/pipeline.ts';
import { InMemoryDecisionLog } from '../../src/shared/memory/decisions.ts';
import type { DecisionLog } from '../../src/shared/ports/decisions.ts';

/** The in-memory store and decision log behind the ports, counting what the detector asks of them. */
class SpyStore implements ProfileStore, DecisionLog {
  readonly #inner = new InMemoryProfileStore();
  readonly #decisions: DecisionLog;
  records = 0;
  recordedWrites: ProfileWrite[] = [];
  savedDecisions = 0;
  loadedKeys: ProfileKey[][] = [];

  /** @param nowMs the detector's clock, which remembered decisions expire by */
  constructor(nowMs: number) {
    this.#decisions = new InMemoryDecisionLog({ now: () => nowMs });
  }

  async record(writes: readonly ProfileWrite[]): Promise<void> {
    this.records++;
    this.recordedWrites.push(...writes);
    await this.#inner.record(writes);
  }

  async saveDecision(decision: Decision, expiresAt: number): Promise<void> {
    this.savedDecisions++;
    await this.#decisions.saveDecision(decision, expiresAt);
  }

  async findDecision(eventId: string): Promise<Decision | undefined> {
    return this.#decisions.findDecision(eventId);
  }

  async findDecisions(eventIds: readonly string[]): Promise<Map<string, Decision>> {
    return this.#decisions.findDecisions(eventIds);
  }

  async saveDecisions(decisions: readonly { decision: Decision; expiresAt: number }[]): Promise<void> {
    this.savedDecisions += decisions.length;
    await this.#decisions.saveDecisions(decisions);
  }

  async load(keys: readonly ProfileKey[], at: number): Promise<ProfileSnapshot> {
    this.loadedKeys.push([...keys]);
    return this.#inner.load(keys, at);
  }
}

function aDetector(config: DetectionConfig = resolveConfig(), nowMs: number = FIXTURE_NOW_MS) {
  const store = new SpyStore(nowMs);
  const detector = new Detector({
    store,
    decisions: store,
    pseudonymiser: testPseudonymiser(),
    config,
    now: () => nowMs,
  });
  return { store, detector };
}

/** The decision of `verdict`, failing the test (with the reason) when it is a rejection. */
function decided(verdict: ProcessResult): Extract<ProcessResult, { kind: 'decision' }> {
  if (verdict.kind !== 'decision') throw new Error(`expected a decision, got ${verdict.error}`);
  return verdict;
}

/** The rejection of `verdict`, failing the test when it is a decision. */
function rejected(verdict: ProcessResult): Extract<ProcessResult, { kind: 'invalid' }> {
  if (verdict.kind !== 'invalid')
    throw new Error(`expected invalid, got ${JSON.stringify(verdict.decision)}`);
  return verdict;
}

/** Processes `events` in order and returns their verdicts. */
async function processAll(detector: Detector, events: readonly unknown[]): Promise<ProcessResult[]> {
  const verdicts: ProcessResult[] = [];
  for (const e of events) verdicts.push(await detector.process(e));
  return verdicts;
}

const codes = (verdict: ProcessResult): string[] => decided(verdict).decision.reasons.map((r) => r.code);

describe('Detector: decisions', () => {
  it.each([
    ['login', aLogin()],
    ['browse', aBrowse()],
    ['order', anOrder()],
  ])('decides a valid %s event, carrying its eventType and the ruleset version', async (type, event) => {
    // Prepare
    const { detector } = aDetector();

    // Act
    const verdict = decided(await detector.process(event));

    // Assess
    expect(verdict.duplicate).toBe(false);
    expect(verdict.decision).toMatchObject({
      eventId: event.eventId,
      eventType: type,
      rulesetVersion: BASE_RULESET_VERSION,
    });
    expect(Number.isInteger(verdict.decision.score)).toBe(true);
    expect(verdict.decision.score).toBeGreaterThanOrEqual(0);
    expect(verdict.decision.score).toBeLessThanOrEqual(100);
    expect(['allow', 'review', 'deny']).toContain(verdict.decision.decision);
  });

  it('carries the version of an overridden ruleset, base version plus a hash', async () => {
    // Prepare
    const config = resolveConfig({ thresholds: { review: 50, deny: 90 } });
    const { detector } = aDetector(config);

    // Act
    const verdict = decided(await detector.process(aLogin()));

    // Assess
    expect(verdict.decision.rulesetVersion).toBe(config.rulesetVersion);
    expect(verdict.decision.rulesetVersion).toMatch(new RegExp(`^${BASE_RULESET_VERSION}\\+[0-9a-f]{8}$`));
  });

  it('scores, then records the event in the profiles it touched, then remembers the decision', async () => {
    // Prepare
    const { detector, store } = aDetector();
    const event = aLogin();

    // Act
    await detector.process(event);

    // Assess
    expect(store.loadedKeys).toHaveLength(1);
    expect(store.records).toBe(1);
    expect(store.savedDecisions).toBe(1);
    expect([...store.recordedWrites[0]!.keys].sort()).toEqual([...store.loadedKeys[0]!].sort());
    expect(store.recordedWrites[0]!.observation.eventId).toBe(event.eventId);
  });

  it('accepts an old event (replays and backlogs are judged in event time)', async () => {
    // Prepare
    const { detector } = aDetector();

    // Act
    const verdict = await detector.process(aLogin({ occurredAt: '2019-01-01T00:00:00Z' }));

    // Assess
    expect(verdict.kind).toBe('decision');
  });
});

describe('Detector: invalid events', () => {
  it('names the field and echoes a usable eventId', async () => {
    // Prepare
    const { detector, store } = aDetector();
    const event = withField(anOrder({ eventId: 'ev-bad-amount' }), 'order.amountMinor', -1);

    // Act
    const verdict = rejected(await detector.process(event));

    // Assess
    expect(verdict).toEqual({
      kind: 'invalid',
      eventId: 'ev-bad-amount',
      field: 'order.amountMinor',
      error: 'order.amountMinor: expected integer ≥ 0',
    });
    expect(store.records).toBe(0);
    expect(store.savedDecisions).toBe(0);
  });

  it.each([
    ['an eventId with a space', 'ev 1'],
    ['a numeric eventId', 42],
    ['no eventId', undefined],
  ])('leaves the eventId out for %s', async (_what, eventId) => {
    // Prepare
    const { detector } = aDetector();
    const event = withField(aLogin(), 'eventId', eventId);

    // Act
    const verdict = rejected(await detector.process(event));

    // Assess
    expect(verdict.field).toBe('eventId');
    expect(verdict.error).toMatch(/^eventId: /);
    expect(verdict).not.toHaveProperty('eventId');
  });

  it.each([
    ['null', null],
    ['an array', [aLogin()]],
    ['a string', 'login'],
  ])('rejects %s as input', async (_what, input) => {
    // Prepare
    const { detector } = aDetector();

    // Act
    const verdict = rejected(await detector.process(input));

    // Assess
    expect(verdict.field).toBe('(root)');
    expect(verdict.error).toMatch(/^\(root\): expected a JSON object/);
  });

  it('rejects an event more than 24 h after the injected clock, naming occurredAt', async () => {
    // Prepare
    const now = ms('2026-11-24T12:00:00Z');
    const { detector, store } = aDetector(resolveConfig(), now);
    const event = aLogin({ eventId: 'ev-future', occurredAt: iso(now + MAX_FUTURE_MS + 1_000) });

    // Act
    const verdict = rejected(await detector.process(event));

    // Assess
    expect(verdict).toEqual({
      kind: 'invalid',
      eventId: 'ev-future',
      field: 'occurredAt',
      error: 'occurredAt: more than 24 h in the future',
    });
    expect(store.records).toBe(0);
  });

  it('accepts an event up to 24 h after the injected clock', async () => {
    // Prepare
    const now = ms('2026-11-24T12:00:00Z');
    const { detector } = aDetector(resolveConfig(), now);

    // Act
    const verdicts = await processAll(detector, [
      aLogin({ occurredAt: iso(now + MAX_FUTURE_MS - 1_000) }),
      aLogin({ occurredAt: iso(now + MAX_FUTURE_MS) }),
    ]);

    // Assess
    expect(verdicts.map((v) => v.kind)).toEqual(['decision', 'decision']);
  });

  it('judges the future against the injected clock, not the machine clock', async () => {
    // Prepare: to a clock of 2020 the fixture events of 2026 lie in the future.
    const { detector } = aDetector(resolveConfig(), ms('2020-01-01T00:00:00Z'));

    // Act
    const verdict = rejected(await detector.process(aLogin()));

    // Assess
    expect(verdict.field).toBe('occurredAt');
  });
});

describe('Detector: duplicates', () => {
  it('answers a second delivery with the first decision, marked duplicate, changing no profile', async () => {
    // Prepare
    const { detector, store } = aDetector();
    const event = aLogin({ eventId: 'ev-twice' });
    const first = decided(await detector.process(event));
    const recordsBefore = store.records;
    const before = await store.load(store.loadedKeys[0]!, FIXTURE_NOW_MS);
    const snapshotBefore = JSON.stringify([...before.profiles]);

    // Act
    const second = decided(await detector.process(structuredClone(event)));

    // Assess
    expect(second.duplicate).toBe(true);
    expect(second.decision).toEqual(first.decision);
    expect(store.records).toBe(recordsBefore);
    expect(store.savedDecisions).toBe(1);
    const after = await store.load(store.loadedKeys[0]!, FIXTURE_NOW_MS);
    expect(JSON.stringify([...after.profiles])).toBe(snapshotBefore);
  });

  it('answers a redelivery with different content by the first decision too', async () => {
    // Prepare
    const { detector, store } = aDetector();
    const first = decided(await detector.process(aLogin({ eventId: 'ev-dup' })));

    // Act
    const second = decided(
      await detector.process(aFailedLogin('bad_password', { eventId: 'ev-dup', ip: '51.15.103.162' })),
    );

    // Assess
    expect(second).toEqual({ kind: 'decision', decision: first.decision, duplicate: true });
    expect(store.records).toBe(1);
  });

  it('lets a duplicate add nothing to later decisions', async () => {
    // Prepare: four failures, each delivered three times, then a fifth failure.
    const base = ms('2026-11-24T08:00:00Z');
    const failures = Array.from({ length: 4 }, (_, i) =>
      aFailedLogin('bad_password', { occurredAt: iso(base + i * 10_000) }),
    );
    const { detector } = aDetector();
    await processAll(
      detector,
      failures.flatMap((f) => [f, f, f]),
    );

    // Act
    const fifth = await detector.process(aFailedLogin('bad_password', { occurredAt: iso(base + 60_000) }));

    // Assess: five distinct failures reach BRUTE_FORCE's threshold with exactly 5, not 13.
    const reason = decided(fifth).decision.reasons.find((r) => r.code === 'BRUTE_FORCE');
    expect(reason?.evidence.failures).toBe(5);
  });

  it('does not remember a rejected event as decided', async () => {
    // Prepare
    const { detector } = aDetector();
    const broken = withField(aLogin({ eventId: 'ev-fixed-later' }), 'ip', 'not-an-ip');
    await detector.process(broken);

    // Act
    const verdict = decided(await detector.process(aLogin({ eventId: 'ev-fixed-later' })));

    // Assess
    expect(verdict.duplicate).toBe(false);
  });
});

describe('Detector: brute force', () => {
  it('reviews and then denies the later of 8 failed logins for one username', async () => {
    // Prepare
    const base = ms('2026-11-24T08:00:00Z');
    const failures = Array.from({ length: 8 }, (_, i) =>
      aFailedLogin('bad_password', { occurredAt: iso(base + i * 20_000) }),
    );
    const { detector } = aDetector();

    // Act
    const verdicts = (await processAll(detector, failures)).map((v) => decided(v).decision);

    // Assess
    expect(verdicts.slice(0, 4).every((d) => !d.reasons.some((r) => r.code === 'BRUTE_FORCE'))).toBe(true);
    expect(verdicts.slice(4).every((d) => d.reasons.some((r) => r.code === 'BRUTE_FORCE'))).toBe(true);
    expect(verdicts.slice(0, 4).map((d) => d.decision)).toEqual(['allow', 'allow', 'allow', 'allow']);
    const last = verdicts.at(-1)!;
    expect(['review', 'deny']).toContain(last.decision);
    expect(verdicts.filter((d) => d.decision !== 'allow').length).toBeGreaterThanOrEqual(2);
    const scores = verdicts.map((d) => d.score);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
  });

  it('counts failures per username whatever its case, across addresses', async () => {
    // Prepare
    const base = ms('2026-11-24T08:00:00Z');
    const spellings = ['anna@example.nl', 'Anna@Example.nl', 'ANNA@EXAMPLE.NL', ' anna@example.nl'];
    const failures = Array.from({ length: 8 }, (_, i) =>
      aFailedLogin('bad_password', {
        occurredAt: iso(base + i * 20_000),
        ip: `86.82.${i}.10`,
        login: { username: spellings[i % spellings.length]! },
      }),
    );
    const { detector } = aDetector();

    // Act
    const verdicts = await processAll(detector, failures);

    // Assess
    expect(codes(verdicts.at(-1)!)).toContain('BRUTE_FORCE');
    expect(
      decided(verdicts.at(-1)!).decision.reasons.find((r) => r.code === 'BRUTE_FORCE')?.evidence,
    ).toMatchObject({
      failures: 8,
    });
  });

  it('does not charge failures of one username to another', async () => {
    // Prepare
    const base = ms('2026-11-24T08:00:00Z');
    const others = Array.from({ length: 8 }, (_, i) =>
      aFailedLogin('bad_password', {
        occurredAt: iso(base + i * 20_000),
        customerId: `C${2000 + i}`,
        ip: `86.82.${i}.10`,
        deviceId: `d-${i}`,
        login: { username: `user${i}@example.nl` },
      }),
    );
    const { detector } = aDetector();
    await processAll(detector, others);

    // Act
    const anna = await detector.process(aFailedLogin('bad_password', { occurredAt: iso(base + 200_000) }));

    // Assess
    expect(codes(anna)).not.toContain('BRUTE_FORCE');
  });
});

describe('Detector: retention', () => {
  /** BRUTE_FORCE looking back 200 days: only retention can then keep old failures out. */
  const WIDE_WINDOW = { BRUTE_FORCE: { windowMinutes: 200 * 24 * 60 } };

  async function failuresThenOne(config: DetectionConfig, daysEarlier: number): Promise<ProcessResult> {
    const now = ms('2026-11-24T08:00:00Z');
    const old = now - daysEarlier * DAY_MS;
    const { detector } = aDetector(config, now);
    await processAll(
      detector,
      Array.from({ length: 10 }, (_, i) =>
        aFailedLogin('bad_password', { occurredAt: iso(old + i * 10_000) }),
      ),
    );
    return detector.process(aFailedLogin('bad_password', { occurredAt: iso(now) }));
  }

  it('lets 10 failures 100 days earlier (past the 90-day login retention) count for nothing', async () => {
    // Prepare
    const config = resolveConfig({ rules: WIDE_WINDOW });

    // Act
    const verdict = await failuresThenOne(config, 100);

    // Assess
    expect(codes(verdict)).not.toContain('BRUTE_FORCE');
  });

  it('counts the same failures while they are retained (control: 80 days, or retention raised to 400)', async () => {
    // Prepare
    const wideOnly = resolveConfig({ rules: WIDE_WINDOW });
    const longRetention = resolveConfig({ rules: WIDE_WINDOW, retentionDays: { login: 400 } });

    // Act
    const within = await failuresThenOne(wideOnly, 80);
    const retained = await failuresThenOne(longRetention, 100);

    // Assess
    for (const verdict of [within, retained]) {
      expect(decided(verdict).decision.reasons.find((r) => r.code === 'BRUTE_FORCE')?.evidence).toMatchObject(
        {
          failures: 11,
        },
      );
    }
  });

  it('forgets the devices of a customer after the login retention (NEW_DEVICE needs a fresh history)', async () => {
    // Prepare
    const now = ms('2026-11-24T08:00:00Z');
    const history = (daysEarlier: number) =>
      Array.from({ length: 4 }, (_, i) =>
        aLogin({ deviceId: 'd-home', occurredAt: iso(now - daysEarlier * DAY_MS + i * 3_600_000) }),
      );
    const fresh = aDetector(resolveConfig(), now);
    const stale = aDetector(resolveConfig(), now);
    await processAll(fresh.detector, history(10));
    await processAll(stale.detector, history(100));

    // Act
    const afterFresh = await fresh.detector.process(aLogin({ deviceId: 'd-new', occurredAt: iso(now) }));
    const afterStale = await stale.detector.process(aLogin({ deviceId: 'd-new', occurredAt: iso(now) }));

    // Assess
    expect(codes(afterFresh)).toContain('NEW_DEVICE');
    expect(codes(afterStale)).not.toContain('NEW_DEVICE');
  });
});

describe('Detector: event order', () => {
  it('lets a success end a failure streak even when it shares the failures’ second', async () => {
    // Prepare
    const second = '2026-11-24T08:00:00Z';
    const { detector } = aDetector();
    const failures = Array.from({ length: 10 }, (_, i) =>
      aFailedLogin('bad_password', { occurredAt: second, ip: `86.82.${i}.1` }),
    );
    await processAll(detector, [...failures, aLogin({ occurredAt: second })]);

    // Act
    const next = await detector.process(aLogin({ occurredAt: '2026-11-24T08:00:01Z' }));

    // Assess
    expect(codes(next)).not.toContain('SUCCESS_AFTER_FAILURES');
  });

  it('lets a success end a failure streak when it comes a second later', async () => {
    // Prepare
    const base = ms('2026-11-24T08:00:00Z');
    const { detector } = aDetector();
    const failures = Array.from({ length: 10 }, (_, i) =>
      aFailedLogin('bad_password', { occurredAt: iso(base + i * 1_000), ip: `86.82.${i}.1` }),
    );
    const success = aLogin({ occurredAt: iso(base + 10_000) });
    const [firstSuccess] = (await processAll(detector, [...failures, success])).slice(-1);

    // Act
    const next = await detector.process(aLogin({ occurredAt: iso(base + 11_000) }));

    // Assess
    expect(codes(firstSuccess!)).toContain('SUCCESS_AFTER_FAILURES');
    expect(codes(next)).not.toContain('SUCCESS_AFTER_FAILURES');
  });
});
