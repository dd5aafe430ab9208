import type { APIGatewayProxyResult } from 'aws-lambda';

/** The stable error codes of every route; clients branch on these, never on the message. */
export const ERROR_CODES = [
  'UNAUTHORIZED',
  'FORBIDDEN',
  'INVALID_REQUEST',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'ALREADY_DISPOSED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The body of every error answer: `{"error": {"code": "INVALID_REQUEST", "message": "minScore: …", "field": "minScore"}}`. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; field?: string };
}

/**
 * An error with its HTTP status and stable code; the routes' middleware turns it into the JSON answer.
 *
 * @example
 * ```ts
 * throw new ApiError(404, 'NOT_FOUND', 'id: no alert with this id', 'id');
 * ```
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get body(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.field === undefined ? {} : { field: this.field }),
      },
    };
  }
}

/** A validation issue as Standard Schema (and so zod and Powertools Parser) reports it. */
export interface Issue {
  readonly message: string;
  readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined;
  /** zod's `unrecognized_keys` issue: the fields that are not part of the schema. */
  readonly keys?: readonly string[];
}

/** Where request values sit in an API Gateway proxy event, left out of the field names callers see. */
const EVENT_PARTS = new Set(['body', 'queryStringParameters', 'pathParameters']);

/**
 * The first problem of a failed request parse as a 400 naming the field (`minScore: expected
 * integer 0–100`); `(+N more)` when there were others. Values are never quoted.
 *
 * @example
 * ```ts
 * const parsed = schema.safeParse(event);
 * if (!parsed.success) throw invalidRequest(parsed.error.issues);
 * ```
 */
export function invalidRequest(issues: readonly Issue[]): ApiError {
  const issue = issues[0];
  if (!issue) return new ApiError(400, 'INVALID_REQUEST', '(request): invalid request');
  const path = (issue.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p));
  const part = EVENT_PARTS.has(path[0] ?? '') ? path.shift() : undefined;
  const unknown = issue.keys?.[0];
  if (unknown !== undefined) path.push(unknown);
  const field = path.join('.') || '(body)';
  const problem =
    unknown === undefined ? issue.message : part === 'body' ? 'unknown field' : 'unknown parameter';
  const more = issues.length > 1 ? ` (+${issues.length - 1} more)` : '';
  return new ApiError(400, 'INVALID_REQUEST', `${field}: ${problem}${more}`, field);
}

/**
 * A JSON answer with the headers every route sends.
 *
 * @example
 * ```ts
 * return json(200, { ok: true });
 * ```
 */
export function json(statusCode: number, body: unknown): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}
