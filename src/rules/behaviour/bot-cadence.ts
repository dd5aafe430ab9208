import { defineRule } from '../rule.ts';

/**
 * People read pages; scripts fetch them back to back. Looks at the last pages
 * of this browser session (or, without a session id, of this address and user
 * agent together, so that people behind one office address are not mixed up)
 * and fires when the median gap between them is below a second.
 */
export const botCadence = defineRule({
  code: 'BOT_CADENCE',
  description: 'Pages fetched at machine speed: sub-second gaps over a run of pages',
  appliesTo: ['browse'],
  defaults: { enabled: true, shadow: false, points: 40, minPages: 8, maxMedianGapMs: 1000 },
  evaluate: (event, view, s) => {
    if (event.knownClient) return undefined;
    const history = view.observations('client', event.client);
    const times: number[] = [event.at];
    for (let i = history.length - 1; i >= 0 && times.length < s.minPages; i--) {
      const o = history[i]!;
      if ((o.kind === 'browse' || o.kind === 'search') && o.at <= event.at) times.push(o.at);
    }
    if (times.length < s.minPages) return undefined;
    const gaps = times
      .slice(1)
      .map((t, i) => times[i]! - t)
      .sort((a, b) => a - b);
    const median = gaps[gaps.length >> 1]!;
    if (median > s.maxMedianGapMs) return undefined;
    return {
      message: `last ${times.length} pages fetched with a median gap of ${median} ms`,
      evidence: { pages: times.length, medianGapMs: median },
    };
  },
});
