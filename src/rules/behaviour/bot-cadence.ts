import { defineRule, minutes } from '../rule.ts';

/** Mean, median and coefficient of variation (standard deviation over mean) of the gaps. */
function gapStats(gaps: number[]): { mean: number; median: number; cv: number } {
  const sorted = [...gaps].sort((a, b) => a - b);
  const mean = gaps.reduce((sum, g) => sum + g, 0) / gaps.length;
  const variance = gaps.reduce((sum, g) => sum + (g - mean) ** 2, 0) / gaps.length;
  return { mean, median: sorted[sorted.length >> 1]!, cv: mean > 0 ? Math.sqrt(variance) / mean : 0 };
}

/** The pages of the newest run without a pause longer than `maxPauseMs` (`times` newest first). */
function unpausedRun(times: readonly number[], maxPauseMs: number): number {
  let run = 1;
  while (run < times.length && times[run - 1]! - times[run]! <= maxPauseMs) run++;
  return run;
}

/**
 * People read pages; scripts fetch them. Looks at this client's recent pages (browser session, or
 * address and user agent together, so that people behind one office address are not mixed up) as
 * a distribution of gaps rather than one fixed gap: faster than browsing (`maxMedianGapMs`) and
 * as regular as a timer (coefficient of variation at most `maxGapCv`: a reader's pauses vary by
 * about their own size, a scheduler's jitter by a fraction of it) from `minRegularPages` on, over
 * `minRegularSpanSeconds` or more; or, however irregular, `minUnpausedPages` pages without a
 * single pause longer than `maxPauseMs`: a reader stops to read, a script sleeps its random
 * interval and goes on. A shopper who opens results in tabs sends bursts of requests under a
 * second apart, and then reads them all. Three short gaps of nearly one length
 * (variation at most `maxShortRunCv`, a timer's jitter of a third either way) are already unlike
 * a reader, whose pauses rarely come that short and never that alike; a looser timer, or fast but
 * irregular clicks, need the longer run. A burst of a second or two is not a cadence:
 * REQUEST_FLOOD judges bursts by their size. The evidence grows with log2 of the pages in the run
 * beyond the branch's minimum, up to `maxPoints`. Allow-listed clients (the shop's apps, verified
 * crawlers) are left alone.
 */
export const botCadence = defineRule({
  code: 'BOT_CADENCE',
  description: 'Pages fetched at machine pace: a sustained run of fast or clockwork-regular gaps',
  appliesTo: ['browse'],
  group: 'automation',
  defaults: {
    enabled: true,
    shadow: false,
    points: 40,
    maxPoints: 60,
    pointsPerDoubling: 10,
    minPages: 6,
    minRegularPages: 4,
    maxPages: 30,
    windowMinutes: 15,
    minSpanSeconds: 10,
    minRegularSpanSeconds: 5,
    minUnpausedPages: 24,
    maxPauseMs: 5000,
    maxMedianGapMs: 3000,
    maxGapCv: 0.35,
    maxShortRunCv: 0.2,
  },
  evaluate: (event, view, s) => {
    if (event.knownClient) return undefined;
    const history = view.observations('client', event.client);
    const from = event.at - minutes(s.windowMinutes);
    const times: number[] = [event.at];
    for (let i = history.length - 1; i >= 0 && times.length < s.maxPages; i--) {
      const o = history[i]!;
      if (o.at > event.at) continue;
      if (o.at < from) break;
      if (o.kind === 'browse' || o.kind === 'search') times.push(o.at);
    }
    const pages = times.length;
    const spanSeconds = (event.at - times.at(-1)!) / 1000;
    if (pages < Math.min(s.minPages, s.minRegularPages)) return undefined;
    const { mean, median, cv } = gapStats(times.slice(1).map((t, i) => times[i]! - t));
    const regular =
      median <= s.maxMedianGapMs &&
      ((pages >= s.minRegularPages && spanSeconds >= s.minRegularSpanSeconds && cv <= s.maxShortRunCv) ||
        (pages >= s.minPages && spanSeconds >= s.minSpanSeconds && cv <= s.maxGapCv));
    const unpaused = unpausedRun(times, s.maxPauseMs);
    const relentless = unpaused >= s.minUnpausedPages;
    if (!regular && !relentless) return undefined;
    const gapCv = Math.round(cv * 100) / 100;
    return {
      message:
        `last ${pages} pages over ${Math.round(spanSeconds)} s, ${Math.round(mean)} ms apart on average (median ${median} ms, variation ${gapCv})` +
        (regular ? '' : `, ${unpaused} in a row without a pause over ${s.maxPauseMs / 1000} s`),
      evidence: {
        pages,
        unpausedPages: unpaused,
        meanGapMs: Math.round(mean),
        medianGapMs: median,
        gapCv,
        spanSeconds: Math.round(spanSeconds),
      },
      points: Math.min(
        s.maxPoints,
        Math.round(
          s.points +
            s.pointsPerDoubling *
              (regular ? Math.log2(pages / s.minRegularPages) : Math.log2(unpaused / s.minUnpausedPages)),
        ),
      ),
    };
  },
});
