import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { type BenchResults, formatResults, ResultsRecorder, resultsDate } from '../../bench/results.ts';

/** A results file's input; `overrides` replace its fields. */
const results = (overrides: Partial<BenchResults> = {}): BenchResults => ({
  date: '2026-12-07 14:02 UTC',
  commit: '`dba0575`',
  machine: '2 CPUs (AMD EPYC 7B13), 3.8 GiB memory, linux 6.1.0 x64',
  node: 'v20.19.0',
  targets: ['pipeline: at most 1 DynamoDB request per event', 'score: p99 at most 10 ms at 200 requests/s'],
  sections: [
    { title: 'Detection core', lines: ['replay, full pipeline with the in-memory store: 26,912 events/s'] },
    {
      title: 'Pipeline through the local stack',
      lines: ['pipeline DynamoDB cost: 0.70 requests/event (target <= 1)', 'cost per million events: $2.98'],
    },
  ],
  skipped: [],
  ...overrides,
});

describe('formatResults', () => {
  it('gives the date, commit, machine and Node.js, the targets, then each section its figure lines verbatim', () => {
    // Prepare
    const input = results();

    // Act
    const markdown = formatResults(input);

    // Assess
    expect(markdown).toContain(
      '- Date: 2026-12-07 14:02 UTC\n- Commit: `dba0575`\n' +
        '- Machine: 2 CPUs (AMD EPYC 7B13), 3.8 GiB memory, linux 6.1.0 x64\n- Node.js: v20.19.0',
    );
    expect(markdown).toContain(
      '## Targets\n\n- pipeline: at most 1 DynamoDB request per event\n' +
        '- score: p99 at most 10 ms at 200 requests/s',
    );
    expect(markdown).toContain(
      '## Pipeline through the local stack\n\n```text\n' +
        'pipeline DynamoDB cost: 0.70 requests/event (target <= 1)\ncost per million events: $2.98\n```',
    );
    expect(markdown.indexOf('## Detection core')).toBeLessThan(markdown.indexOf('## Pipeline'));
  });

  it('leaves out a section that printed nothing and lists the skipped ones under "Not run"', () => {
    // Prepare
    const input = results({
      sections: [{ title: 'APIs', lines: [] }],
      skipped: ['Memory (BENCH_MEMORY_EVENTS=0)'],
    });

    // Act
    const markdown = formatResults(input);

    // Assess
    expect(markdown).not.toContain('## APIs');
    expect(markdown).toContain('## Not run\n\n- Memory (BENCH_MEMORY_EVENTS=0)\n');
  });

  it('puts a note, when given, under the header, and none otherwise', () => {
    // Prepare
    const note = 'Seeded from the figures the README quoted.';

    // Act
    const withNote = formatResults(results({ note }));
    const without = formatResults(results());

    // Assess
    expect(withNote.split('\n\n')[2]).toBe(note);
    expect(without).not.toContain(note);
  });

  it('writes Markdown that prettier leaves as it is, so that `npm test` passes on the written file', async () => {
    // Prepare
    const markdown = formatResults(results({ skipped: ['APIs (BENCH_API=0)'], note: 'A note.' }));
    const file = fileURLToPath(new URL('../../bench/RESULTS.md', import.meta.url));
    const options = { ...(await prettier.resolveConfig(file)), filepath: file };

    // Act
    const formatted = await prettier.format(markdown, options);

    // Assess
    expect(formatted).toBe(markdown);
  });
});

describe('ResultsRecorder', () => {
  it('prints every line and keeps it under the section started last', () => {
    // Prepare
    const printed: string[] = [];
    const recorder = new ResultsRecorder((line) => printed.push(line));

    // Act
    recorder.log('input: 109,525 events');
    recorder.section('Memory');
    recorder.log('memory: 1,000,000 generated events');
    recorder.section('APIs');
    recorder.log('score p99 <= 10 ms');
    recorder.log('score degraded');

    // Assess
    expect(printed).toEqual([
      'input: 109,525 events',
      'memory: 1,000,000 generated events',
      'score p99 <= 10 ms',
      'score degraded',
    ]);
    expect(recorder.sections).toEqual([
      { title: 'Run', lines: ['input: 109,525 events'] },
      { title: 'Memory', lines: ['memory: 1,000,000 generated events'] },
      { title: 'APIs', lines: ['score p99 <= 10 ms', 'score degraded'] },
    ]);
  });
});

describe('resultsDate', () => {
  it('gives the time to the minute in UTC', () => {
    // Prepare
    const date = new Date('2026-12-07T14:02:59.999Z');

    // Act
    const text = resultsDate(date);

    // Assess
    expect(text).toBe('2026-12-07 14:02 UTC');
  });
});
