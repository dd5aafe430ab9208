import { describe, expect, it } from 'vitest';
import { addressChangeAfterSignIn } from '../../../src/rules/behaviour/address-change-after-sign-in.ts';
import { ProfileView, minutes } from '../../../src/rules/rule.ts';
import type { Observation } from '../../../src/shared/profile.ts';
import { FACT_AT, aBrowseFact, aSnapshot, anObservation, pseudonym } from '../../factories/facts.ts';

const S = addressChangeAfterSignIn.defaults;

/** The session's sign-in, `agoMinutes` before the page, with the points its unfamiliarity added. */
const signIn = (unfamiliar: number | undefined, agoMinutes = 2, overrides: Partial<Observation> = {}) =>
  anObservation({
    at: FACT_AT - minutes(agoMinutes),
    ...(unfamiliar === undefined ? {} : { unfamiliar }),
    ...overrides,
  });

const evaluate = (step: 'view' | 'edit' | undefined, session: Observation[]) => {
  const event = aBrowseFact(step ? { browse: { addressBook: step } } : {});
  return addressChangeAfterSignIn.evaluate(event, new ProfileView(aSnapshot(event, { client: session })), S);
};

describe('ADDRESS_CHANGE_AFTER_SIGN_IN', () => {
  it("adds an address-book change to the unfamiliar sign-in's points", () => {
    // Prepare
    const session = [signIn(22, 3)];

    // Act
    const finding = evaluate('edit', session);

    // Assess
    expect(finding).toMatchObject({
      points: 22 + S.editPoints,
      evidence: { step: 'edit', signInPoints: 22, minutesSinceSignIn: 3 },
    });
  });

  it('adds less for only looking at the address book', () => {
    // Prepare
    const session = [signIn(22)];

    // Act
    const finding = evaluate('view', session);

    // Assess
    expect(finding && finding.points).toBe(22 + S.viewPoints);
  });

  it('stays silent after a familiar sign-in, or one barely unfamiliar (a new phone at home)', () => {
    // Prepare
    const familiar = [signIn(undefined)];
    const newPhone = [signIn(S.minSignInPoints - 1)];

    // Act
    const findings = [evaluate('edit', familiar), evaluate('edit', newPhone)];

    // Assess
    expect(findings).toEqual([undefined, undefined]);
  });

  it('reads only the latest sign-in of the session, within the window', () => {
    // Prepare
    const signedInAgainAtHome = [signIn(40, 20), signIn(undefined, 5)];
    const longAgo = [signIn(40, S.windowMinutes + 1)];

    // Act
    const findings = [evaluate('edit', signedInAgainAtHome), evaluate('edit', longAgo)];

    // Assess
    expect(findings).toEqual([undefined, undefined]);
  });

  it("ignores another account's sign-in on the session and pages outside the address book", () => {
    // Prepare
    const other = [signIn(40, 2, { subject: pseudonym('subject-2') })];

    // Act
    const findings = [evaluate('edit', other), evaluate(undefined, [signIn(40)])];

    // Assess
    expect(findings).toEqual([undefined, undefined]);
  });

  it('is bounded by maxPoints', () => {
    // Act
    const finding = evaluate('edit', [signIn(60)]);

    // Assess
    expect(finding && finding.points).toBe(S.maxPoints);
  });
});
