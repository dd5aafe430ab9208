import { describe, expect, it } from 'vitest';
import { type Scored, measure } from '../../src/eval/metrics.ts';
import type { Label } from '../../src/eval/model.ts';
import { formatSet, scale } from '../../src/eval/report.ts';

const ok = (eventId: string, family: string): Label => ({ eventId, label: 'legit', family, incident: null });
const allow: Scored = { score: 0, flagged: false, decision: 'allow', reasons: [] };
const flag: Scored = { score: 50, flagged: true, decision: 'review', reasons: [{ code: 'X', points: 50 }] };

/** A set of `n` customer events with `flagged` of them flagged, and 2 crawler events, both flagged. */
function set(name: string, n: number, flagged: number) {
  const labels = [
    ...Array.from({ length: n }, (_, i) => ok(`c${i}`, 'normal')),
    ok('b1', 'legit_crawler'),
    ok('b2', 'legit_crawler'),
  ];
  const results = [...Array.from({ length: n }, (_, i) => (i < flagged ? flag : allow)), flag, flag];
  return measure(
    name,
    labels,
    results,
    labels.map(() => 0),
  );
}

describe('scale', () => {
  it('compares the legitimate flag rates of the smallest and largest set, with and without crawlers', () => {
    // Prepare: customers 1/8 flagged, then 3/38; with the crawlers 3/10, then 5/40.
    const small = set('small', 8, 1);
    const large = set('large', 38, 3);

    // Act
    const s = scale([small, large])!;

    // Assess
    expect(s.legitFlagRate).toBeCloseTo(5 / 40 / (3 / 10), 12);
    expect(s.withoutCrawlers).toBeCloseTo(3 / 38 / (1 / 8), 12);
  });

  it('needs two sets', () => {
    expect(scale([set('only', 4, 1)])).toBeUndefined();
  });
});

describe('formatSet', () => {
  it('prints the headline, a row per population and the false-alarm reasons', () => {
    // Act
    const text = formatSet(set('tiny', 3, 1));

    // Assess
    expect(text).toContain('== tiny');
    expect(text).toMatch(/legit flagged 60\.000%/);
    expect(text).toMatch(/normal\s+3\s+1\s+33\.333%/);
    expect(text).toContain('false-alarm reasons: X 3');
  });
});
