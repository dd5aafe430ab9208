import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AWS_ENV,
  ENV,
  POWERTOOLS_ENV,
  readEnv,
  readJsonEnv,
  TABLE_ENV,
  tablesFromEnv,
} from '../../src/shared/env.ts';
import { TABLE_ROLES } from '../../src/shared/tables.ts';

describe('readEnv', () => {
  it('reads a set variable, and an empty or unset one as absent', () => {
    // Prepare
    const env = { VIGIL_STAGE: 'dev', VIGIL_SCORE_FAIL_POLICY: '' };

    // Act
    const read = [ENV.stage, ENV.scoreFailPolicy, ENV.scoreBudgetMs].map((name) => readEnv(name, { env }));

    // Assess
    expect(read).toEqual(['dev', undefined, undefined]);
  });

  it('names a required variable that is absent, and quotes no value', () => {
    // Prepare
    const env = { VIGIL_USER_POOL_ID: '', VIGIL_PSEUDONYM_KEY: 'v1:c2VjcmV0' };

    // Act
    const act = () => readEnv(ENV.userPoolId, { env, required: true });

    // Assess
    expect(act).toThrow('VIGIL_USER_POOL_ID: not set');
  });
});

describe('readJsonEnv', () => {
  it('parses JSON, and reads an unset variable as undefined', () => {
    // Prepare
    const env = { VIGIL_DETECTION_CONFIG: '{"thresholds":{"review":50}}' };

    // Act
    const parsed = readJsonEnv(ENV.detectionConfig, env);
    const unset = readJsonEnv(ENV.authRoutes, env);

    // Assess
    expect(parsed).toEqual({ thresholds: { review: 50 } });
    expect(unset).toBeUndefined();
  });

  it('names the variable whose value is not JSON, without quoting the value', () => {
    // Prepare
    const env = { VIGIL_DETECTION_CONFIG: '{"secret-looking text' };

    // Act
    const act = () => readJsonEnv(ENV.detectionConfig, env);

    // Assess
    expect(act).toThrow(/^VIGIL_DETECTION_CONFIG: expected JSON$/);
  });
});

describe('tablesFromEnv', () => {
  it("takes the stage's names, and an explicit TABLE_<ROLE> over the stage's", () => {
    // Prepare
    const env = { VIGIL_STAGE: 'dev', TABLE_DEAD_LETTERS: 'letters' };

    // Act
    const tables = tablesFromEnv(env);

    // Assess
    expect(tables).toEqual({
      profiles: 'vigil-dev-profiles',
      decisions: 'vigil-dev-decisions',
      alerts: 'vigil-dev-alerts',
      deadLetters: 'letters',
      audit: 'vigil-dev-audit',
      lists: 'vigil-dev-lists',
    });
  });

  it('names both variables of the first table it cannot name', () => {
    // Prepare
    const env = { TABLE_PROFILES: 'profiles' };

    // Act
    const act = () => tablesFromEnv(env);

    // Assess
    expect(act).toThrow('set VIGIL_STAGE or TABLE_DECISIONS');
  });

  it('has a variable for every table role', () => {
    // Prepare
    const roles = [...TABLE_ROLES].sort();

    // Act
    const named = Object.keys(TABLE_ENV).sort();

    // Assess
    expect(named).toEqual(roles);
  });
});

describe("README.md's configuration table", () => {
  it('describes every variable of the env module', () => {
    // Prepare
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const rows = readme.split('\n').filter((line) => line.startsWith('| `') && line.includes('| env:'));
    const described = new Set(
      rows.flatMap((row) => [...row.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1])),
    );

    // Act
    const names = [ENV, TABLE_ENV, POWERTOOLS_ENV, AWS_ENV].flatMap((group) => Object.values(group));
    const missing = names.filter((name) => !described.has(name));

    // Assess
    expect(missing).toEqual([]);
  });
});
