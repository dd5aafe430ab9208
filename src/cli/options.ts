import { CommanderError, type HelpConfiguration, InvalidArgumentError } from 'commander';

/**
 * Commander's parser of a whole-number option value: commander names the option and the value
 * in its error, and `vigil` exits 2 on it as on any usage error.
 * https://github.com/tj/commander.js#custom-option-processing
 */
export function wholeNumber(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(n))
    throw new InvalidArgumentError('expected a whole number');
  return n;
}

/** As {@link wholeNumber}, at least 1. */
export function positiveWholeNumber(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError('expected a whole number ≥ 1');
  return n;
}

/** Commander's parser of a share: a percentage (`0.3%`) or a fraction (`0.003`), from 0 to below 1. */
export function share(text: string): number {
  const percent = text.trim().endsWith('%');
  const n = Number(percent ? text.trim().slice(0, -1) : text);
  const value = percent ? n / 100 : n;
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value >= 1)
    throw new InvalidArgumentError('expected a share such as 0.3% or 0.003');
  return value;
}

/** The code of the CommanderError that carries a command's own non-zero exit status. */
export const EXIT_STATUS = 'vigil.exitStatus';

/**
 * Commander's action for a command function that resolves to its exit status. Commander ignores
 * what an action returns, so a non-zero status ends the parse as a CommanderError, the way
 * commander reports its own exits under `exitOverride()`; `run` turns it back into the status.
 * https://github.com/tj/commander.js#override-exit-and-output-handling
 */
export const withExitStatus =
  <A extends unknown[]>(action: (...args: A) => Promise<number>) =>
  async (...args: A): Promise<void> => {
    const status = await action(...args);
    if (status !== 0) throw new CommanderError(status, EXIT_STATUS, `exit status ${status}`);
  };

/**
 * The help of a subcommand lists its parent's options too (under "Global Options"), as those of
 * `vigil dead-letters` and `vigil lists` do, but not `--version`, which belongs to `vigil` alone.
 * https://github.com/tj/commander.js/blob/master/docs/help-in-depth.md
 */
export const WITH_PARENT_OPTIONS: HelpConfiguration = {
  showGlobalOptions: true,
  visibleGlobalOptions: (command) => command.parent?.options.filter((option) => !option.hidden) ?? [],
};
