import { describe, expect, it } from 'vitest';
import { challengeOf, newVerifier } from '../../src/console/pkce.ts';

describe('PKCE S256', () => {
  it('derives the challenge of RFC 7636 Appendix B from its verifier', async () => {
    // Prepare
    const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';

    // Act
    const challenge = await challengeOf(verifier);

    // Assess
    expect(challenge).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes verifiers of 43 unreserved characters, a new one each time', () => {
    // Act
    const verifiers = [newVerifier(), newVerifier()];

    // Assess
    for (const v of verifiers) expect(v).toMatch(/^[A-Za-z0-9._~-]{43}$/);
    expect(verifiers[0]).not.toBe(verifiers[1]);
  });
});
