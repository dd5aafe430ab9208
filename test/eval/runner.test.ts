import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/rules/config.ts';
import { runDetector } from '../../src/eval/runner.ts';
import { aBrowse, aLogin } from '../factories/events.ts';

describe('runDetector', () => {
  it('answers each event by its id through the real detector, and reports the rejected ones', async () => {
    // Prepare
    const login = aLogin();
    const browse = aBrowse();
    let ticks = 0;

    // Act
    const { results, rejected } = await runDetector(
      [login, JSON.stringify(browse), { schemaVersion: 2, eventId: 'x' }],
      resolveConfig(),
      () => ticks++,
    );

    // Assess
    expect([...results.keys()]).toEqual([login.eventId, browse.eventId]);
    expect(results.get(login.eventId)).toMatchObject({ flagged: false, decision: 'allow' });
    expect(rejected).toEqual([expect.stringMatching(/^schemaVersion/)]);
    expect(ticks).toBe(3);
  });

  it('flags what the rules flag', async () => {
    // Prepare: a bot user agent on every request is what BOT_USER_AGENT reads.
    const events = [aBrowse({ userAgent: 'python-requests/2.32.3' })];

    // Act
    const { results } = await runDetector(events, resolveConfig());

    // Assess
    const [scored] = [...results.values()];
    expect(scored!.reasons.map((r) => r.code)).toContain('BOT_USER_AGENT');
  });
});
