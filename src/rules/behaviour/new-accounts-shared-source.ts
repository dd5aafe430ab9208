import { defineRule, firstFinding, minutes, SOURCE_NAMES, type Source } from '../rule.ts';
import { distinct, recentOf } from '../window.ts';

/**
 * Several freshly created accounts ordering from the same address, network or
 * device: an account farm (promotion abuse, reshipping mules).
 */
export const newAccountsSharedSource = defineRule({
  code: 'NEW_ACCOUNTS_SHARED_SOURCE',
  description: 'Several new accounts order from one address, network or device',
  appliesTo: ['order'],
  group: 'shared-source',
  defaults: {
    enabled: true,
    shadow: false,
    points: 35,
    windowMinutes: 1440,
    minAccounts: 2,
    newAccountDays: 7,
  },
  evaluate: (event, view, s) => {
    const age = event.order?.accountAgeDays;
    if (!event.subject || age === undefined || age > s.newAccountDays) return undefined;
    const subject = event.subject;
    const sources: Source[] = [
      ['device', event.device],
      ['ip', event.ip.id],
      ['network', event.ip.network],
    ];
    return firstFinding(sources, (kind, id) => {
      const recent = recentOf(view.observations(kind, id), 'order', event.at, minutes(s.windowMinutes));
      const accounts = distinct(
        recent.filter((o) => o.accountAgeDays !== undefined && o.accountAgeDays <= s.newAccountDays),
        (o) => o.subject,
      ).add(subject);
      if (accounts.size < s.minAccounts) return undefined;
      return {
        message: `${accounts.size} new accounts ordered from this ${SOURCE_NAMES[kind]} within ${s.windowMinutes / 60} h`,
        evidence: { source: kind, accounts: accounts.size, windowMinutes: s.windowMinutes },
      };
    });
  },
});
