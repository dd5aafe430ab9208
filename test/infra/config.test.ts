import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, DEFAULT_CONFIG, resolveVigilConfig } from '../../infra/config.ts';

const fromContext = (context: Record<string, unknown>, files: Record<string, string> = {}) =>
  resolveVigilConfig({
    context: (key) => context[key],
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: no such file, open '${path}'`);
      return text;
    },
  });

describe('resolveVigilConfig', () => {
  it('gives the defaults without context', () => {
    // Prepare
    const context = {};

    // Act
    const config = fromContext(context);

    // Assess
    expect(config).toEqual(DEFAULT_CONFIG);
    expect(config.stream).toEqual({ mode: 'ON_DEMAND', shardCount: 2, retentionHours: 24 });
  });

  it('reads -c strings as numbers and booleans', () => {
    // Prepare
    const context = {
      streamMode: 'provisioned',
      shardCount: '3',
      deletionProtection: 'false',
      batchSize: '50',
    };

    // Act
    const config = fromContext(context);

    // Assess
    expect(config.stream).toMatchObject({ mode: 'PROVISIONED', shardCount: 3 });
    expect(config.deletionProtection).toBe(false);
    expect(config.consumer.batchSize).toBe(50);
  });

  it('lets context win over the config file, and the file over the defaults', () => {
    // Prepare
    const file = JSON.stringify({
      batchSize: 300,
      retryAttempts: 2,
      detection: { retentionDays: { login: 60 } },
    });
    const context = { configFile: 'vigil.prod.json', batchSize: 400 };

    // Act
    const config = fromContext(context, { 'vigil.prod.json': file });

    // Assess
    expect(config.consumer).toMatchObject({ batchSize: 400, retryAttempts: 2 });
    expect(config.detection).toEqual({ retentionDays: { login: 60 } });
  });

  it.each([
    [{ batchSize: 'many' }, /Vigil config \(CDK context\): batchSize: /],
    [{ batchSize: 20_000 }, /batchSize: .*10000/],
    [{ parallelizationFactor: 2 }, /parallelizationFactor: expected 1/],
    [{ streamMode: 'serverless' }, /streamMode: /],
    [{ logRetentionDays: 42 }, /logRetentionDays: expected one of 1, 3, 5/],
    [{ alarmEmail: 'ops' }, /alarmEmail: /],
    [{ scoreFailPolicy: 'sometimes' }, /scoreFailPolicy: /],
    [{ scoreBudgetMs: '0' }, /scoreBudgetMs: /],
    [{ apiBurstLimit: 6_000 }, /apiBurstLimit: /],
    [{ deletionProtection: 'no' }, /deletionProtection: /],
    [{ shardCount: 4 }, /shardCount: only for streamMode "provisioned"/],
    [
      { maxRecordAgeSeconds: 86_400 },
      /maxRecordAgeSeconds: 86400 s must be less than the stream's retention/,
    ],
    [{ detection: { retentionDays: { login: 0 } } }, /detection: rules config: retentionDays.login: /],
    [
      { detection: { rules: { NO_SUCH_RULE: {} } } },
      /detection: rules config: rules.NO_SUCH_RULE: no such rule/,
    ],
  ])('refuses %j naming the field', (context, message) => {
    // Prepare
    const act = () => fromContext(context);

    // Act / Assess
    expect(act).toThrow(message);
  });

  it('refuses an unknown key in the config file, naming it and the file', () => {
    // Prepare
    const files = { 'vigil.json': JSON.stringify({ batchSise: 10 }) };

    // Act
    const act = () => fromContext({ configFile: 'vigil.json' }, files);

    // Assess
    expect(act).toThrow(/Vigil config \(config file vigil.json\): batchSise: /);
  });

  it('names a config file that is missing or not JSON', () => {
    // Prepare
    const files = { 'bad.json': '{' };

    // Act
    const missing = () => fromContext({ configFile: 'nope.json' }, files);
    const bad = () => fromContext({ configFile: 'bad.json' }, files);

    // Assess
    expect(missing).toThrow(/Vigil config file nope.json: ENOENT/);
    expect(bad).toThrow(/Vigil config file bad.json: /);
  });
});

describe("README.md's configuration table", () => {
  it('describes every CDK context key the stack reads', () => {
    // Prepare
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const rows = readme
      .split('\n')
      .filter((line) => line.startsWith('| `') && line.includes('| CDK context'));
    const described = new Set(rows.flatMap((row) => [...row.matchAll(/`(\w+)`/g)].map((m) => m[1])));

    // Act
    const missing = [...CONFIG_KEYS, 'configFile', 'stage', 'region'].filter((key) => !described.has(key));

    // Assess
    expect(missing).toEqual([]);
  });
});
