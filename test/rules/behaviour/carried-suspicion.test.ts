import { describe, expect, it } from 'vitest';
import { carriedSuspicion } from '../../../src/rules/behaviour/carried-suspicion.ts';
import { ProfileView, minutes } from '../../../src/rules/rule.ts';
import type { Observation } from '../../../src/shared/profile.ts';
import {
  FACT_AT,
  aBrowseFact,
  aLoginFact,
  aSnapshot,
  anObservation,
  pseudonym,
} from '../../factories/facts.ts';

const S = carriedSuspicion.defaults;

/** An earlier event of the default session, device and address with this score. */
const flagged = (score: number, agoMinutes: number, overrides: Partial<Observation> = {}): Observation =>
  anObservation({
    at: FACT_AT - minutes(agoMinutes),
    flagScore: score,
    ...(score >= 80 ? { denied: true as const } : {}),
    ...overrides,
  });

describe('CARRIED_SUSPICION', () => {
  it("carries a share of a denied event's score to the next page of its session", () => {
    // Prepare
    const event = aBrowseFact();
    const view = new ProfileView(aSnapshot(event, { client: [flagged(100, 1)] }));

    // Act
    const finding = carriedSuspicion.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({
      points: 44,
      evidence: { carrier: 'client', earlierScore: 100, denied: true, secondsSince: 60 },
    });
  });

  it('keeps a carried deny at review level on its session for deniedSessionMinutes', () => {
    // Prepare
    const event = aBrowseFact();
    const view = new ProfileView(aSnapshot(event, { client: [flagged(80, 29)] }));

    // Act
    const finding = carriedSuspicion.evaluate(event, view, S);

    // Assess
    expect(finding && finding.points).toBe(S.deniedSessionPoints);
  });

  it('keeps what a review carries under review, however high its score', () => {
    // Prepare
    const event = aBrowseFact();
    const view = new ProfileView(aSnapshot(event, { client: [flagged(79, 0.5)] }));

    // Act
    const finding = carriedSuspicion.evaluate(event, view, S);

    // Assess
    expect(finding && finding.points).toBe(S.maxFromReview);
  });

  it('carries less the longer ago the flag was, and nothing after the window', () => {
    // Prepare
    const event = aBrowseFact();
    const points = (agoMinutes: number) => {
      const view = new ProfileView(aSnapshot(event, { client: [flagged(60, agoMinutes)] }));
      const finding = carriedSuspicion.evaluate(event, view, S);
      return finding ? finding.points : 0;
    };

    // Act
    const [soon, later, outside] = [1, S.clientHalfLifeMinutes, S.clientWindowMinutes + 1].map(points);

    // Assess
    expect(soon).toBe(21);
    expect(later).toBe(11);
    expect(outside).toBe(0);
  });

  it('carries a flag of the same device to a login of another account', () => {
    // Prepare
    const event = aLoginFact({ subject: pseudonym('subject-2'), client: pseudonym('client-2') });
    const view = new ProfileView(aSnapshot(event, { device: [flagged(90, 10)] }));

    // Act
    const finding = carriedSuspicion.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({ points: 26, evidence: { carrier: 'device', earlierScore: 90 } });
  });

  it("carries an address's flags in proportion to the share of its recent traffic they are", () => {
    // Prepare
    const event = aLoginFact({ client: pseudonym('client-2'), device: pseudonym('device-2') });
    const quiet = Array.from({ length: 3 }, (_, i) => anObservation({ at: FACT_AT - minutes(i + 2) }));
    const view = new ProfileView(aSnapshot(event, { ip: [flagged(90, 1), ...quiet] }));

    // Act
    const finding = carriedSuspicion.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({ points: 8, evidence: { carrier: 'ip' } });
  });

  it("leaves an office NAT's other users alone after one user's flag", () => {
    // Prepare
    const event = aLoginFact({ client: pseudonym('client-2'), device: pseudonym('device-2') });
    const office = Array.from({ length: 100 }, (_, i) => anObservation({ at: FACT_AT - minutes(i / 2 + 2) }));
    const view = new ProfileView(aSnapshot(event, { ip: [...office, flagged(60, 1)] }));

    // Act
    const finding = carriedSuspicion.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('carries nothing across an address busier than ipBusyEvents, however much of it was flagged', () => {
    // Prepare
    const event = aLoginFact({ client: pseudonym('client-2'), device: pseudonym('device-2') });
    const busy = Array.from({ length: S.ipBusyEvents + 1 }, (_, i) => flagged(90, 1 + i / 10));
    const view = new ProfileView(aSnapshot(event, { ip: busy.reverse() }));

    // Act
    const finding = carriedSuspicion.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('carries nothing from unflagged events', () => {
    // Prepare
    const event = aBrowseFact();
    const view = new ProfileView(aSnapshot(event, { client: [anObservation({ at: FACT_AT - minutes(1) })] }));

    // Act
    const finding = carriedSuspicion.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });
});
