import { ensureIpData } from '../ip-data-builder/build.ts';
import { DEAD_LETTERS_HELP, deadLetters } from './dead-letters.ts';
import { demo, DEMO_HELP } from './demo.ts';
import { replay, REPLAY_HELP } from './replay.ts';
import { send, SEND_HELP } from './send.ts';
import { start, START_HELP } from './start.ts';

const HELP = `Usage: vigil <command> [options]

Vigil: fraud and access-anomaly detection over login, browse and order events.

Commands:
  dead-letters [list|redrive]     the stream records the consumer could not accept; redrive one after a fix
  demo                            generated shop traffic with attacks through the pipeline, and what was caught
  replay <events.ndjson[.gz]|->   backtest a file through the detection pipeline
  send <events.ndjson[.gz]|->     write a file of events to the Kinesis stream (local stack or AWS)
  start                           the embedded local stack (Kinesis, DynamoDB, the real consumer) with demo traffic
  help [command]                  show help

Run 'vigil <command> --help' for a command's options.
`;

/** Each command, and whether it scores events (and so reads the IP data tables). */
const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; help: string; scores: boolean }> =
  {
    'dead-letters': { run: deadLetters, help: DEAD_LETTERS_HELP, scores: false },
    demo: { run: demo, help: DEMO_HELP, scores: true },
    replay: { run: replay, help: REPLAY_HELP, scores: true },
    send: { run: send, help: SEND_HELP, scores: false },
    start: { run: start, help: START_HELP, scores: true },
  };

/** The `vigil` command line. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') {
    process.stdout.write(HELP);
    return 0;
  }
  if (command === 'help') {
    process.stdout.write(COMMANDS[rest[0] ?? '']?.help ?? HELP);
    return 0;
  }
  const entry = COMMANDS[command];
  if (!entry) {
    process.stderr.write(`vigil: unknown command '${command}'\n\n${HELP}`);
    return 2;
  }
  try {
    // Built by `npm ci`; rebuilt here only if a data set or geoip-lite changed since.
    if (entry.scores) ensureIpData(undefined, (line) => process.stderr.write(`${line}\n`));
    return await entry.run(rest);
  } catch (err) {
    process.stderr.write(`vigil ${command}: ${(err as Error).message}\n`);
    // Bad options are usage errors (2), like a missing argument; anything else is a failure (1).
    return String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS') ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
