import { defineRule, minutes } from '../rule.ts';
import { distinct, recentOf } from '../window.ts';

/** One device logged in to many customer accounts: an account farm or a fraudster's workstation. */
export const deviceManyAccounts = defineRule({
  code: 'DEVICE_MANY_ACCOUNTS',
  description: 'Many customer accounts used from one device',
  appliesTo: ['login', 'order'],
  group: 'shared-source',
  defaults: { enabled: true, shadow: false, points: 35, windowMinutes: 1440, minAccounts: 3 },
  evaluate: (event, view, s) => {
    if (!event.device || !event.subject) return undefined;
    const recent = recentOf(
      view.observations('device', event.device),
      undefined,
      event.at,
      minutes(s.windowMinutes),
    );
    const accounts = distinct(recent, (o) => o.subject).add(event.subject);
    if (accounts.size < s.minAccounts) return undefined;
    return {
      message: `${accounts.size} customer accounts used this device within ${s.windowMinutes / 60} h`,
      evidence: { accounts: accounts.size, windowMinutes: s.windowMinutes },
    };
  },
});
