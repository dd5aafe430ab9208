import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ensureIpData } from '../ip-data-builder/build.ts';
import { calibrateCommand } from './calibrate.ts';
import { deadLettersCommand } from './dead-letters.ts';
import { demoCommand } from './demo.ts';
import { listsCommand } from './lists.ts';
import { replayCommand } from './replay.ts';
import { sendCommand } from './send.ts';
import { startCommand } from './start.ts';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** Each command, and whether it scores events (and so reads the IP data tables). */
const COMMANDS: { command: () => Command; scores: boolean }[] = [
  { command: calibrateCommand, scores: false },
  { command: deadLettersCommand, scores: false },
  { command: demoCommand, scores: true },
  { command: listsCommand, scores: false },
  { command: replayCommand, scores: true },
  { command: sendCommand, scores: false },
  { command: startCommand, scores: true },
];

/**
 * The `vigil` command line: one commander program per run (commander keeps the parsed options on
 * its commands), exiting through `exitOverride` so that `run` can return the status.
 */
function vigilProgram(): { program: Command; scoring: Set<string> } {
  const program = new Command('vigil')
    .usage('<command> [options]')
    .description('Vigil: fraud and access-anomaly detection over login, browse and order events.')
    .version(version);
  const scoring = new Set<string>();
  for (const { command, scores } of COMMANDS) {
    const sub = command();
    program.addCommand(sub);
    if (scores) scoring.add(sub.name());
  }
  configure(program, 'vigil');
  return { program, scoring };
}

/**
 * Settings every command needs, given to each because `addCommand` copies none from the parent:
 * errors prefixed with the command (`vigil replay: unknown option '--bogus'`) and followed by where
 * the help is, and exits thrown, not taken.
 * https://github.com/tj/commander.js#override-exit-and-output-handling
 */
function configure(command: Command, name: string): void {
  const help = name === 'vigil' ? true : `(run '${name} --help' for usage)`;
  command
    .exitOverride()
    .showHelpAfterError(help)
    .configureOutput({ outputError: (text, write) => write(`${name}: ${text.replace(/^error: /, '')}`) });
  for (const sub of command.commands) configure(sub, name === 'vigil' ? `vigil ${sub.name()}` : name);
}

/** The top-level command `command` belongs to (a dead-letters subcommand belongs to dead-letters). */
function topLevel(command: Command): Command {
  let top = command;
  while (top.parent?.parent) top = top.parent;
  return top;
}

/**
 * Runs `vigil` with these arguments and resolves to its exit status: 0, 1 when a command fails
 * (with a one-line message on stderr), 2 on a usage error (an unknown command or option, a bad or
 * missing argument), or the status a command returned.
 *
 * @example
 * ```ts
 * process.exitCode = await run(process.argv.slice(2));
 * ```
 */
export async function run(argv: string[]): Promise<number> {
  const { program, scoring } = vigilProgram();
  let active = 'vigil';
  program.hook('preAction', (_program, action) => {
    const command = topLevel(action);
    active = `vigil ${command.name()}`;
    // Built by `npm ci`; rebuilt here only if a data set or geoip-lite changed since.
    if (scoring.has(command.name())) ensureIpData(undefined, (line) => process.stderr.write(`${line}\n`));
  });
  try {
    // A bare `vigil` prints the help and succeeds, as `vigil --help` does (commander would fail).
    await program.parseAsync(argv.length === 0 ? ['--help'] : argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return exitStatus(err);
    process.stderr.write(`${active}: ${(err as Error).message}\n`);
    return 1;
  }
}

/** Help and version exit 0; commander's own errors are usage errors (2); a command's status is its own. */
function exitStatus(err: CommanderError): number {
  if (err.exitCode === 0) return 0;
  return err.code.startsWith('commander.') ? 2 : err.exitCode;
}
