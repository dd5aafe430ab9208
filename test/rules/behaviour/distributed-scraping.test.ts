import { describe, expect, it } from 'vitest';
import { distributedScraping } from '../../../src/rules/behaviour/distributed-scraping.ts';
import { ProfileView } from '../../../src/rules/rule.ts';
import { cellOf } from '../../../src/shared/browse-waves.ts';
import { FACT_AT, aBrowseFact, aSnapshot, anObservation } from '../../factories/facts.ts';
import { browseDay, browseLastSlot } from '../../factories/waves.ts';

const S = distributedScraping.defaults;

/** The cells of a customer's visit (device id, session, not a product page) and of a scraper's request. */
const VISIT = cellOf(true, true, false);
const SCRAPE = cellOf(false, true, true);

/** A day of 20 page views per slot, 2 of them visits starting. */
const DAY = browseDay(20, { [VISIT]: 2 });

/** The same day with one scraper-like start an hour (in its first slot). */
const baseline = () =>
  browseDay(20, { [VISIT]: 2 }).map((b) => ({ ...b, waves: { ...b.waves, [`v0s${SCRAPE}`]: 1 } }));

/** An anonymous visitor's first request: a product page, no device id, a session. */
const aStart = () => aBrowseFact({ subject: undefined, device: undefined, browse: { kind: 'product' } });

describe('DISTRIBUTED_SCRAPING', () => {
  it('flags a start in a wave of starts like it, with the log odds that it is the wave’s', () => {
    // Prepare
    const event = aStart();
    const view = new ProfileView(aSnapshot(event, {}, [...baseline(), browseLastSlot(30, { [SCRAPE]: 8 })]));

    // Act
    const finding = distributedScraping.evaluate(event, view, S);

    // Assess
    // 9 starts against 22 views of known clients; the cell's baseline 1.5/216: odds (9 - 0.153) / 0.153 = e^4.06.
    expect(finding).toMatchObject({ evidence: { slice: 'cell', starts: 9, views: 22 }, points: 41 });
  });

  it('does not flag the same start when starts keep their usual share', () => {
    // Prepare
    const event = aStart();
    const view = new ProfileView(aSnapshot(event, {}, [...baseline(), browseLastSlot(30, { [VISIT]: 3 })]));

    // Act
    const finding = distributedScraping.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('does not flag a sale day: three times the views, three times the starts', () => {
    // Prepare
    const event = aBrowseFact({ subject: undefined });
    const view = new ProfileView(aSnapshot(event, {}, [...DAY, browseLastSlot(60, { [VISIT]: 6 })]));

    // Act
    const finding = distributedScraping.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it("does not flag a client's second request, even in a wave", () => {
    // Prepare
    const event = aStart();
    const first = anObservation({ at: FACT_AT - 20_000, kind: 'browse', subject: undefined });
    const view = new ProfileView(
      aSnapshot(event, { client: [first] }, [...baseline(), browseLastSlot(30, { [SCRAPE]: 25 })]),
    );

    // Act
    const finding = distributedScraping.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('does not flag a burst of starts in a shop with no trailing day of views yet', () => {
    // Prepare
    const event = aStart();
    const view = new ProfileView(aSnapshot(event, {}, [browseLastSlot(30, { [SCRAPE]: 25 })]));

    // Act
    const finding = distributedScraping.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it('does not flag a start from an address a customer signed in from, even in a wave', () => {
    // Prepare
    const event = aStart();
    const signedIn = anObservation({ at: FACT_AT - 86_400_000 });
    const view = new ProfileView(
      aSnapshot(event, { ip: [signedIn] }, [...baseline(), browseLastSlot(30, { [SCRAPE]: 25 })]),
    );

    // Act
    const finding = distributedScraping.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });

  it.each([
    ['a signed-in customer', { subject: aBrowseFact().subject }],
    ['an allow-listed client', { knownClient: { list: 'crawlers' as const, name: 'prijsradar' } }],
  ])('does not flag %s, even in a wave', (_, overrides) => {
    // Prepare
    const event = { ...aStart(), ...overrides };
    const view = new ProfileView(aSnapshot(event, {}, [...baseline(), browseLastSlot(30, { [SCRAPE]: 25 })]));

    // Act
    const finding = distributedScraping.evaluate(event, view, S);

    // Assess
    expect(finding).toBeUndefined();
  });
});
