import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { scoreDepsFromEnv } from '../../src/api/deps.ts';

const SET = [
  'VIGIL_STAGE',
  'VIGIL_PSEUDONYM_KEY',
  'VIGIL_PSEUDONYM_SECRET_ARN',
  'VIGIL_DETECTION_CONFIG',
] as const;
const saved = Object.fromEntries(SET.map((k) => [k, process.env[k]]));
afterEach(() => {
  for (const k of SET) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe('scoreDepsFromEnv: what the stack hands the score function', () => {
  it("decides with the consumer's detection settings (VIGIL_DETECTION_CONFIG)", async () => {
    // Prepare
    process.env.VIGIL_STAGE = 'dev';
    delete process.env.VIGIL_PSEUDONYM_SECRET_ARN;
    process.env.VIGIL_PSEUDONYM_KEY = `v1:${randomBytes(32).toString('base64')}`;
    process.env.VIGIL_DETECTION_CONFIG = JSON.stringify({ thresholds: { review: 50, deny: 90 } });

    // Act
    const deps = await scoreDepsFromEnv();

    // Assess
    expect(deps.config.thresholds).toEqual({ review: 50, deny: 90 });
  });

  it('names both key variables when neither is set, never falling back to a key of its own', async () => {
    // Prepare
    process.env.VIGIL_STAGE = 'dev';
    delete process.env.VIGIL_PSEUDONYM_SECRET_ARN;
    delete process.env.VIGIL_PSEUDONYM_KEY;

    // Act
    const deps = scoreDepsFromEnv();

    // Assess
    await expect(deps).rejects.toThrow(/VIGIL_PSEUDONYM_SECRET_ARN \(AWS\) or VIGIL_PSEUDONYM_KEY \(local\)/);
  });
});
