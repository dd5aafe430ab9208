import { Command } from 'commander';
import { TARGET_ALERT_RATES } from '../rules/config.ts';
import { thresholdsFor } from '../rules/thresholds.ts';
import { readLines } from './io.ts';
import { share, withExitStatus } from './options.ts';

/** `vigil calibrate <decisions>`: review and deny thresholds from a target alert rate. */
export const calibrateCommand = (): Command =>
  new Command('calibrate')
    .summary('derive review and deny thresholds from a target alert rate')
    .description(
      `Reads the decisions of a replay (vigil replay traffic.ndjson --out decisions.ndjson) and
prints the lowest review and deny thresholds that would have flagged at most the
target share of those events, as a rules config to use with --rules (or the
CDK context key detection). Replay a period of ordinary traffic: the alert rate
is the share of all its events that reach review, and deny. Lines without a
score (errors) are skipped.`,
    )
    .argument('<decisions>', 'decisions NDJSON from vigil replay (.gz allowed; - for standard input)')
    .option(
      '--review-rate <share>',
      'share of events that may reach review',
      share,
      TARGET_ALERT_RATES.review,
    )
    .option('--deny-rate <share>', 'share of events that may be denied', share, TARGET_ALERT_RATES.deny)
    .action(withExitStatus(calibrate));

async function calibrate(input: string, o: { reviewRate: number; denyRate: number }): Promise<number> {
  const scores: number[] = [];
  let lineNumber = 0;
  for await (const line of readLines(input)) {
    lineNumber++;
    if (line.trim() === '') continue;
    let score: unknown;
    try {
      score = (JSON.parse(line) as { score?: unknown }).score;
    } catch {
      throw new Error(`line ${lineNumber}: not JSON`);
    }
    if (typeof score === 'number') scores.push(score);
  }
  const { thresholds, rates, events } = thresholdsFor(scores, { review: o.reviewRate, deny: o.denyRate });
  process.stdout.write(`${JSON.stringify({ thresholds }, null, 2)}\n`);
  const pct = (x: number) => `${(x * 100).toFixed(3)}%`;
  process.stderr.write(
    `vigil calibrate: ${events.toLocaleString('en')} decisions; review from ${thresholds.review} flags ${pct(rates.review)}, deny from ${thresholds.deny} ${pct(rates.deny)}\n`,
  );
  if (rates.review > o.reviewRate || rates.deny > o.denyRate)
    process.stderr.write(
      'vigil calibrate: even a score of 100 is more common than the target: replay a period of ordinary traffic\n',
    );
  return 0;
}
