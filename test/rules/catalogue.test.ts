import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/rules/index.ts';
import type { Rule } from '../../src/rules/rule.ts';
import { ProfileView } from '../../src/rules/rule.ts';
import { resolveConfig } from '../../src/rules/config.ts';
import { EventType } from '../../src/shared/contract/events.ts';
import { aBrowseFact, aGlobalBucket, aLoginFact, aSnapshot, anOrderFact } from '../factories/facts.ts';

const RULE_DIRS = ['ip', 'behaviour'].map((dir) => new URL(`../../src/rules/${dir}/`, import.meta.url));

/** Every rule file: `<dir>/<name>.ts` with its URL. */
const RULE_FILES = RULE_DIRS.flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => ({ name: `${dir.pathname.split('/').at(-2)}/${f}`, url: new URL(f, dir) })),
);

const isRule = (value: unknown): value is Rule =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Rule).code === 'string' &&
  typeof (value as Rule).evaluate === 'function' &&
  Array.isArray((value as Rule).appliesTo);

const FACTS = { login: aLoginFact, browse: aBrowseFact, order: anOrderFact };

const byCode = RULES.map((rule) => [rule.code, rule] as const);

describe('rule catalogue', () => {
  it('has unique codes', () => {
    // Prepare
    const codes = RULES.map((r) => r.code);

    // Act
    const distinct = new Set(codes);

    // Assess
    expect(distinct.size).toBe(codes.length);
  });

  it.each(byCode)('%s has an upper-case code', (code) => {
    // Prepare
    const pattern = /^[A-Z][A-Z_]+$/;

    // Act
    const matches = pattern.test(code);

    // Assess
    expect(matches).toBe(true);
  });

  it.each(byCode)('%s has a one-line description', (_code, rule) => {
    // Prepare
    const { description } = rule;

    // Act
    const lines = description.split('\n');

    // Assess
    expect(lines).toHaveLength(1);
    expect(description.trim()).toBe(description);
    expect(description.length).toBeGreaterThan(10);
  });

  it.each(byCode)('%s applies to one or more distinct event types', (_code, rule) => {
    // Prepare
    const types = [...rule.appliesTo];

    // Act
    const known = types.filter((t) => (EventType as readonly string[]).includes(t));

    // Assess
    expect(types.length).toBeGreaterThan(0);
    expect(known).toEqual(types);
    expect(new Set(types).size).toBe(types.length);
  });

  it.each(byCode)('%s has defaults with enabled, shadow, points and numeric parameters', (_code, rule) => {
    // Prepare
    const { enabled, shadow, points, ...params } = rule.defaults;

    // Act
    const nonNumeric = Object.entries(params).filter(([, v]) => typeof v !== 'number' || !Number.isFinite(v));

    // Assess
    expect(typeof enabled).toBe('boolean');
    expect(typeof shadow).toBe('boolean');
    expect(Number.isInteger(points) && points >= 0 && points <= 100).toBe(true);
    expect(nonNumeric).toEqual([]);
  });

  it.each(byCode)('%s takes its own defaults as a valid override', (code, rule) => {
    // Prepare
    const overrides = { rules: { [code]: rule.defaults } };

    // Act
    const config = resolveConfig(overrides);

    // Assess
    expect(config.rules[code]).toEqual(rule.defaults);
  });

  it.each(byCode)(
    '%s evaluates an ordinary event of each of its types without history in an ordinary shop',
    (_code, rule) => {
      // Prepare
      const events = rule.appliesTo.map((type) => FACTS[type]());

      // Act
      const findings = events.map((e) =>
        rule.evaluate(e, new ProfileView(aSnapshot(e, {}, [aGlobalBucket()])), rule.defaults),
      );

      // Assess
      expect(findings.filter(Boolean)).toEqual([]);
    },
  );

  it('keeps one rule per file, and every rule file is in RULES', async () => {
    // Prepare
    const modules = await Promise.all(
      RULE_FILES.map(async (f) => ({
        name: f.name,
        module: (await import(f.url.href)) as Record<string, unknown>,
      })),
    );

    // Act
    const rulesPerFile = modules.map(
      ({ name, module }) => [name, Object.values(module).filter(isRule)] as const,
    );

    // Assess
    expect(rulesPerFile.filter(([, rules]) => rules.length !== 1).map(([name]) => name)).toEqual([]);
    const exported = rulesPerFile.map(([, rules]) => rules[0]);
    expect(exported).toHaveLength(RULES.length);
    expect(RULES.filter((rule) => !exported.includes(rule)).map((r) => r.code)).toEqual([]);
  });
});

describe('evidence groups', () => {
  it('are documented in docs/detection.md as the rules declare them', () => {
    // Prepare
    const doc = readFileSync(new URL('../../docs/detection.md', import.meta.url), 'utf8');
    const declared: Record<string, string[]> = {};
    for (const rule of RULES) if (rule.group) (declared[rule.group] ??= []).push(rule.code);
    const sorted = (groups: Record<string, string[]>) =>
      Object.fromEntries(Object.entries(groups).map(([g, codes]) => [g, codes.toSorted()]));

    // Act: the rows `| \`group\` | \`CODE\`, \`CODE\` |` of the groups table.
    const documented: Record<string, string[]> = {};
    for (const [, group, codes] of doc.matchAll(/^\| `([a-z-]+)` +\| ((?:`[A-Z_]+`,? *)+)\|$/gm))
      documented[group!] = [...codes!.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]!);

    // Assess
    expect(sorted(documented)).toEqual(sorted(declared));
  });
});
