import { Command } from 'commander';
import {
  DEMO_DEFAULTS,
  EVENTS_PER_CUSTOMER_DAY,
  type DemoOptions,
  labelledDemoTraffic,
  resolveDemoOptions,
} from '../demo/traffic.ts';
import { alerts, emptyTally, formatDemoReport, record } from './demo-report.ts';
import { NdjsonWriter } from './io.ts';
import { type DetectorOptions, localDetector, withDetectorOptions } from './local-detector.ts';
import { positiveWholeNumber, wholeNumber, withExitStatus } from './options.ts';
import { startProgress } from './progress.ts';
import { toOutputLine } from './replay.ts';

/** `vigil demo`: generated traffic with known attacks through the real pipeline, and what it caught. */
export const demoCommand = (): Command =>
  withDetectorOptions(
    new Command('demo')
      .summary('generated shop traffic with attacks through the pipeline, and what was caught')
      .description(
        `Generates a day-to-day traffic of a Dutch web shop (customers browsing,
logging in and ordering from home, on mobile networks and abroad; anonymous
visitors; search-engine crawlers) with attacks placed in it (brute force,
credential stuffing, account takeover, impossible travel, card testing, bot
scraping, vulnerability probing), runs every event through the detection
pipeline as replay does (in-memory profile store, in event time), and prints
what was caught: decisions, alerts by reason code, per attack scenario the
incidents caught and after how many attacker events, and the false alerts on
legitimate traffic. The same seed and options give the same traffic.`,
      )
      .option(
        '--customers <n>',
        `customers in the population (default ${DEMO_DEFAULTS.customers})`,
        positiveWholeNumber,
      )
      .option(
        '--days <n>',
        `days of traffic (default ${DEMO_DEFAULTS.days}); each customer brings about ${EVENTS_PER_CUSTOMER_DAY} events a day`,
        Number,
      )
      .option(
        '--events <n>',
        'exactly n events: sizes the population (or, with --customers, the days) for n and stops there. ' +
          'The traffic is generated as it is processed, never held whole, so --events 1000000 works',
        positiveWholeNumber,
      )
      .option(
        '--start <date>',
        'first day, YYYY-MM-DD in shop time (Europe/Amsterdam) or an RFC 3339 timestamp ' +
          `(default ${DEMO_DEFAULTS.start})`,
      )
      .option('--seed <n>', `random seed (default ${DEMO_DEFAULTS.seed})`, wholeNumber)
      .option('--no-attacks', 'legitimate traffic only')
      .option(
        '--out <file>',
        'write the decisions as NDJSON, as replay does (- for stdout; the summary then goes to stderr)',
      )
      .option('--write-events <file>', "write the generated events as NDJSON, to try 'vigil replay' on")
      .option(
        '--write-labels <file>',
        'write {"eventId","label","scenario","incident"} per event, for shared/eval/score.mjs',
      ),
  )
    .addHelpText(
      'after',
      `
Attacks come between the first quarter and the last tenth of the window, when
the customers they target have a history; one incident of each kind per 2,250
customer-days, at least one.`,
    )
    .action(withExitStatus(demo));

interface DemoCommandOptions extends DetectorOptions {
  customers?: number;
  days?: number;
  events?: number;
  start?: string;
  seed?: number;
  attacks: boolean;
  out?: string;
  writeEvents?: string;
  writeLabels?: string;
}

async function demo(options: DemoCommandOptions, command: Command): Promise<number> {
  const limit = options.events ?? Infinity;
  const traffic = demoTraffic(options, command);
  // A --start in the future is still a demo: the processing clock is never before the traffic.
  const detector = localDetector(options, () => Math.max(Date.now(), traffic.endMs + 3_600_000));
  const writer = (path: string | undefined) => (path === undefined ? undefined : new NdjsonWriter(path));
  const decisions = writer(options.out);
  const events = writer(options.writeEvents);
  const labels = writer(options.writeLabels);
  const tally = emptyTally();
  const progress = startProgress(
    () => `${tally.events.toLocaleString('en')} events, ${alerts(tally).toLocaleString('en')} alerts`,
  );
  const started = performance.now();
  try {
    for (const item of labelledDemoTraffic(traffic)) {
      if (tally.events >= limit) break;
      tally.events++;
      await events?.write(item.event);
      await labels?.write({
        eventId: item.event.eventId,
        label: item.label,
        scenario: item.scenario,
        incident: item.incident ?? null,
      });
      const verdict = await detector.process(item.event);
      await decisions?.write(toOutputLine(verdict, tally.events));
      record(tally, item, verdict);
      progress.update();
    }
    await Promise.all([decisions?.close(), events?.close(), labels?.close()]);
  } finally {
    progress.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  const report = formatDemoReport(tally, traffic, seconds, detector.rulesetVersion);
  (options.out === '-' ? process.stderr : process.stdout).write(report);
  return 0;
}

/** The traffic the options describe; a usage error (exit 2) when they describe none. */
function demoTraffic(options: DemoCommandOptions, command: Command): ReturnType<typeof resolveDemoOptions> {
  const demoOptions: DemoOptions = { attacks: options.attacks };
  if (options.seed !== undefined) demoOptions.seed = options.seed;
  if (options.start !== undefined) demoOptions.start = options.start;
  if (options.days !== undefined) demoOptions.days = options.days;
  if (options.customers !== undefined) demoOptions.customers = options.customers;
  if (options.events !== undefined) {
    // Sized 5% over, then cut at the limit: the cut only shortens the last hours.
    const perCustomer = EVENTS_PER_CUSTOMER_DAY * (demoOptions.days ?? DEMO_DEFAULTS.days);
    if (demoOptions.customers === undefined)
      demoOptions.customers = Math.ceil((1.05 * options.events) / perCustomer);
    else if (demoOptions.days === undefined)
      demoOptions.days = (1.05 * options.events) / (demoOptions.customers * EVENTS_PER_CUSTOMER_DAY);
  }
  try {
    return resolveDemoOptions(demoOptions);
  } catch (err) {
    return command.error((err as Error).message, { exitCode: 2 });
  }
}
