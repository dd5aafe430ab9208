import { describe, expect, it } from 'vitest';
import { ringSession } from '../../../src/rules/behaviour/ring-session.ts';
import { ProfileView, minutes } from '../../../src/rules/rule.ts';
import type { Observation } from '../../../src/shared/profile.ts';
import { FACT_AT, aBrowseFact, aSnapshot, anObservation } from '../../factories/facts.ts';

const S = ringSession.defaults;

/** The session's login, `msAgo` before the event, linked to a ring or not. */
const loginOf = (ring: boolean, msAgo = minutes(2)): Observation =>
  anObservation({ at: FACT_AT - msAgo, ...(ring ? { ring: true as const } : {}) });

describe('RING_SESSION', () => {
  it('fires on a page of a session whose login was linked to a ring', () => {
    // Prepare
    const event = aBrowseFact();
    const view = new ProfileView(aSnapshot(event, { client: [loginOf(true)] }));

    // Act
    const finding = ringSession.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message: 'this session was linked to other new accounts 120 s earlier',
      evidence: { secondsSinceLinked: 120, windowMinutes: S.windowMinutes },
    });
  });

  it.each([
    ['a login that was not linked', loginOf(false)],
    ['a linked login older than the window', loginOf(true, minutes(S.windowMinutes) + 1)],
    ['a linked login after the event', loginOf(true, -1)],
  ])('does not fire after %s', (_label, login) => {
    // Prepare
    const event = aBrowseFact();
    const view = new ProfileView(aSnapshot(event, { client: [login] }));

    // Act
    const finding = ringSession.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });
});
