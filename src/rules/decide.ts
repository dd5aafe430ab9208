import type { EventType } from '../shared/contract/events.ts';
import type { DetectionConfig } from './config.ts';
import type { EventFacts } from '../shared/facts.ts';
import type { ProfileSnapshot } from '../shared/profile.ts';
import { RULES } from './index.ts';
import type { Decision, Reason } from '../shared/decision.ts';
import { type EvidenceGroup, ProfileView, type Rule, type RuleSettings } from './rule.ts';

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
 * points into a decision. Points are log-odds (10 per nat), so the score is their
 * sum, bounded to 0–100: additive points keep every score explainable line by line.
 * Evidence counts once: of the rules of one group (`Rule.group`), only the strongest
 * firing adds its points, the others are reported `within` it with none.
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
  // Most events fire no grouped rule: the map is made for the first that does.
  let groups: Map<EvidenceGroup, Reason[]> | undefined;
  for (const [rule, settings] of activeRules(config)[event.type]) {
    const finding = rule.evaluate(event, view, settings);
    if (!finding) continue;
    const reason: Reason = {
      code: rule.code,
      points: finding.points ?? settings.points,
      message: finding.message,
      evidence: finding.evidence,
    };
    reasons.push(reason);
    if (settings.shadow) {
      reason.points = 0;
      reason.shadow = true;
    } else if (rule.group) {
      groups ??= new Map();
      (groups.get(rule.group) ?? groups.set(rule.group, []).get(rule.group)!).push(reason);
    }
  }
  if (groups) for (const members of groups.values()) countOnce(members);
  const total = reasons.reduce((sum, r) => sum + r.points, 0);
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

/** Of reasons reading the same evidence, the strongest (the first of equals) keeps its points. */
function countOnce(members: readonly Reason[]): void {
  if (members.length < 2) return;
  const strongest = members.reduce((a, b) => (b.points > a.points ? b : a));
  for (const reason of members) {
    if (reason === strongest) continue;
    reason.points = 0;
    reason.within = strongest.code;
  }
}
