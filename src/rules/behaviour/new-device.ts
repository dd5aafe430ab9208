import { defineRule } from '../rule.ts';
import { distinct } from '../window.ts';

/** A customer with an established set of devices logging in or ordering from one it never used. */
export const newDevice = defineRule({
  code: 'NEW_DEVICE',
  description: 'First login or order of this customer from this device',
  appliesTo: ['login', 'order'],
  group: 'unfamiliar-login',
  defaults: { enabled: true, shadow: false, points: 10, minHistory: 3 },
  evaluate: (event, view, s) => {
    if (!event.subject || !event.device) return undefined;
    // Failed logins do not make a device known: they may be the attacker's own attempts.
    const withDevice = view
      .observations('subject', event.subject)
      .filter((o) => o.device && o.outcome !== 'failure' && o.at <= event.at);
    if (withDevice.length < s.minHistory) return undefined;
    const known = distinct(withDevice, (o) => o.device);
    if (known.has(event.device)) return undefined;
    return {
      message: `first ${event.type} of this customer from this device`,
      evidence: { knownDevices: known.size },
    };
  },
});
