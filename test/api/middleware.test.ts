import './quiet.ts';
import { ParseError } from '@aws-lambda-powertools/parser';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/api/errors.ts';
import { toErrorResponse } from '../../src/api/middleware.ts';
import {
  AlertNotFoundError,
  AlreadyDisposedError,
  InvalidCursorError,
} from '../../src/shared/ports/alerts.ts';
import { InvalidAuditCursorError } from '../../src/shared/ports/audit.ts';

const bodyOf = (err: unknown): unknown => JSON.parse(toErrorResponse(err).body);

describe('toErrorResponse', () => {
  it.each([
    [
      'an ApiError',
      new ApiError(403, 'FORBIDDEN', 'role analyst may not call GET /v1/audit'),
      403,
      'FORBIDDEN',
      undefined,
    ],
    [
      'a parse error',
      new ParseError('invalid', {
        cause: [{ message: 'expected a number', path: ['queryStringParameters', 'minScore'] }],
      }),
      400,
      'INVALID_REQUEST',
      'minScore',
    ],
    ['a missing alert', new AlertNotFoundError('ev-1'), 404, 'NOT_FOUND', 'id'],
    ['an alert disposed of already', new AlreadyDisposedError(undefined), 409, 'ALREADY_DISPOSED', 'id'],
    ['a foreign alerts cursor', new InvalidCursorError(), 400, 'INVALID_REQUEST', 'cursor'],
    ['a foreign audit cursor', new InvalidAuditCursorError(), 400, 'INVALID_REQUEST', 'cursor'],
  ])('answers %s with its status, code and field', (_, err, status, code, field) => {
    // Act
    const response = toErrorResponse(err);

    // Assess
    expect(response.statusCode).toBe(status);
    expect(bodyOf(err)).toEqual({
      error: { code, message: expect.any(String), ...(field ? { field } : {}) },
    });
  });

  it('answers any other error 500 without its message', () => {
    // Prepare
    const err = new Error('connect ECONNREFUSED 127.0.0.1:4567');

    // Act
    const response = toErrorResponse(err);

    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('ECONNREFUSED');
    expect(bodyOf(err)).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
  });
});
