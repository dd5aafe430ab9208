import { describe, expect, it } from 'vitest';
import { botUserAgent } from '../../../src/rules/behaviour/bot-user-agent.ts';
import { ProfileView } from '../../../src/rules/rule.ts';
import type { EventFacts } from '../../../src/shared/facts.ts';
import { aBrowseFact, aLoginFact, aSnapshot, anOrderFact } from '../../factories/facts.ts';

const S = { ...botUserAgent.defaults, points: 45, missingPoints: 35, declaredPoints: 15 };

const GOOGLEBOT = { kind: 'crawler' as const, name: 'googlebot' };

const evaluate = (event: EventFacts) => botUserAgent.evaluate(event, new ProfileView(aSnapshot(event)), S);

describe('BOT_USER_AGENT', () => {
  it("fires with the rule's points for the user agent of an automated client", () => {
    // Prepare
    const event = aLoginFact({ userAgent: { bot: true } });

    // Act
    const finding = evaluate(event);

    // Assess
    expect(finding).toEqual({ message: 'user agent of an automated client', evidence: { userAgent: 'bot' } });
  });

  it('fires with missingPoints for a page request without a user agent', () => {
    // Prepare
    const event = aBrowseFact({ userAgent: undefined });

    // Act
    const finding = evaluate(event);

    // Assess
    expect(finding).toEqual({
      message: 'page request without a user agent',
      evidence: { userAgent: 'missing' },
      points: 35,
    });
  });

  it.each([
    ['login', aLoginFact({ userAgent: undefined })],
    ['order', anOrderFact({ userAgent: undefined })],
  ])(
    'says nothing about a %s without a user agent (back-end producers may not pass it on)',
    (_type, event) => {
      // Prepare: the event itself

      // Act
      const finding = evaluate(event);

      // Assess
      expect(finding).toBeUndefined();
    },
  );

  it.each([
    ['with a bot user agent', { userAgent: { bot: true, claimsCrawler: true } }],
    ['without a user agent', { userAgent: undefined }],
  ])('exempts a verified crawler %s', (_label, overrides) => {
    // Prepare
    const event = aBrowseFact({ ...overrides, crawler: GOOGLEBOT });

    // Act
    const finding = evaluate(event);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('gives a robot that declares itself and its operator only declaredPoints', () => {
    // Prepare
    const event = aBrowseFact({ userAgent: { bot: true, declaredRobot: true } });

    // Act
    const finding = evaluate(event);

    // Assess
    expect(finding).toEqual({
      message: 'user agent of a robot that declares itself and its operator',
      evidence: { userAgent: 'declared-robot' },
      points: 15,
    });
  });

  it("exempts the shop's own app, whose HTTP library's user agent looks like a bot's", () => {
    // Prepare
    const event = aLoginFact({
      userAgent: { bot: true },
      knownClient: { list: 'apps', name: 'winkelhuis-android' },
    });

    // Act
    const finding = evaluate(event);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('leaves a crawler claim from outside the crawler ranges to FAKE_CRAWLER', () => {
    // Prepare
    const event = aBrowseFact({ userAgent: { bot: true, claimsCrawler: true } });

    // Act
    const finding = evaluate(event);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('does not fire for a browser user agent', () => {
    // Prepare
    const event = aBrowseFact({ userAgent: { bot: false, claimsCrawler: false } });

    // Act
    const finding = evaluate(event);

    // Assess
    expect(finding).toBeUndefined();
  });
});
