import { describe, expect, it } from 'vitest';
import { botCadence } from '../../../src/rules/behaviour/bot-cadence.ts';
import { ProfileView } from '../../../src/rules/rule.ts';
import type { Observation } from '../../../src/shared/profile.ts';
import { FACT_AT, aBrowseFact, aSnapshot, anObservation } from '../../factories/facts.ts';

const S = { ...botCadence.defaults, points: 40, minPages: 8, maxMedianGapMs: 1000 };

/** Earlier page views of the default client, each `gaps[i]` ms before the next (the first before the event). */
const pagesWithGaps = (...gaps: number[]): Observation[] => {
  let at = FACT_AT;
  return gaps.map((gap) => anObservation({ kind: 'browse', at: (at -= gap) }));
};

describe('BOT_CADENCE', () => {
  it('fires on minPages pages, the current one included, with a median gap of maxMedianGapMs', () => {
    // Prepare
    const event = aBrowseFact();
    const view = new ProfileView(aSnapshot(event, { client: pagesWithGaps(...Array(7).fill(1000)) }));

    // Act
    const finding = botCadence.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message: 'last 8 pages fetched with a median gap of 1000 ms',
      evidence: { pages: 8, medianGapMs: 1000 },
    });
  });

  it('does not fire a millisecond above maxMedianGapMs', () => {
    // Prepare
    const event = aBrowseFact();
    const view = new ProfileView(aSnapshot(event, { client: pagesWithGaps(...Array(7).fill(1001)) }));

    // Act
    const finding = botCadence.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('does not fire with one page fewer than minPages', () => {
    // Prepare
    const event = aBrowseFact();
    const view = new ProfileView(aSnapshot(event, { client: pagesWithGaps(...Array(6).fill(100)) }));

    // Act
    const finding = botCadence.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('takes the median gap: a few long pauses do not hide a fast run', () => {
    // Prepare
    const event = aBrowseFact();
    const view = new ProfileView(
      aSnapshot(event, { client: pagesWithGaps(200, 60_000, 200, 60_000, 200, 60_000, 200) }),
    );

    // Act
    const finding = botCadence.evaluate(event, view, S);

    // Assess
    expect(finding).toEqual({
      message: 'last 8 pages fetched with a median gap of 200 ms',
      evidence: { pages: 8, medianGapMs: 200 },
    });
  });

  it('takes the median gap: a few quick clicks do not make a reader a bot', () => {
    // Prepare
    const event = aBrowseFact();
    const view = new ProfileView(
      aSnapshot(event, { client: pagesWithGaps(200, 200, 200, 5000, 5000, 5000, 5000) }),
    );

    // Act
    const finding = botCadence.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('looks only at the last minPages pages', () => {
    // Prepare
    const event = aBrowseFact();
    const view = new ProfileView(
      aSnapshot(event, { client: pagesWithGaps(...Array(7).fill(500), ...Array(20).fill(60_000)) }),
    );

    // Act
    const finding = botCadence.evaluate(event, view, S);

    // Assess
    expect(finding).toMatchObject({ evidence: { pages: 8, medianGapMs: 500 } });
  });

  it('counts searches but not logins or orders of the same client', () => {
    // Prepare
    const event = aBrowseFact();
    const mixed = pagesWithGaps(...Array(7).fill(300)).map((o, i) => ({
      ...o,
      kind:
        i === 0
          ? ('search' as const)
          : i < 4
            ? ('browse' as const)
            : i < 6
              ? ('login' as const)
              : ('order' as const),
    }));
    const searchesCount = pagesWithGaps(...Array(7).fill(300)).map((o) => ({
      ...o,
      kind: 'search' as const,
    }));

    // Act
    const quiet = botCadence.evaluate(event, new ProfileView(aSnapshot(event, { client: mixed })), S);
    const fired = botCadence.evaluate(event, new ProfileView(aSnapshot(event, { client: searchesCount })), S);

    // Assess
    expect(quiet).toBeUndefined();
    expect(fired).toMatchObject({ evidence: { pages: 8, medianGapMs: 300 } });
  });

  it('ignores pages later than the event', () => {
    // Prepare
    const event = aBrowseFact();
    const later = Array.from({ length: 5 }, (_, i) =>
      anObservation({ kind: 'browse', at: FACT_AT + (i + 1) * 100 }),
    );
    const view = new ProfileView(aSnapshot(event, { client: [...pagesWithGaps(100, 100), ...later] }));

    // Act
    const finding = botCadence.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });
});
