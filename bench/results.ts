/**
 * `bench/RESULTS.md`, written by `npm run bench` at the end of every run: when, on which commit
 * and machine, the targets, and every figure line the run printed, section by section. The
 * README points there instead of quoting figures that go stale.
 */
import { execFileSync } from 'node:child_process';
import { cpus, release, totalmem } from 'node:os';

/** The figure lines one section of the bench printed, in order. */
export interface ResultsSection {
  readonly title: string;
  readonly lines: readonly string[];
}

/** What a results file says: each field already in words, so the layout alone is tested. */
export interface BenchResults {
  readonly date: string;
  readonly commit: string;
  readonly machine: string;
  readonly node: string;
  readonly targets: readonly string[];
  readonly sections: readonly ResultsSection[];
  /** Sections this run left out, with the setting that did it. */
  readonly skipped: readonly string[];
  /** A paragraph under the header, when the figures need one (where they come from). */
  readonly note?: string;
}

/**
 * The Markdown of a results file, laid out as prettier leaves it (`npm test` checks the file).
 *
 * @example
 * ```ts
 * formatResults({ date: '2026-12-07 14:02 UTC', commit: 'dba0575', machine: '2 CPUs …', node: 'v20.19.0',
 *   targets: ['pipeline: at most 1 DynamoDB request per event'],
 *   sections: [{ title: 'Pipeline', lines: ['pipeline DynamoDB cost: 0.70 requests/event …'] }], skipped: [] });
 * ```
 */
export function formatResults(results: BenchResults): string {
  const blocks = [
    '# Benchmark results',
    'Written by `npm run bench` at the end of every run (`bench/results.ts`): commit it with the change it ' +
      'measures. What each figure means: `bench/run.ts` and `docs/adr/0005-score-latency-measured-open-loop.md`.',
    ...(results.note ? [results.note] : []),
    bullets([
      `Date: ${results.date}`,
      `Commit: ${results.commit}`,
      `Machine: ${results.machine}`,
      `Node.js: ${results.node}`,
    ]),
    '## Targets',
    bullets(results.targets),
    ...results.sections
      .filter((section) => section.lines.length > 0)
      .flatMap((section) => [`## ${section.title}`, ['```text', ...section.lines, '```'].join('\n')]),
    ...(results.skipped.length > 0 ? ['## Not run', bullets(results.skipped)] : []),
  ];
  return `${blocks.join('\n\n')}\n`;
}

const bullets = (items: readonly string[]): string => items.map((item) => `- ${item}`).join('\n');

/**
 * Prints the bench's lines as it always did and keeps them by section, for {@link formatResults}.
 *
 * @example
 * ```ts
 * const recorder = new ResultsRecorder(console.log);
 * recorder.section('Pipeline');
 * recorder.log('pipeline: 50,000 events …'); // printed, and kept under "Pipeline"
 * ```
 */
export class ResultsRecorder {
  readonly #print: (line: string) => void;
  readonly #sections: { title: string; lines: string[] }[] = [];

  constructor(print: (line: string) => void) {
    this.#print = print;
  }

  /** Starts a section: the lines logged from now on belong to it. */
  section(title: string): void {
    this.#sections.push({ title, lines: [] });
  }

  /** Prints a line and keeps it (a line logged before any section starts one of its own). */
  readonly log = (line: string): void => {
    this.#print(line);
    if (this.#sections.length === 0) this.section('Run');
    this.#sections.at(-1)!.lines.push(line);
  };

  get sections(): readonly ResultsSection[] {
    return this.#sections;
  }
}

/** The commit checked out, marked when the work tree has changes; `unknown` outside a git checkout. */
export function currentCommit(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
    const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
    return `\`${git('rev-parse', '--short', 'HEAD')}\`${dirty ? ' with uncommitted changes' : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

/** CPUs, memory and kernel, in words. */
export function machineSummary(): string {
  const cores = cpus();
  const model = cores[0]?.model.trim() ?? 'unknown CPU';
  const gib = (totalmem() / 2 ** 30).toFixed(1);
  return `${cores.length} CPUs (${model}), ${gib} GiB memory, ${process.platform} ${release()} ${process.arch}`;
}

/** A date as the results file gives it, to the minute, in UTC. */
export const resultsDate = (date: Date): string => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
