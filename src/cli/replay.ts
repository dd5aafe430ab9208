import { parseArgs } from 'node:util';
import type { ProcessResult } from '../pipeline/detector.ts';
import { NdjsonWriter, readLines } from './io.ts';
import { DETECTOR_OPTIONS, detectorOptionsHelp, localDetector } from './local-detector.ts';
import { Progress } from './progress.ts';

export const REPLAY_HELP = `Usage: vigil replay <events.ndjson[.gz]|-> [options]

Runs every line through the detection pipeline (validate -> pseudonymise ->
profile -> rules -> decision) with an in-memory profile store, in file order,
in event time: windows, retention and expiry are measured from occurredAt, so
last month's traffic is judged as it would have been then.

Writes one JSON line per input line: a decision
  {"eventId","score","decision","reasons":[{"code","points","message","evidence"}],"rulesetVersion"}
or an error that names the field
  {"eventId","error"}   or   {"line":17,"error":"eventId: ..."} when the eventId itself is unusable.
It never stops at a bad line. A summary goes to stderr; progress too, on a terminal.

Options:
  --out <file>        where decisions go (default: stdout)
${detectorOptionsHelp(20)}
  -h, --help          this text
`;

interface Summary {
  lines: number;
  invalid: number;
  duplicates: number;
  decisions: Record<string, Record<string, number>>;
}

/** `vigil replay`: backtest a file of events through the same path as the stream consumer. */
export async function replay(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      ...DETECTOR_OPTIONS,
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(REPLAY_HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    process.stderr.write(`vigil replay: expected one input file (or -)\n\n${REPLAY_HELP}`);
    return 2;
  }
  const detector = localDetector(values);
  const out = new NdjsonWriter(values.out);
  const progress = new Progress();
  const summary: Summary = { lines: 0, invalid: 0, duplicates: 0, decisions: {} };
  const started = performance.now();

  let lineNumber = 0;
  for await (const line of readLines(positionals[0]!)) {
    lineNumber++;
    if (line.trim() === '') continue;
    summary.lines++;
    const verdict = await detector.processLine(line);
    await out.write(toOutputLine(verdict, lineNumber));
    tally(summary, verdict);
    progress.update(() => `${summary.lines.toLocaleString('en')} events, ${summary.invalid} invalid`);
  }
  await out.close();
  progress.done();
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(formatSummary(summary, seconds, detector.rulesetVersion));
  return 0;
}

export function toOutputLine(verdict: ProcessResult, line: number): object {
  if (verdict.kind === 'invalid') {
    return verdict.eventId === undefined
      ? { line, error: verdict.error }
      : { eventId: verdict.eventId, error: verdict.error };
  }
  return verdict.duplicate ? { ...verdict.decision, duplicate: true } : verdict.decision;
}

function tally(summary: Summary, verdict: ProcessResult): void {
  if (verdict.kind === 'invalid') {
    summary.invalid++;
    return;
  }
  if (verdict.duplicate) {
    summary.duplicates++;
    return;
  }
  const type = verdict.decision.eventType;
  const byType = (summary.decisions[type] ??= {});
  byType[verdict.decision.decision] = (byType[verdict.decision.decision] ?? 0) + 1;
}

function formatSummary(s: Summary, seconds: number, rulesetVersion: string): string {
  const rows = Object.entries(s.decisions).map(
    ([type, counts]) =>
      `  ${type.padEnd(7)} allow ${String(counts.allow ?? 0).padStart(7)}  review ${String(counts.review ?? 0).padStart(6)}  deny ${String(counts.deny ?? 0).padStart(6)}`,
  );
  return [
    `replay: ${s.lines.toLocaleString('en')} events in ${seconds.toFixed(1)} s (${Math.round(s.lines / seconds).toLocaleString('en')} events/s), ruleset ${rulesetVersion}`,
    ...rows,
    `  invalid ${s.invalid}  duplicates ${s.duplicates}`,
    '',
  ].join('\n');
}
