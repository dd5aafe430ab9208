import { describe, expect, it } from 'vitest';
import { CursorSigner, type CursorScope } from '../../src/api/cursors.ts';
import { ApiError } from '../../src/api/errors.ts';
import { testKey } from '../factories/pipeline.ts';

const scope: CursorScope = { listing: 'alerts', filter: { status: 'open', minScore: 80 } };

/** The error `open` throws, or undefined when it accepts. */
function refusal(signer: CursorSigner, at: CursorScope, cursor: string): ApiError | undefined {
  try {
    signer.open(at, cursor);
    return undefined;
  } catch (err) {
    return err as ApiError;
  }
}

describe('CursorSigner', () => {
  it('opens what it signed for the same scope, whatever the order of the filter and its absent parameters', () => {
    // Prepare
    const signer = new CursorSigner(testKey());
    const cursor = signer.sign(scope, 'position-1');

    // Act
    const opened = signer.open(
      { listing: 'alerts', filter: { minScore: 80, to: undefined, status: 'open' } },
      cursor,
    );

    // Assess
    expect(opened).toBe('position-1');
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['another filter', (c: string) => [{ ...scope, filter: { status: 'open', minScore: 10 } }, c] as const],
    ['another listing', (c: string) => [{ ...scope, listing: 'audit' }, c] as const],
    ['an altered position', (c: string) => [scope, `${c.slice(0, -2)}AA`] as const],
    ['a cut-short cursor', (c: string) => [scope, c.slice(0, 20)] as const],
    ['an empty cursor', () => [scope, ''] as const],
  ] as const)('refuses %s with a 400 naming the cursor', (_, variant) => {
    // Prepare
    const signer = new CursorSigner(testKey());
    const [at, cursor] = variant(signer.sign(scope, 'position-1'));

    // Act
    const error = refusal(signer, at as CursorScope, cursor);

    // Assess
    expect(error).toBeInstanceOf(ApiError);
    expect(error?.body.error).toMatchObject({ code: 'INVALID_REQUEST', field: 'cursor' });
  });

  it('refuses a cursor signed under another key (after a rotation)', () => {
    // Prepare
    const before = new CursorSigner(testKey({ version: 'v1', secret: Buffer.alloc(32, 1) }));
    const after = new CursorSigner(testKey({ version: 'v2', secret: Buffer.alloc(32, 2) }));

    // Act
    const error = refusal(after, scope, before.sign(scope, 'position-1'));

    // Assess
    expect(error?.status).toBe(400);
  });
});
