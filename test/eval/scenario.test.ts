import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../src/shared/contract/events.ts';
import { HARD_LEGIT, THREATS, generate, incidentCount } from '../../src/eval/scenario.ts';
import { IPV6_TAKEOVER } from '../../src/eval/threats/ipv6-takeover.ts';
import { TAKEOVER_ABROAD } from '../../src/eval/threats/single-account.ts';
import { GIFT_CARDS } from '../../src/eval/threats/takeover.ts';

/** Small enough for a busy machine, large enough for every family. */
const SMALL = { customers: 300, days: 6 } as const;
const NOW = Date.parse('2027-01-01T00:00:00Z');

describe('generate', () => {
  const first = generate({ seed: 7, ...SMALL });

  it('gives the same events and labels for the same seed', () => {
    // Act
    const again = generate({ seed: 7, ...SMALL });

    // Assess
    expect(again.events).toEqual(first.events);
    expect(again.labels).toEqual(first.labels);
  });

  it('gives other traffic for another seed', () => {
    // Act
    const other = generate({ seed: 8, ...SMALL });

    // Assess
    expect(other.events.slice(0, 50)).not.toEqual(first.events.slice(0, 50));
  });

  it('writes only events the contract parser accepts', () => {
    // Act
    const rejected = first.events.map((e) => parseEvent(e, NOW)).filter((r) => !r.ok);

    // Assess
    expect(rejected).toEqual([]);
  });

  it('labels every event, once, in event order, with unique ids', () => {
    // Assess
    expect(first.labels.map((l) => l.eventId)).toEqual(first.events.map((e) => e.eventId));
    expect(new Set(first.labels.map((l) => l.eventId)).size).toBe(first.events.length);
  });

  it('keeps the events in time order', () => {
    // Prepare
    const times = first.events.map((e) => Date.parse(e.occurredAt));

    // Assess
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
  });

  it('writes every threat family with its incidents, and fraud labels only for them', () => {
    // Prepare
    const incidents = new Map<string, Set<string>>();
    for (const l of first.labels) {
      if (l.label === 'legit') expect(l.incident).toBeNull();
      else incidents.set(l.family, (incidents.get(l.family) ?? new Set()).add(l.incident!));
    }

    // Assess
    for (const threat of THREATS) {
      expect(incidents.get(threat.name)?.size, threat.name).toBe(incidentCount(threat, SMALL.customers));
    }
    expect([...incidents.keys()].sort()).toEqual(THREATS.map((t) => t.name).sort());
  });

  it('writes every hard legitimate population', () => {
    // Prepare
    const families = new Set(first.labels.filter((l) => l.label === 'legit').map((l) => l.family));

    // Assess
    for (const f of HARD_LEGIT) expect(families.has(f.name), f.name).toBe(true);
    expect(families).toContain('legit_crawler');
    expect(families).toContain('normal');
  });

  it('encodes MFA fatigue in two steps: a password success, then mfa failures', () => {
    // Prepare
    const mfa = first.events.filter(
      (e, i) => first.labels[i]!.family === 'mfa_fatigue' && e.type === 'login',
    );
    const methods = mfa.map((e) => (e.login as { method: string; outcome: string }).method);

    // Assess
    expect(methods).toContain('password');
    expect(methods).toContain('mfa');
    expect(mfa.some((e) => (e.login as { failureReason?: string }).failureReason === 'mfa_failed')).toBe(
      true,
    );
  });

  it('keeps each password takeover to its own range of wrong passwords before the hit', () => {
    // Prepare
    const ranges = {
      takeover_gift_cards: GIFT_CARDS.failures,
      ipv6_takeover: IPV6_TAKEOVER.failures,
      takeover_abroad: TAKEOVER_ABROAD.failures,
    } as const;
    const wrong = new Map<string, { family: keyof typeof ranges; n: number }>();
    first.events.forEach((e, i) => {
      const { family, incident } = first.labels[i]!;
      if (!(family in ranges) || e.type !== 'login') return;
      const seen = wrong.get(incident!) ?? { family: family as keyof typeof ranges, n: 0 };
      if ((e.login as { failureReason?: string }).failureReason === 'bad_password') seen.n++;
      wrong.set(incident!, seen);
    });

    // Assess
    expect(new Set([...wrong.values()].map((w) => w.family)).size).toBe(3);
    for (const [incident, { family, n }] of wrong) {
      expect(n, incident).toBeGreaterThanOrEqual(ranges[family][0]);
      expect(n, incident).toBeLessThanOrEqual(ranges[family][1]);
    }
  });

  it('refuses a population too small to hold the families', () => {
    // Act / Assess
    expect(() => generate({ seed: 1, customers: 10 })).toThrow(/customers/);
  });
});
