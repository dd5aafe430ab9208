import { describe, expect, it } from 'vitest';
import { age, codeInWords, keyInWords, valueInWords } from '../../src/console/words.ts';

describe('the console in words', () => {
  it.each([
    ['CREDENTIAL_STUFFING', 'Credential stuffing'],
    ['NEW_DEVICE', 'New device'],
  ])('writes the reason code %s as %s', (code, words) => {
    // Act + Assess
    expect(codeInWords(code)).toBe(words);
  });

  it.each([
    ['failedLogins', 'failed logins'],
    ['distinct_accounts', 'distinct accounts'],
    ['accuracyKm', 'accuracy km'],
  ])('writes the evidence key %s as %s', (key, words) => {
    // Act + Assess
    expect(keyInWords(key)).toBe(words);
  });

  it('shows yes and no, numbers as they are (an ASN is no quantity), and other text unchanged', () => {
    // Act + Assess
    expect([valueInWords(true), valueInWords(false), valueInWords(14061), valueInWords('userAgent')]).toEqual(
      ['yes', 'no', '14061', 'userAgent'],
    );
  });

  it.each([
    [30_000, '30 s'],
    [5 * 60_000, '5 min'],
    [3 * 3_600_000, '3 h'],
    [2 * 86_400_000, '2 d'],
  ])('tells an age of %i ms as %s', (ms, text) => {
    // Prepare
    const now = Date.parse('2026-12-07T12:00:00Z');

    // Act + Assess
    expect(age(new Date(now - ms).toISOString(), now)).toBe(text);
  });
});
