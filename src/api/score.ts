import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { decide } from '../rules/decide.ts';
import { NO_PROFILES, profileFreeConfig } from '../rules/profile-free.ts';
import { readsShopWide } from '../rules/shop-wide.ts';
import type { DetectionConfig } from '../shared/config.ts';
import { parseEvent } from '../shared/contract/events.ts';
import { toFacts } from '../shared/enrich.ts';
import { logger, metrics } from '../shared/observability.ts';
import { profileKeysOf } from '../shared/profile/observe.ts';
import type { ProfileStore } from '../shared/profile/store.ts';
import type { Pseudonymiser } from '../shared/pseudonymise.ts';
import { ApiError } from './errors.ts';
import type { ScoreResponse } from './schemas.ts';

/** The time budget of a score request when none is configured, ms. */
export const DEFAULT_SCORE_BUDGET_MS = 150;

/**
 * What a degraded answer decides. `open`: the decision of the rules that need no profile
 * (the checkout goes on unless those rules alone say review or deny). `closed`: deny.
 */
export type FailPolicy = 'open' | 'closed';

export interface ScoreDeps {
  /** Only `load` is ever called: the score endpoint never writes. */
  store: Pick<ProfileStore, 'load'>;
  pseudonymiser: Pseudonymiser;
  config: DetectionConfig;
  /** From the request's arrival to the answer, ms. */
  budgetMs: number;
  failPolicy: FailPolicy;
  /** The processing clock, epoch ms (the contract's bound on `occurredAt`). Default `Date.now`. */
  now?: () => number;
}

const TIMED_OUT = Symbol('timed out');
/** Kept from the budget for what follows the profile read (rules, decision, answer): well under a millisecond here. */
const ANSWER_RESERVE_MS = 5;

/**
 * `POST /v1/score`: the decision for one order event, from the same pipeline as the stream
 * (contract parse, pseudonymise, the profiles it touches, the rules) without writing
 * anything. The profiles are read within what is left of the time budget; when the store
 * fails or has not answered by then, the answer is degraded: the rules that need no profile
 * (`PROFILE_FREE_RULES` in src/rules/profile-free.ts), `degraded: true`, and the fail policy applied. A store
 * failure is never an error for the caller.
 *
 * @param startedAt `performance.now()` when the request arrived (the budget counts from there)
 * @throws ApiError 400 naming the field when the body is not an order event of contract v1
 *
 * @example
 * ```ts
 * const answer = await scoreOrder(body, { store, pseudonymiser, config, budgetMs: 150, failPolicy: 'open' });
 * answer.decision; // 'allow'
 * ```
 */
export async function scoreOrder(
  body: unknown,
  deps: ScoreDeps,
  startedAt: number = performance.now(),
): Promise<ScoreResponse> {
  const type = (body as { type?: unknown } | null)?.type;
  if (type !== undefined && type !== 'order') {
    throw new ApiError(
      400,
      'INVALID_REQUEST',
      'type: expected order (the score endpoint takes order events)',
      'type',
    );
  }
  const parsed = parseEvent(body, (deps.now ?? Date.now)());
  if (!parsed.ok) throw new ApiError(400, 'INVALID_REQUEST', parsed.error, parsed.field);

  const facts = toFacts(parsed.event, parsed.occurredAtMs, deps.pseudonymiser);
  const snapshot = await withinBudget(
    deps.store.load(profileKeysOf(facts), facts.at, { shopWide: readsShopWide(facts.type) }),
    deps.budgetMs - ANSWER_RESERVE_MS - (performance.now() - startedAt),
  );
  if (snapshot !== TIMED_OUT && !(snapshot instanceof Error)) {
    const { eventId, score, decision, reasons, rulesetVersion } = decide(facts, snapshot, deps.config);
    return { eventId, score, decision, reasons, rulesetVersion };
  }

  metrics.addMetric('ScoreDegraded', MetricUnit.Count, 1);
  logger.warn('score degraded', {
    eventId: facts.eventId,
    cause: snapshot === TIMED_OUT ? 'timeout' : snapshot.name,
    failPolicy: deps.failPolicy,
  });
  const { eventId, score, decision, reasons, rulesetVersion } = decide(
    facts,
    NO_PROFILES,
    profileFreeConfig(deps.config),
  );
  return {
    eventId,
    score,
    decision: deps.failPolicy === 'closed' ? 'deny' : decision,
    reasons,
    rulesetVersion,
    degraded: true,
    failPolicy: deps.failPolicy,
  };
}

/** The promise's value, its error, or TIMED_OUT after `ms` (a late failure is swallowed: nobody waits for it). */
function withinBudget<T>(promise: Promise<T>, ms: number): Promise<T | Error | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, ms), TIMED_OUT);
  });
  const settled = promise.then(
    (value) => value,
    (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
  );
  return Promise.race([settled, timeout]).finally(() => clearTimeout(timer));
}
