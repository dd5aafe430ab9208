import { describe, expect, it } from 'vitest';
import { fakeCrawler } from '../../../src/rules/behaviour/fake-crawler.ts';
import { ProfileView } from '../../../src/rules/rule.ts';
import type { EventFacts } from '../../../src/shared/facts.ts';
import { aBrowseFact, aSnapshot } from '../../factories/facts.ts';

const S = { ...fakeCrawler.defaults, points: 50 };

const GOOGLEBOT = { kind: 'crawler' as const, name: 'googlebot' };

const evaluate = (event: EventFacts) => fakeCrawler.evaluate(event, new ProfileView(aSnapshot(event)), S);

describe('FAKE_CRAWLER', () => {
  it("fires for a crawler's user agent from outside the crawler's published ranges", () => {
    // Prepare
    const event = aBrowseFact({ userAgent: { bot: true, claimsCrawler: true } });

    // Act
    const finding = evaluate(event);

    // Assess
    expect(finding).toEqual({
      message: 'user agent claims a known crawler from an address outside its published ranges',
      evidence: { userAgent: 'crawler-claim' },
    });
  });

  it('does not fire for a crawler coming from its verified range', () => {
    // Prepare
    const event = aBrowseFact({ userAgent: { bot: true, claimsCrawler: true }, crawler: GOOGLEBOT });

    // Act
    const finding = evaluate(event);

    // Assess
    expect(finding).toBeFalsy();
  });

  it.each([
    ['an ordinary bot', { userAgent: { bot: true, claimsCrawler: false } }],
    ['a browser', { userAgent: { bot: false, claimsCrawler: false } }],
    ['a request without a user agent', { userAgent: undefined }],
  ])('does not fire for %s', (_label, overrides) => {
    // Prepare
    const event = aBrowseFact(overrides);

    // Act
    const finding = evaluate(event);

    // Assess
    expect(finding).toBeFalsy();
  });
});
