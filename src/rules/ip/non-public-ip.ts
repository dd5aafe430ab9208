import { defineRule } from '../rule.ts';

/**
 * The edge should only ever see public client addresses. A private, loopback
 * or reserved one means a misconfigured proxy chain or a spoofed header
 * (RFC 6890 lists the special-purpose ranges).
 */
export const nonPublicIp = defineRule({
  code: 'NON_PUBLIC_IP',
  description: 'The client address is private, loopback, link-local or reserved',
  appliesTo: ['login', 'browse', 'order'],
  defaults: { enabled: true, shadow: false, points: 10 },
  evaluate: (event) =>
    event.ip.range !== 'public' && {
      message: `client address is ${event.ip.range}, not a public address`,
      evidence: { range: event.ip.range },
    },
});
