import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { SingleBar } from 'cli-progress';
import { ensureIpData } from '../ip-data-builder/build.ts';
import { type DetectionConfig, loadConfigFile, resolveConfig } from '../rules/config.ts';
import type { SetReport } from './metrics.ts';
import { type Scale, formatScale, formatSet, headline, scale } from './report.ts';
import { MAX_DAYS, type Scenario } from './scenario.ts';
import { type Progress, type Skipped, runDevSet, runOwnSet, runPeerSet, writeScenario } from './sets.ts';

/**
 * Seeds: 1 to 999 are for tuning (look at them as much as you like), 1001 and up for reporting
 * (look only at the figures). The defaults report; `--tuning` switches to tuning seeds.
 */
export const REPORTING_SEEDS = { small: [1001, 1002], large: [1001] } as const;
export const TUNING_SEEDS = { small: [1, 2], large: [1] } as const;
const SMALL = 2000;

const list = (value: string): number[] => {
  const out = value.split(',').map((s) => Number(s.trim()));
  if (out.some((n) => !Number.isInteger(n) || n < 0))
    throw new InvalidArgumentError('expected comma-separated whole numbers');
  return out;
};

const program = new Command('npm run eval --')
  .description(
    'Scores Vigil on its own generated traffic (held-apart seeds), ../shared/eval and ../shared/peer: per family, incidents caught, event recall, legitimate flag rate, time to first flag, ROC AUC, worst false alarms.',
  )
  .option('--customers <list>', 'population sizes of the generated sets', list, [SMALL, 10_000])
  .option(
    '--seeds <list>',
    `seeds for every size (default: reporting seeds ${REPORTING_SEEDS.small.join(',')} at ${SMALL}, ${REPORTING_SEEDS.large.join(',')} above)`,
    list,
  )
  .option(
    '--tuning',
    `use the tuning seeds (${TUNING_SEEDS.small.join(',')} at ${SMALL}, ${TUNING_SEEDS.large.join(',')} above) instead`,
  )
  .option('--days <n>', `days of generated traffic (4 to ${MAX_DAYS})`, (v) => list(v)[0]!, 14)
  .option('--sets <list>', 'which sets: own, dev, peer', (v) => v.split(','), ['own', 'dev', 'peer'])
  .option(
    '--shared <dir>',
    'the shared data folder (default: $VIGIL_SHARED_DIR, else ../shared from the repository root)',
  )
  .option('--rules <file>', 'JSON overrides of thresholds and rule settings, as vigil replay takes them')
  .option('--out <dir>', 'also write each generated set there (events and labels NDJSON, as ../shared/eval)')
  .option(
    '--signals',
    'also print, per reason code, the attack and legitimate events it scored on, its likelihood ratio and the points it implies',
  )
  .option('--json', 'one JSON document on stdout instead of the tables');

interface Options {
  customers: number[];
  seeds?: number[];
  tuning?: boolean;
  days: number;
  sets: string[];
  shared?: string;
  rules?: string;
  out?: string;
  signals?: boolean;
  json?: boolean;
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

function seedsFor(customers: number, o: Options): readonly number[] {
  if (o.seeds) return o.seeds;
  const seeds = o.tuning ? TUNING_SEEDS : REPORTING_SEEDS;
  return customers <= SMALL ? seeds.small : seeds.large;
}

/** A progress bar on standard error when it is a terminal, stage lines otherwise. */
function progressBar(): Progress & { stop(): void } {
  const bar = new SingleBar({
    stream: process.stderr,
    format: '{stage} [{bar}] {value}/{total}',
    hideCursor: true,
    etaBuffer: 5000,
  });
  let running = false;
  return {
    stage(text, total) {
      if (running) bar.stop();
      running = total > 0 && process.stderr.isTTY === true;
      if (running) bar.start(total, 0, { stage: text });
      else process.stderr.write(`${text}\n`);
    },
    tick: () => running && bar.increment(),
    stop: () => running && bar.stop(),
  };
}

async function run(o: Options): Promise<void> {
  ensureIpData(undefined, (line) => process.stderr.write(`${line}\n`));
  const config: DetectionConfig = o.rules ? loadConfigFile(o.rules) : resolveConfig();
  const shared = resolve(REPO_ROOT, o.shared ?? process.env.VIGIL_SHARED_DIR ?? '../shared');
  const progress = progressBar();
  const started = performance.now();
  const sets: (SetReport | Skipped)[] = [];
  const perSeed: SetReport[] = [];
  let scaling: Scale | undefined;
  const say = (text: string) => o.json || process.stdout.write(text);
  say(
    `Vigil evaluation, ruleset ${config.rulesetVersion}; seeds ${o.seeds ? 'as given' : o.tuning ? 'for TUNING' : 'for reporting'}\n\n`,
  );
  const show = (r: SetReport | Skipped) => {
    sets.push(r);
    progress.stop();
    say(
      'skipped' in r
        ? `== ${r.name}\nskipped: ${r.skipped}\n\n`
        : `${formatSet(r, { signals: o.signals })}\n`,
    );
  };
  if (o.sets.includes('own')) {
    for (const customers of [...o.customers].sort((a, b) => a - b)) {
      const write = (seed: number, scenario: Scenario) =>
        o.out ? writeScenario(o.out, `own-${customers}-seed${seed}`, scenario) : Promise.resolve();
      const own = await runOwnSet(customers, seedsFor(customers, o), o.days, config, progress, write);
      perSeed.push(...own.perSeed);
      show(own.report);
      if (own.perSeed.length > 1)
        say(`${own.perSeed.map((r) => `  ${r.name}: ${headline(r)}`).join('\n')}\n\n`);
    }
    scaling = scale(sets.filter((s): s is SetReport => !('skipped' in s)));
    if (scaling) say(formatScale(scaling));
  }
  if (o.sets.includes('dev')) show(await runDevSet(shared, config, progress));
  if (o.sets.includes('peer')) show(await runPeerSet(shared, config, progress));
  const seconds = (performance.now() - started) / 1000;
  if (o.json)
    process.stdout.write(
      `${JSON.stringify({ rulesetVersion: config.rulesetVersion, tuning: o.tuning === true, sets, perSeed, scaling, seconds }, null, 1)}\n`,
    );
  process.stderr.write(`eval: ${seconds.toFixed(0)} s\n`);
}

program.action(async (o: Options) => {
  try {
    await run(o);
  } catch (err) {
    process.stderr.write(`eval: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
});
await program.parseAsync(process.argv);
