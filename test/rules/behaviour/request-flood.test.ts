import { describe, expect, it } from 'vitest';
import { requestFlood } from '../../../src/rules/behaviour/request-flood.ts';
import { ProfileView } from '../../../src/rules/rule.ts';
import type { EventFacts } from '../../../src/shared/facts.ts';
import { FACT_AT, aBrowseFact, aSnapshot, anObservation } from '../../factories/facts.ts';

const S = requestFlood.defaults;

/** `n` earlier session-less page requests from the default address within the last second. */
const burst = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    anObservation({ kind: 'browse', sessionless: true, at: FACT_AT - 1000 + i }),
  );

const evaluate = (n: number, event: EventFacts = aBrowseFact({ sessionless: true })) =>
  requestFlood.evaluate(event, new ProfileView(aSnapshot(event, { ip: burst(n) })), S);

describe('REQUEST_FLOOD', () => {
  it('fires at minRequests session-less requests from one address within windowSeconds', () => {
    // Act
    const finding = evaluate(29);

    // Assess
    expect(finding).toEqual({
      message: 'at least 30 session-less requests from this address within 10 s',
      evidence: { requests: 30, windowSeconds: 10 },
    });
  });

  it('leaves a burst one request smaller alone', () => {
    // Act
    const finding = evaluate(28);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('leaves a verified crawler alone', () => {
    // Prepare
    const crawler = aBrowseFact({ sessionless: true, crawler: { kind: 'crawler', name: 'googlebot' } });

    // Act
    const finding = evaluate(60, crawler);

    // Assess
    expect(finding).toBeUndefined();
  });
});
