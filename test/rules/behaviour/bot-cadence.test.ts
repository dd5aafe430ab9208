import { describe, expect, it } from 'vitest';
import { botCadence } from '../../../src/rules/behaviour/bot-cadence.ts';
import { ProfileView } from '../../../src/rules/rule.ts';
import type { EventFacts } from '../../../src/shared/facts.ts';
import type { Observation } from '../../../src/shared/profile.ts';
import { FACT_AT, aBrowseFact, aSnapshot, anObservation } from '../../factories/facts.ts';

const S = botCadence.defaults;

/** Earlier page views of the default client, each `gaps[i]` ms before the next (the first before the event). */
const pagesWithGaps = (...gaps: number[]): Observation[] => {
  let at = FACT_AT;
  return gaps.map((gap) => anObservation({ kind: 'browse', at: (at -= gap) })).reverse();
};

const evaluate = (client: Observation[], event: EventFacts = aBrowseFact()) =>
  botCadence.evaluate(event, new ProfileView(aSnapshot(event, { client })), S);

/** A scraper's sleep of about 2 s with ±20 % jitter. */
const JITTERED = [1900, 2300, 1700, 2100, 2000, 1800, 2200, 1600, 2400, 2000, 1900];

describe('BOT_CADENCE', () => {
  it('fires from minRegularPages on a run of clockwork-regular 2 s gaps, with its variation as evidence', () => {
    // Act
    const finding = evaluate(pagesWithGaps(...JITTERED.slice(0, 3)));

    // Assess
    expect(finding).toEqual({
      message: 'last 4 pages over 6 s, 1967 ms apart on average (median 1900 ms, variation 0.13)',
      evidence: { pages: 4, meanGapMs: 1967, medianGapMs: 1900, gapCv: 0.13, spanSeconds: 6 },
      points: 40,
    });
  });

  it('grows with log2 of the pages in the run, up to maxPoints', () => {
    // Act
    const twelve = evaluate(pagesWithGaps(...JITTERED));
    const many = evaluate(pagesWithGaps(...Array(40).fill(700)));

    // Assess: 40 + 10 log2(12 / 4) = 55.8
    expect(twelve).toMatchObject({ evidence: { pages: 12 }, points: 56 });
    expect(many).toMatchObject({ evidence: { pages: 30 }, points: 60 });
  });

  it('does not fire on a reader whose pauses vary as much as their length', () => {
    // Act
    const finding = evaluate(pagesWithGaps(2500, 900, 6000, 1200, 2900, 4000, 800, 2100));

    // Assess
    expect(finding).toBeUndefined();
  });

  it('does not fire on regular gaps slower than maxMedianGapMs', () => {
    // Act
    const finding = evaluate(pagesWithGaps(...Array(10).fill(3100)));

    // Assess
    expect(finding).toBeUndefined();
  });

  it('fires on a pace under a second on average however irregular the gaps', () => {
    // Act
    const finding = evaluate(pagesWithGaps(100, 900, 50, 2500, 400, 1800, 800, 200, 600, 1000, 2000, 900));

    // Assess
    expect(finding).toMatchObject({ evidence: { pages: 13, meanGapMs: 938, medianGapMs: 900 } });
  });

  it('does not take four tabs opened at an even pace within minRegularSpanSeconds for a timer', () => {
    // Prepare: four pages about a second apart, alike, over 3.3 s
    const burst = pagesWithGaps(1100, 1200, 1000);

    // Act
    const finding = evaluate(burst);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('does not fire on a shopper who opens results in tabs, then reads them', () => {
    // Prepare: two bursts of tabs under a second apart, each after half a minute of reading.
    const tabs = [300, 700, 400, 900, 500, 600];
    const session = pagesWithGaps(...tabs, 30_000, ...tabs, 25_000);

    // Act
    const finding = evaluate(session);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('leaves a burst shorter than minSpanSeconds to REQUEST_FLOOD', () => {
    // Act
    const finding = evaluate(pagesWithGaps(...Array(25).fill(30)));

    // Assess
    expect(finding).toBeUndefined();
  });

  it('does not fire with one page fewer than minRegularPages', () => {
    // Act
    const finding = evaluate(pagesWithGaps(2500, 2500));

    // Assess
    expect(finding).toBeUndefined();
  });

  it('needs minPages of a looser timer: a variation above maxShortRunCv on four pages is not yet a cadence', () => {
    // Act
    const four = evaluate(pagesWithGaps(1400, 2600, 2000));
    const six = evaluate(pagesWithGaps(1400, 2600, 2000, 1400, 2600));

    // Assess
    expect(four).toBeUndefined();
    expect(six).toMatchObject({ evidence: { pages: 6, gapCv: 0.27 } });
  });

  it('needs minSpanSeconds of fast clicks when their gaps are irregular', () => {
    // Prepare
    const fast = [300, 900, 1500, 200, 800, 1200, 600, 1000, 1400, 700, 1100, 900];

    // Act
    const four = evaluate(pagesWithGaps(...fast.slice(0, 3)));
    const eightSeconds = evaluate(pagesWithGaps(...fast.slice(0, 9)));
    const tenSeconds = evaluate(pagesWithGaps(...fast));

    // Assess
    expect(four).toBeUndefined();
    expect(eightSeconds).toBeUndefined();
    expect(tenSeconds).toMatchObject({
      evidence: { pages: 13, meanGapMs: 883, spanSeconds: 11 },
      points: 51,
    });
  });

  it('looks back windowMinutes only', () => {
    // Act
    const finding = evaluate(pagesWithGaps(2000, 2000, 20 * 60_000, 2000, 2000, 2000));

    // Assess
    expect(finding).toBeUndefined();
  });

  it('counts searches but not logins or orders of the same client', () => {
    // Prepare
    const kinds = ['search', 'browse', 'login', 'order', 'browse'] as const;
    const mixed = pagesWithGaps(...Array(5).fill(2500)).map((o, i) => ({ ...o, kind: kinds[i]! }));
    const searches = pagesWithGaps(...Array(5).fill(2500)).map((o) => ({ ...o, kind: 'search' as const }));

    // Act
    const quiet = evaluate(mixed);
    const fired = evaluate(searches);

    // Assess
    expect(quiet).toBeUndefined();
    expect(fired).toMatchObject({ evidence: { pages: 6, medianGapMs: 2500, gapCv: 0 } });
  });

  it('leaves an allow-listed client alone', () => {
    // Prepare
    const event = aBrowseFact({ knownClient: { list: 'crawlers', name: 'prijsradar' } });

    // Act
    const finding = evaluate(pagesWithGaps(...JITTERED), event);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('ignores pages later than the event', () => {
    // Prepare
    const later = Array.from({ length: 8 }, (_, i) =>
      anObservation({ kind: 'browse', at: FACT_AT + (i + 1) * 2000 }),
    );

    // Act
    const finding = evaluate([...pagesWithGaps(2000, 2000), ...later]);

    // Assess
    expect(finding).toBeUndefined();
  });
});
