import { describe, expect, it, vi } from 'vitest';
import { loadPseudonymKey, parseKeySecret } from '../../src/shared/secrets.ts';

/** 64 letters and digits: the shape the CDK stack's generated secret has (valid base64 for 48 bytes). */
const SECRET = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEfGhIjKlMnOpQrStUvWxYz01';
const ARN = 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:vigil/dev/pseudonym-key-AbCdEf';

describe('parseKeySecret', () => {
  it('turns {"version","secret"} into the key <version>:<secret>', () => {
    // Prepare
    const value = JSON.stringify({ version: 'v2', secret: SECRET });

    // Act
    const key = parseKeySecret(value);

    // Assess
    expect(key.version).toBe('v2');
    expect(key.secret).toEqual(Buffer.from(SECRET, 'base64'));
    expect(key.secret.length).toBe(48);
  });

  it.each([
    ['not JSON', `{"version":"v1","secret":"${SECRET}"`, /not JSON/],
    ['no version', JSON.stringify({ secret: SECRET }), /both strings/],
    ['a number as secret', JSON.stringify({ version: 'v1', secret: 42 }), /both strings/],
    ['JSON null', 'null', /both strings/],
    ['a bad version label', JSON.stringify({ version: 'one', secret: SECRET }), /expected "v<N>:<base64>"/],
  ])('rejects %s without quoting the value', (_case, value, message) => {
    // Prepare
    const act = () => parseKeySecret(value);

    // Act
    let error: Error | undefined;
    try {
      act();
    } catch (err) {
      error = err as Error;
    }

    // Assess
    expect(error?.message).toMatch(message);
    expect(error?.message).toMatch(/^pseudonym key secret: /);
    expect(error?.message).not.toContain(SECRET.slice(0, 12));
  });
});

describe('loadPseudonymKey', () => {
  it('reads the secret named by VIGIL_PSEUDONYM_SECRET_ARN, ignoring VIGIL_PSEUDONYM_KEY', async () => {
    // Prepare
    const fetchSecret = vi.fn(async () => JSON.stringify({ version: 'v1', secret: SECRET }));
    const env = { VIGIL_PSEUDONYM_SECRET_ARN: ARN, VIGIL_PSEUDONYM_KEY: `v9:${SECRET}` };

    // Act
    const key = await loadPseudonymKey(env, fetchSecret);

    // Assess
    expect(fetchSecret).toHaveBeenCalledExactlyOnceWith(ARN);
    expect(key.version).toBe('v1');
    expect(key.secret).toEqual(Buffer.from(SECRET, 'base64'));
  });

  it('falls back to VIGIL_PSEUDONYM_KEY without touching Secrets Manager (the local stack)', async () => {
    // Prepare
    const fetchSecret = vi.fn(async () => undefined);
    const env = { VIGIL_PSEUDONYM_KEY: `v3:${SECRET}` };

    // Act
    const key = await loadPseudonymKey(env, fetchSecret);

    // Assess
    expect(fetchSecret).not.toHaveBeenCalled();
    expect(key.version).toBe('v3');
  });

  it('names the secret when it is empty or missing', async () => {
    // Prepare
    const fetchSecret = async () => undefined;

    // Act
    const load = loadPseudonymKey({ VIGIL_PSEUDONYM_SECRET_ARN: ARN }, fetchSecret);

    // Assess
    await expect(load).rejects.toThrow(`pseudonym key secret ${ARN}: empty or missing`);
  });

  it('names both variables when neither is set', async () => {
    // Prepare
    const env = {};

    // Act
    const load = loadPseudonymKey(env, async () => undefined);

    // Assess
    await expect(load).rejects.toThrow(
      /set VIGIL_PSEUDONYM_SECRET_ARN \(AWS\) or VIGIL_PSEUDONYM_KEY \(local\)/,
    );
  });
});
