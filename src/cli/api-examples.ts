import { type LocalStack, LOCAL_STACK_FILE } from '../local/stack.ts';

/**
 * The APIs of the local gateway: each role's token (new on every start) and a `curl` line per
 * route, ready to paste (the score example is an order from a minute ago).
 *
 * @example
 * ```ts
 * process.stdout.write(apiExamples(stack));
 * ```
 */
export function apiExamples(stack: Pick<LocalStack, 'apiUrl' | 'tokens'>): string {
  const order = {
    schemaVersion: 1,
    eventId: `try-${Date.now()}`,
    type: 'order',
    occurredAt: new Date(Date.now() - 60_000).toISOString(),
    ip: '145.53.12.7',
    customerId: 'C1000231',
    order: {
      orderId: 'O-1',
      amountMinor: 49_950,
      currency: 'EUR',
      itemCount: 1,
      paymentMethod: 'card',
      billingCountry: 'DE',
      shippingCountry: 'NL',
    },
  };
  const curl = (role: keyof LocalStack['tokens'], rest: string) =>
    `curl -s -H 'Authorization: Bearer ${stack.tokens[role]}' ${rest}`;
  const json = "-H 'content-type: application/json'";
  const lines = [
    '',
    ...consoleLinks(stack),
    '',
    `APIs on ${stack.apiUrl} (bearer tokens, new on every start, also in ${LOCAL_STACK_FILE}):`,
    ...Object.entries(stack.tokens).map(([role, token]) => `  ${role.padEnd(16)}${token}`),
    '',
    '# score an order (order-flow)',
    curl('order-flow', `${json} -d '${JSON.stringify(order)}' ${stack.apiUrl}/v1/score`),
    '# open alerts, newest first (analyst; filters: status, decision, eventType, reason, minScore, entity, from, to)',
    curl('analyst', `'${stack.apiUrl}/v1/alerts?status=open&limit=5'`),
    '# one alert with its subject timeline, then its disposition (analyst)',
    curl('analyst', `${stack.apiUrl}/v1/alerts/ALERT_ID`),
    curl(
      'analyst',
      `${json} -d '{"verdict":"fraud","note":"confirmed"}' ${stack.apiUrl}/v1/alerts/ALERT_ID/disposition`,
    ),
    '# deny an entity for a week (raw value or pseudonym), the entries, an early removal (analyst, admin)',
    curl(
      'analyst',
      `${json} -d '{"list":"deny","kind":"ip","value":"203.0.113.9","reason":"stuffing wave","expiresAt":"${new Date(Date.now() + 7 * 86_400_000).toISOString()}"}' ${stack.apiUrl}/v1/lists/entries`,
    ),
    curl('analyst', `'${stack.apiUrl}/v1/lists/entries?list=deny'`),
    curl('analyst', `-X DELETE ${stack.apiUrl}/v1/lists/entries/ENTRY_ID`),
    '# precision per rule (analyst)',
    curl('analyst', `${stack.apiUrl}/v1/rules/stats`),
    "# a customer's rights (privacy-service): objection (scope profiling or browse_search), then its receipt",
    curl(
      'privacy-service',
      `${json} -d '{"customerId":"C1000231","scope":"profiling"}' ${stack.apiUrl}/v1/subjects/objections`,
    ),
    curl('privacy-service', `${stack.apiUrl}/v1/privacy/requests/REQUEST_ID`),
    '# everything stored about a customer; restriction and its lifting; erasure (privacy-service)',
    curl('privacy-service', `${stack.apiUrl}/v1/subjects/C1000231/export`),
    curl('privacy-service', `-X POST ${stack.apiUrl}/v1/subjects/C1000231/restriction`),
    curl('privacy-service', `-X DELETE ${stack.apiUrl}/v1/subjects/C1000231/restriction`),
    curl('privacy-service', `-X DELETE ${stack.apiUrl}/v1/subjects/C1000231`),
    "# the audit trail of analysts' reads and dispositions and of rights requests (admin)",
    curl('admin', `${stack.apiUrl}/v1/audit`),
    '# the OpenAPI document, and the no-op route (any role)',
    curl('admin', `${stack.apiUrl}/openapi.json`),
    curl('admin', `${stack.apiUrl}/v1/health`),
    '',
  ];
  return lines.join('\n');
}

/**
 * The analyst console's address and one-click sign-in links: the token rides in the URL
 * fragment, which the browser keeps to itself (never in a request line, so in no server log).
 */
function consoleLinks(stack: Pick<LocalStack, 'apiUrl' | 'tokens'>): string[] {
  const link = (role: 'analyst' | 'admin' | 'privacy-service') =>
    `${stack.apiUrl}/console/#token=${encodeURIComponent(stack.tokens[role])}`;
  return [
    `Analyst console: ${stack.apiUrl}/console/ (sign in with a token below, or open a link)`,
    `  as an analyst          ${link('analyst')}`,
    `  as the admin (audit)   ${link('admin')}`,
    `  as privacy service     ${link('privacy-service')}`,
  ];
}
