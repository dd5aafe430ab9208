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
      evidence: {
        pages: 4,
        unpausedPages: 4,
        meanGapMs: 1967,
        medianGapMs: 1900,
        gapCv: 0.13,
        spanSeconds: 6,
      },
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

  it('fires on minUnpausedPages pages without a pause over maxPauseMs, however irregular the gaps', () => {
    // Prepare: a random sleep of 0.5 to 4.5 s, far too irregular for a timer
    const sleeps = Array.from(
      { length: S.minUnpausedPages - 1 },
      (_, i) => [500, 4500, 1200, 3300, 2600][i % 5]!,
    );

    // Act
    const finding = evaluate(pagesWithGaps(...sleeps));

    // Assess
    expect(finding).toMatchObject({
      message: expect.stringContaining(`${S.minUnpausedPages} in a row without a pause over 5 s`),
      evidence: { pages: S.minUnpausedPages, unpausedPages: S.minUnpausedPages },
      points: S.points,
    });
  });

  it('starts the unpaused run again at any pause over maxPauseMs (a reader stops to read)', () => {
    // Prepare
    const sleeps = Array.from(
      { length: S.minUnpausedPages - 1 },
      (_, i) => [500, 4500, 1200, 3300, 2600][i % 5]!,
    );
    sleeps[10] = S.maxPauseMs + 1;

    // Act
    const finding = evaluate(pagesWithGaps(...sleeps));

    // Assess
    expect(finding).toBeUndefined();
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

  it('leaves a burst of fewer than minUnpausedPages to REQUEST_FLOOD, and flags a longer one', () => {
    // Act
    const short = evaluate(pagesWithGaps(...Array(S.minUnpausedPages - 2).fill(30)));
    const long = evaluate(pagesWithGaps(...Array(S.minUnpausedPages - 1).fill(30)));

    // Assess
    expect(short).toBeUndefined();
    expect(long).toMatchObject({ evidence: { unpausedPages: S.minUnpausedPages } });
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
