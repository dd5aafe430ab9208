import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { RULES } from './index.ts';
import { type KnownClients, compileKnownClients, knownClientsSchema } from './known-clients.ts';
import type { RuleSettings } from './rule.ts';
import { SIGNAL_KINDS, type SignalKind } from '../shared/profile.ts';

/** The version of the committed ruleset and defaults; bump it when a rule or a default changes. */
export const BASE_RULESET_VERSION = '2026.12.08.2';

/** Everything the detection core is configured with. */
export interface DetectionConfig {
  /** Carried by every decision: the base version, plus a hash of the overrides when there are any. */
  rulesetVersion: string;
  /** A score at or above `review` is reviewed, at or above `deny` denied. */
  thresholds: { review: number; deny: number };
  /** How long each kind of observation is kept, counted from the event's `occurredAt`. */
  retentionDays: Record<SignalKind, number>;
  /** Resolved settings of every rule, by reason code. */
  rules: Record<string, RuleSettings>;
  /** The allow-listed clients: the shop's own apps and its declared crawlers (`known-clients.ts`). */
  clients: KnownClients;
}

/**
 * Documented defaults. Retention follows the privacy policy's "only as long as
 * needed": browsing and searching matter for minutes to days (bots, sessions),
 * logins for the account's usual places and devices, orders for the customer's
 * spending pattern and chargeback windows (card schemes allow 120 days).
 */
export const DEFAULT_THRESHOLDS = { review: 40, deny: 80 } as const;

/**
 * The alert budget: the share of legitimate events that may reach review, and deny. The default
 * thresholds must stay within it on the tuning sets: `npm run eval -- --tuning` prints, per set,
 * the lowest thresholds that do (`thresholdsFor` in thresholds.ts). `vigil calibrate` derives a
 * shop's own thresholds from a replay of its traffic.
 */
export const TARGET_ALERT_RATES = { review: 0.003, deny: 0.0005 } as const;
export const DEFAULT_RETENTION_DAYS: Record<SignalKind, number> = {
  browse: 30,
  search: 30,
  login: 90,
  order: 180,
};

const ruleOverride = z
  .object({
    enabled: z.boolean().optional(),
    shadow: z.boolean().optional(),
    points: z.number().int().min(0).max(100).optional(),
  })
  .catchall(z.number());

const overridesSchema = z
  .object({
    thresholds: z
      .object({ review: z.number().int().min(1).max(100), deny: z.number().int().min(1).max(101) })
      .strict()
      .refine((t) => t.review <= t.deny, { message: 'review must not exceed deny' })
      .optional(),
    retentionDays: z
      .object(Object.fromEntries(SIGNAL_KINDS.map((k) => [k, z.number().min(1).max(400)])))
      .partial()
      .strict()
      .optional(),
    rules: z.record(z.string(), ruleOverride).optional(),
    clients: knownClientsSchema.optional(),
  })
  .strict();

/**
 * Merges overrides (from `--rules config.json` or the stack's configuration)
 * over the defaults. Unknown rule codes and unknown parameters are errors
 * that name the field, never silently ignored.
 *
 * @example
 * ```ts
 * const config = resolveConfig({ thresholds: { review: 50, deny: 90 }, rules: { NEW_DEVICE: { shadow: true } } });
 * config.rulesetVersion; // '2026.12.08.2+1a2b3c4d'
 * ```
 */
export function resolveConfig(input: unknown = {}): DetectionConfig {
  const parsed = overridesSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`rules config: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const overrides = parsed.data;
  // No prototype: a rule code such as "constructor" must not find Object.prototype's members.
  const rules: Record<string, RuleSettings> = Object.create(null);
  for (const rule of RULES) rules[rule.code] = { ...rule.defaults };
  for (const [code, override] of Object.entries(overrides.rules ?? {})) {
    const base = rules[code];
    if (!base)
      throw new Error(`rules config: rules.${code}: no such rule (known: ${Object.keys(rules).join(', ')})`);
    for (const [param, value] of Object.entries(override)) {
      if (!Object.hasOwn(base, param)) {
        throw new Error(
          `rules config: rules.${code}.${param}: no such parameter (known: ${Object.keys(base).join(', ')})`,
        );
      }
      if (typeof value !== typeof base[param]) {
        throw new Error(`rules config: rules.${code}.${param}: expected ${typeof base[param]}`);
      }
      base[param] = value;
    }
  }
  const hasOverrides = Object.keys(overrides).length > 0;
  for (const settings of Object.values(rules)) Object.freeze(settings);
  // Resolved once and never changed: the rules engine caches per configuration object.
  return Object.freeze({
    rulesetVersion: hasOverrides
      ? `${BASE_RULESET_VERSION}+${createHash('sha256').update(JSON.stringify(overrides)).digest('hex').slice(0, 8)}`
      : BASE_RULESET_VERSION,
    thresholds: { ...DEFAULT_THRESHOLDS, ...overrides.thresholds },
    retentionDays: { ...DEFAULT_RETENTION_DAYS, ...overrides.retentionDays } as Record<SignalKind, number>,
    rules: Object.freeze(rules),
    clients: compileKnownClients(overrides.clients),
  });
}

/** Reads and resolves a JSON rules config file. */
export function loadConfigFile(path: string): DetectionConfig {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`rules config ${path}: ${(err as Error).message}`);
  }
  return resolveConfig(json);
}
