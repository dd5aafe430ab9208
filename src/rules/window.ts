import type { Observation, SignalKind } from '../shared/profile.ts';

/**
 * Observations of one kind within `[at - windowMs, at]`, newest first, not
 * counting the event being scored itself. Profiles are sorted oldest first, so
 * the walk starts at the end and stops at the first one outside the window.
 *
 * @example
 * ```ts
 * const recent = recentOf(view.observations('ip', event.ip.id), 'login', event.at, minutes(10));
 * ```
 */
export function recentOf(
  observations: readonly Observation[],
  kind: SignalKind | undefined,
  at: number,
  windowMs: number,
): Observation[] {
  const from = at - windowMs;
  const out: Observation[] = [];
  for (let i = observations.length - 1; i >= 0; i--) {
    const o = observations[i]!;
    if (o.at > at) continue;
    if (o.at < from) break;
    if (kind === undefined || o.kind === kind) out.push(o);
  }
  return out;
}

/** The number of distinct defined values of `pick` over `observations`. */
export function distinct<T>(
  observations: readonly Observation[],
  pick: (o: Observation) => T | undefined,
): Set<T> {
  const seen = new Set<T>();
  for (const o of observations) {
    const v = pick(o);
    if (v !== undefined) seen.add(v);
  }
  return seen;
}

/** Failed logins among `observations`. */
export const failures = (observations: readonly Observation[]): Observation[] =>
  observations.filter((o) => o.kind === 'login' && o.outcome === 'failure');
