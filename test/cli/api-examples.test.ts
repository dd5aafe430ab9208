import { describe, expect, it } from 'vitest';
import { ROLES } from '../../src/shared/roles.ts';
import { apiExamples } from '../../src/cli/api-examples.ts';
import { ROUTES } from '../../src/api/routes.ts';
import { parseEvent } from '../../src/shared/contract/events.ts';

describe('apiExamples', () => {
  it('prints the console with one-click links (token in the fragment), every token and a curl line per route, the score one with a valid order', () => {
    // Prepare
    const tokens = {
      'order-flow': 'tok-of',
      analyst: 'tok-an',
      'privacy-service': 'tok-ps',
      admin: 'tok-ad',
    };

    // Act
    const text = apiExamples({ apiUrl: 'http://127.0.0.1:1234', tokens });

    // Assess
    for (const role of ROLES) expect(text).toContain(`${role.padEnd(16)}${tokens[role]}`);
    const curls = text.split('\n').filter((line) => line.startsWith('curl '));
    for (const route of Object.values(ROUTES)) {
      const path = route.path
        .replace('{id}', 'ALERT_ID')
        .replace('{requestId}', 'REQUEST_ID')
        .replace('{customerId}', 'C1000231')
        .replace('{entryId}', 'ENTRY_ID');
      const method =
        route.method === 'DELETE' || (route.method === 'POST' && !('body' in route))
          ? `-X ${route.method} `
          : '';
      expect(curls.some((line) => line.includes(`${method}http://127.0.0.1:1234${path}`))).toBe(true);
    }
    expect(text).toContain('Analyst console: http://127.0.0.1:1234/console/');
    expect(text).toContain('http://127.0.0.1:1234/console/#token=tok-an');
    expect(text).not.toMatch(/\?token=/);
    const score = curls.find((line) => line.includes('/v1/score'))!;
    expect(score).toContain('Bearer tok-of');
    const body = JSON.parse(/-d '([^']+)'/.exec(score)![1]!) as unknown;
    expect(parseEvent(body, Date.now())).toMatchObject({ ok: true, event: { type: 'order' } });
  });
});
