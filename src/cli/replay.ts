import type { ProcessResult } from '../pipeline/detector.ts';
import { Command } from 'commander';
import { NdjsonWriter, readLines } from './io.ts';
import { type DetectorOptions, localDetector, withDetectorOptions } from './local-detector.ts';
import { withExitStatus } from './options.ts';
import { startProgress } from './progress.ts';

/** `vigil replay <file>`: backtest a file of events through the same path as the stream consumer. */
export const replayCommand = (): Command =>
  withDetectorOptions(
    new Command('replay')
      .summary('backtest a file through the detection pipeline')
      .description(
        `Runs every line through the detection pipeline (validate -> pseudonymise ->
profile -> rules -> decision) with an in-memory profile store, in file order,
in event time: windows, retention and expiry are measured from occurredAt, so
last month's traffic is judged as it would have been then.

Writes one JSON line per input line: a decision
  {"eventId","score","decision","reasons":[{"code","points","message","evidence"}],"rulesetVersion"}
or an error that names the field
  {"eventId","error"}
or, when the eventId itself is unusable,
  {"line":17,"error":"eventId: ..."}
It never stops at a bad line. A summary goes to stderr; progress too, on a terminal.`,
      )
      .argument('<file>', 'the events, NDJSON, gzipped when it ends in .gz; - for standard input')
      .option('--out <file>', 'where decisions go (default: stdout)'),
  ).action(withExitStatus(replay));

interface Summary {
  lines: number;
  invalid: number;
  duplicates: number;
  decisions: Record<string, Record<string, number>>;
}

async function replay(input: string, options: DetectorOptions & { out?: string }): Promise<number> {
  const detector = localDetector(options);
  const out = new NdjsonWriter(options.out);
  const summary: Summary = { lines: 0, invalid: 0, duplicates: 0, decisions: {} };
  const progress = startProgress(
    () => `${summary.lines.toLocaleString('en')} events, ${summary.invalid} invalid`,
  );
  const started = performance.now();
  try {
    let lineNumber = 0;
    for await (const line of readLines(input)) {
      lineNumber++;
      if (line.trim() === '') continue;
      summary.lines++;
      const verdict = await detector.processLine(line);
      await out.write(toOutputLine(verdict, lineNumber));
      tally(summary, verdict);
      progress.update();
    }
    await out.close();
  } finally {
    progress.stop();
  }
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
