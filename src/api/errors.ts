import type { APIGatewayProxyResult } from 'aws-lambda';

/** The stable error codes of every route; clients branch on these, never on the message. */
export const ERROR_CODES = [
  'UNAUTHORIZED',
  'FORBIDDEN',
  'INVALID_REQUEST',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'ALREADY_DISPOSED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
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

/**
 * The largest body any route takes, bytes. The routes take events and dispositions of a few kB;
 * API Gateway would pass up to 10 MB and Lambda up to 6 MB
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html).
 */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The answer to a body over {@link MAX_BODY_BYTES}. */
export const bodyTooLarge = (): ApiError =>
  new ApiError(413, 'PAYLOAD_TOO_LARGE', '(body): larger than 1 MiB', '(body)');

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
 * A name an error may repeat: the schemas' own field names, array indices, and an unknown
 * field's or parameter's name when it looks like one. Any other name came from the caller
 * and may be anything (personal data, markup, a megabyte): it is withheld.
 */
const SAFE_NAME = /^(?:[A-Za-z_$][A-Za-z0-9_$-]{0,63}|\d{1,9})$/;
const fieldName = (name: string): string => (SAFE_NAME.test(name) ? name : '(unnamed)');

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
  const field = path.map(fieldName).join('.') || '(body)';
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
