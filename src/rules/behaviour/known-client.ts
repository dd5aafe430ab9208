import { defineRule } from '../rule.ts';

/**
 * Says which allow-list a client is on (the shop's own app, or a crawler verified by its
 * published ranges), so that a decision shows why the bot rules left it alone. Worth no points
 * by default: being on a list is not evidence of fraud, and allow-listing lowers nothing else.
 */
export const knownClient = defineRule({
  code: 'KNOWN_CLIENT',
  description: "An allow-listed client: the shop's own app, or a crawler from its published ranges",
  appliesTo: ['login', 'browse', 'order'],
  defaults: { enabled: true, shadow: false, points: 0 },
  evaluate: (event) =>
    event.knownClient !== undefined && {
      message: `allow-listed client (${event.knownClient.list}: ${event.knownClient.name})`,
      evidence: { list: event.knownClient.list, entry: event.knownClient.name },
    },
});
