import { describe, expect, it } from 'vitest';
import { agentFamily, burstTally, slotTally, waveCounts } from '../../src/shared/login-waves.ts';
import { aGlobalBucket } from '../factories/facts.ts';

const HOUR = Date.parse('2026-11-24T08:00:00Z');

describe('agentFamily', () => {
  it.each([
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      'chrome 131',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86',
      'edge 131',
    ],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:136.0) Gecko/20100101 Firefox/136.0', 'firefox 136'],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
      'safari 18',
    ],
    ['okhttp/4.12.0', 'okhttp 4'],
    ['something else entirely', 'other'],
  ])('names %s as %s', (userAgent, family) => {
    // Act
    const found = agentFamily(userAgent);

    // Assess
    expect(found).toBe(family);
  });
});

describe('waveCounts and burstTally', () => {
  it('counts a login in its ten-second slot of the hour and sums the slots of a window', () => {
    // Prepare
    const waves: Record<string, number> = {};
    for (const at of [HOUR + 1_000, HOUR + 9_000, HOUR + 11_000, HOUR + 25_000]) {
      for (const name of waveCounts({ outcome: 'failure', unknownUser: true }, at)) {
        waves[name] = (waves[name] ?? 0) + 1;
      }
    }
    const bucket = aGlobalBucket({ start: HOUR, waves });

    // Act
    const firstTwenty = burstTally([bucket], HOUR, HOUR + 20_000 - 1);

    // Assess
    expect(firstTwenty).toEqual({ logins: 3, failures: 3, unknownUser: 3 });
  });
});

describe('waveCounts and slotTally', () => {
  it('counts a login in its five-minute slot and sums the slots of a window', () => {
    // Prepare
    const waves: Record<string, number> = {};
    const add = (at: number, unknownUser: boolean) => {
      for (const name of waveCounts({ outcome: unknownUser ? 'failure' : 'success', unknownUser }, at)) {
        waves[name] = (waves[name] ?? 0) + 1;
      }
    };
    add(HOUR + 1_000, true);
    add(HOUR + 6 * 60_000, false);
    add(HOUR + 50 * 60_000, true);
    const bucket = aGlobalBucket({ start: HOUR, waves });

    // Act
    const firstTen = slotTally([bucket], HOUR, HOUR + 10 * 60_000 - 1);

    // Assess
    expect(firstTen).toEqual({ logins: 2, failures: 1, unknownUser: 1 });
  });
});
