import type { EventType } from '../shared/contract/events.ts';
import type { DetectionConfig } from './config.ts';
import type { EventFacts } from '../shared/facts.ts';
import type { ProfileSnapshot } from '../shared/profile.ts';
import { RULES } from './index.ts';
import type { Decision, Reason } from '../shared/decision.ts';
import { ProfileView, type Rule, type RuleSettings } from './rule.ts';

type ActiveRules = Record<EventType, [Rule<RuleSettings>, RuleSettings][]>;
const activeByConfig = new WeakMap<DetectionConfig, ActiveRules>();

/** The enabled rules per event type with their settings, worked out once per configuration. */
function activeRules(config: DetectionConfig): ActiveRules {
  let active = activeByConfig.get(config);
  if (!active) {
    active = { login: [], browse: [], order: [] };
    for (const rule of RULES) {
      const settings = config.rules[rule.code]!;
      if (settings.enabled) for (const type of rule.appliesTo) active[type].push([rule, settings]);
    }
    activeByConfig.set(config, active);
  }
  return active;
}

/**
 * Runs every enabled rule that applies to the event's type and combines their
 * points into a decision. The score is the sum of the points of the reasons,
 * capped at 100: additive points keep every score explainable line by line.
 * Shadow rules are evaluated and reported with `shadow: true` but add nothing.
 *
 * @example
 * ```ts
 * const decision = decide(facts, snapshot, resolveConfig());
 * decision.reasons.map((r) => r.code); // ['NEW_DEVICE', 'LOGIN_RISK']
 * ```
 */
export function decide(event: EventFacts, snapshot: ProfileSnapshot, config: DetectionConfig): Decision {
  const view = new ProfileView(snapshot, { at: event.at, eventId: event.eventId });
  const reasons: Reason[] = [];
  let total = 0;
  for (const [rule, settings] of activeRules(config)[event.type]) {
    const finding = rule.evaluate(event, view, settings);
    if (!finding) continue;
    const points = finding.points ?? settings.points;
    if (settings.shadow) {
      reasons.push({
        code: rule.code,
        points: 0,
        message: finding.message,
        evidence: finding.evidence,
        shadow: true,
      });
    } else {
      total += points;
      reasons.push({ code: rule.code, points, message: finding.message, evidence: finding.evidence });
    }
  }
  const score = Math.min(100, Math.max(0, Math.round(total)));
  const { review, deny } = config.thresholds;
  return {
    eventId: event.eventId,
    eventType: event.type,
    score,
    decision: score >= deny ? 'deny' : score >= review ? 'review' : 'allow',
    reasons,
    rulesetVersion: config.rulesetVersion,
  };
}
