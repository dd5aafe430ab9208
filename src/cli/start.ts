import { dirname } from 'node:path';
import { Command, Option } from 'commander';
import { type DemoOptions, resolveDemoOptions } from '../demo/traffic.ts';
import { type LocalStack, LOCAL_STACK_FILE, startLocalStack } from '../local/stack.ts';
import { apiExamples } from './api-examples.ts';
import { wholeNumber, withExitStatus } from './options.ts';
import { runDemo } from './start-demo.ts';

/** Where `vigil start` keeps its state unless told otherwise: beside `.vigil/local.json` (git-ignored). */
export const DEFAULT_DATA_DIR = dirname(LOCAL_STACK_FILE);

/** The demo population of `vigil start`: smaller than `vigil demo`'s, so the whole run takes seconds. */
export const START_DEFAULTS = { customers: 300, days: 2, seed: 1 };

/** `vigil start`: the embedded local stack with the real consumer, and the demo traffic through it. */
export const startCommand = (): Command =>
  new Command('start')
    .summary('the embedded local stack (Kinesis, DynamoDB, the real consumer) with demo traffic')
    .description(
      `Starts the embedded local stack: Kinesis (kinesalite) and DynamoDB (dynalite)
in-process on free loopback ports, the event stream and the tables created
from the same definitions as the CDK stack, and the real consumer Lambda
(functions/consume-events.ts) fed by a local event-source poller with
Lambda's Kinesis semantics (batches of up to 500, 1 s batching window, partial
batch responses, bisect on error, 3 retries, then the on-failure count).

It keeps its state between runs in ${DEFAULT_DATA_DIR}/ in this directory (the stream
with the records not consumed yet, the consumer's position in it, and every
table: profiles, decisions, alerts with their dispositions, dead
letters, the audit trail, rights receipts and objections), unless --data-dir
names another folder or --in-memory asks for a throwaway run. One stack per
folder: a second one on the same folder, or from the same directory, is
refused while the first runs. See docs/local-stack.md.

It writes how to reach the stack to ${LOCAL_STACK_FILE} in this directory (mode
0600: it holds the tokens, and prints it), streams the built-in demo traffic
(normal customers plus attacks) through the AWS SDK Kinesis client with
PutRecords, shows progress on a terminal, waits until the consumer has caught up, and prints what it caught:
alerts by reason code (from the alerts table), the attack incidents caught,
the dead letters, and the requests each emulator served.

It also serves the APIs on a local HTTP gateway: the real API handlers
(functions/score-order.ts, …) behind API Gateway's REST proxy events, with a
random bearer token per role (order-flow, analyst, privacy-service, admin)
made on every start, written to the same file (apiUrl, tokens) and printed
with a curl line per route.

Then it keeps running, consuming whatever arrives ('vigil send events.ndjson'
from this directory writes to it), until Ctrl-C (SIGINT) or SIGTERM; with
--once it stops after the summary.

The handler's own logs and metrics are off unless POWERTOOLS_LOG_LEVEL or
POWERTOOLS_METRICS_DISABLED are set. The pseudonymisation key is
VIGIL_PSEUDONYM_KEY when set, else .vigil/pseudonym-key.json (generated once).`,
    )
    .option('--once', 'stop after the demo summary (exit status 0)')
    .option(
      '--data-dir <dir>',
      `keep the stream, its checkpoints and the tables in <dir> between runs (default: ${DEFAULT_DATA_DIR})`,
    )
    .addOption(
      new Option('--in-memory', 'keep nothing: everything is gone when the stack stops').conflicts('dataDir'),
    )
    .option('--customers <n>', 'demo customers', wholeNumber, START_DEFAULTS.customers)
    .option('--days <n>', 'days of demo traffic, ending yesterday', Number, START_DEFAULTS.days)
    .option('--start <date>', 'first day of the traffic, YYYY-MM-DD (default: --days before yesterday)')
    .option('--seed <n>', 'demo random seed', wholeNumber, START_DEFAULTS.seed)
    .option('--no-demo', 'start the stack without sending demo traffic')
    .action(withExitStatus(start));

interface StartOptions {
  once?: boolean;
  dataDir?: string;
  inMemory?: boolean;
  customers: number;
  days: number;
  start?: string;
  seed: number;
  demo: boolean;
}

async function start(options: StartOptions, command: Command): Promise<number> {
  const traffic = demoTraffic(options, command);
  const started = performance.now();
  const dataDir = options.inMemory ? undefined : (options.dataDir ?? DEFAULT_DATA_DIR);
  process.stderr.write(
    `vigil start: starting kinesalite, dynalite and the consumer (${dataDir ? `state kept in ${dataDir}` : 'in memory'})…\n`,
  );
  const stack = await startLocalStack(dataDir ? { dataDir } : {});
  let stopped = false;
  try {
    if (options.demo) process.stdout.write(await runDemo(stack, traffic));
    process.stdout.write(apiExamples(stack));
    process.stderr.write(`vigil start: ready after ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    if (options.once) return 0;
    await consumeUntilStopped(stack);
    stopped = true;
    return 0;
  } finally {
    await stack.close();
    if (stopped) process.stderr.write('vigil start: stopped\n');
  }
}

/** The demo traffic of the options; a usage error (exit 2) when they describe none. */
function demoTraffic(options: StartOptions, command: Command): ReturnType<typeof resolveDemoOptions> {
  const demo: DemoOptions = {
    customers: options.customers,
    days: options.days,
    seed: options.seed,
    // Recent by default: the consumer runs on the real clock, and observations expire by it.
    start:
      options.start ??
      new Date(Date.now() - (Math.ceil(options.days) + 1) * 86_400_000).toISOString().slice(0, 10),
  };
  try {
    return resolveDemoOptions(demo);
  } catch (err) {
    return command.error((err as Error).message, { exitCode: 2 });
  }
}

/** Keeps the stack consuming until SIGINT (Ctrl-C) or SIGTERM, then tells what it consumed. */
async function consumeUntilStopped(stack: LocalStack): Promise<void> {
  process.stderr.write(
    `vigil start: consuming ${stack.kinesis.streamName}; 'vigil send <events.ndjson>' from this directory ` +
      `writes to it. Ctrl-C to stop.\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  const { records, batches, failures } = stack.poller.counters;
  process.stderr.write(
    `\nvigil start: stopping (consumed ${records.toLocaleString('en')} records in ` +
      `${batches.toLocaleString('en')} batches, ${failures} given up on)\n`,
  );
}
