import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DetectionConfig } from '../rules/config.ts';
import { Detector, type ProfileReader, type ReadOnlyDetector } from '../pipeline/detector.ts';
import { logger, metrics } from '../shared/observability.ts';
import type { Pseudonymiser } from '../shared/pseudonymise.ts';
import type { EntityListReader } from '../shared/ports/entity-lists.ts';
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
  store: ProfileReader;
  pseudonymiser: Pseudonymiser;
  config: DetectionConfig;
  /** The analysts' allow and deny entries, read with the profiles within the budget. Default: none. */
  lists?: EntityListReader;
  /** From the request's arrival to the answer, ms. */
  budgetMs: number;
  failPolicy: FailPolicy;
  /** The processing clock, epoch ms (the contract's bound on `occurredAt`). Default `Date.now`. */
  now?: () => number;
}

/** Kept from the budget for what follows the profile read (rules, decision, answer): well under a millisecond here. */
const ANSWER_RESERVE_MS = 5;

/** The profile read has not answered within the request's budget. */
class BudgetExceeded extends Error {
  override name = 'BudgetExceeded';
}

/** One read-only detector per set of deps (the function instance's), not one per request. */
const detectors = new WeakMap<ScoreDeps, ReadOnlyDetector>();

/**
 * `POST /v1/score`: the decision for one order event, from the detection path of the stream
 * ({@link Detector.readOnly}: contract parse, pseudonymise, the profiles it touches, the
 * customer's objection or restriction, the rules) without writing anything. The profiles are
 * read within what is left of the time budget; when the store fails or has not answered by then,
 * the answer is degraded: the rules that need no profile (`PROFILE_FREE_RULES` in
 * src/rules/profile-free.ts), `degraded: true`, and the fail policy applied. A store failure is
 * never an error for the caller.
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
  let detector = detectors.get(deps);
  if (!detector) detectors.set(deps, (detector = Detector.readOnly(deps)));
  const assessed = await detector.assess(body, {
    read: (reading) =>
      withinBudget(reading, deps.budgetMs - ANSWER_RESERVE_MS - (performance.now() - startedAt)),
  });
  if (assessed.kind === 'invalid') {
    throw new ApiError(400, 'INVALID_REQUEST', assessed.error, assessed.field);
  }
  const { eventId, score, decision, reasons, rulesetVersion } = assessed.decision;
  if (!assessed.unread) return { eventId, score, decision, reasons, rulesetVersion };

  metrics.addMetric('ScoreDegraded', MetricUnit.Count, 1);
  logger.warn('score degraded', {
    eventId,
    cause: assessed.unread instanceof BudgetExceeded ? 'timeout' : assessed.unread.name,
    failPolicy: deps.failPolicy,
  });
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

/** The promise, or a BudgetExceeded rejection after `ms` (a late failure is swallowed: nobody waits for it). */
function withinBudget<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new BudgetExceeded(`no answer within ${Math.round(ms)} ms`)),
      Math.max(0, ms),
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
