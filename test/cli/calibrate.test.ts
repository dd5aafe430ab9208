import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vigilInProcess } from '../support/vigil.ts';

/** A decisions file as `vigil replay` writes it: one decision per score, and one error line. */
function decisionsFile(scores: number[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-calibrate-'));
  const path = join(dir, 'decisions.ndjson');
  const lines = scores.map((score, i) =>
    JSON.stringify({ eventId: `ev-${i}`, score, decision: 'allow', reasons: [], rulesetVersion: 'x' }),
  );
  lines.push(JSON.stringify({ line: 7, error: 'eventId: expected a string' }));
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('vigil calibrate', () => {
  it('prints the thresholds that meet the target alert rates as a rules config', async () => {
    // Prepare: 1,000 decisions, 10 at 60 and 1 at 95.
    const scores = [...Array.from({ length: 989 }, (_, i) => i % 30), ...Array(10).fill(60), 95];
    const file = decisionsFile(scores);

    // Act
    const { status, stdout, stderr } = await vigilInProcess([
      'calibrate',
      file,
      '--review-rate',
      '1.1%',
      '--deny-rate',
      '0.001',
    ]);

    // Assess
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ thresholds: { review: 30, deny: 61 } });
    expect(stderr).toContain('1,000 decisions');
  });

  it('says so when even a score of 100 is over the budget', async () => {
    // Prepare
    const file = decisionsFile([0, 100, 100]);

    // Act
    const { status, stdout, stderr } = await vigilInProcess(['calibrate', file]);

    // Assess
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ thresholds: { review: 100, deny: 100 } });
    expect(stderr).toContain('even a score of 100');
  });

  it.each(['5', 'often', '-1%'])('exits 2 on the rate %s', async (rate) => {
    // Act
    const { status, stderr } = await vigilInProcess(['calibrate', 'x.ndjson', '--review-rate', rate]);

    // Assess
    expect(status).toBe(2);
    expect(stderr).toContain('--review-rate');
  });
});
