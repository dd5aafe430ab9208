import { describe, expect, it } from 'vitest';
import { probing } from '../../../src/rules/behaviour/probing.ts';
import { ProfileView, minutes } from '../../../src/rules/rule.ts';
import type { Observation } from '../../../src/shared/profile.ts';
import { FACT_AT, aBrowseFact, aSnapshot, anObservation } from '../../factories/facts.ts';

const S = { ...probing.defaults, points: 45, firstProbePoints: 20, windowMinutes: 10, minProbes: 3 };

/** An earlier request of the default client, a probe unless said otherwise, `msAgo` before the event. */
const request = (msAgo: number, probe = true): Observation =>
  anObservation({ kind: 'browse', at: FACT_AT - msAgo, probe });

const aProbe = () => aBrowseFact({ browse: { probe: true } });

describe('PROBING', () => {
  it('gives a first probe firstProbePoints', () => {
    // Prepare
    const event = aProbe();
    const view = new ProfileView(aSnapshot(event, { client: [request(minutes(1), false)] }));

    // Act
    const finding = probing.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message:
        'request for a path that shoppers never ask for (sensitive file, script, admin console or traversal)',
      evidence: { probes: 1, windowMinutes: 10 },
      points: 20,
    });
  });

  it('still gives firstProbePoints one probe below minProbes, and counts them', () => {
    // Prepare
    const event = aProbe();
    const view = new ProfileView(aSnapshot(event, { client: [request(minutes(1))] }));

    // Act
    const finding = probing.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message: '2 probing requests from this client or address within 10 min',
      evidence: { probes: 2, windowMinutes: 10 },
      points: 20,
    });
  });

  it('escalates to points at minProbes, counting the request being scored', () => {
    // Prepare
    const event = aProbe();
    const view = new ProfileView(aSnapshot(event, { client: [request(minutes(2)), request(minutes(1))] }));

    // Act
    const finding = probing.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message: '3 probing requests from this client or address within 10 min',
      evidence: { probes: 3, windowMinutes: 10 },
      points: 45,
    });
  });

  it('counts the probes of the address when each came as another client (a user agent per request)', () => {
    // Prepare
    const event = aProbe();
    const view = new ProfileView(
      aSnapshot(event, {
        client: [],
        ip: [request(minutes(3)), request(minutes(2)), request(minutes(1), false)],
      }),
    );

    // Act
    const finding = probing.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({ evidence: { probes: 3 }, points: 45 });
  });

  it('ignores probes older than the window and later than the event', () => {
    // Prepare
    const event = aProbe();
    const view = new ProfileView(
      aSnapshot(event, { client: [request(minutes(10) + 1), request(minutes(1)), request(-minutes(1))] }),
    );

    // Act
    const finding = probing.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({ evidence: { probes: 2 }, points: 20 });
  });

  it('does not score an ordinary page, however much the client probed before', () => {
    // Prepare
    const event = aBrowseFact();
    const view = new ProfileView(aSnapshot(event, { client: [request(3000), request(2000), request(1000)] }));

    // Act
    const finding = probing.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });
});
