import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import {
  AUDIT_RETENTION_DAYS,
  type AuditEntry,
  type AuditLog,
  type AuditPage,
  type AuditQuery,
  InvalidAuditCursorError,
} from '../ports/audit.ts';
import { TTL_ATTRIBUTE } from '../tables.ts';
import { type Item, withoutKeys } from './items.ts';

const DAY_MS = 86_400_000;

/** Query requests per page at most: a page over many empty days ends early, with a cursor. */
export const MAX_AUDIT_QUERIES_PER_PAGE = 31;

/** Where a listing resumes: a day, and after which entry of it (none: from the day's newest). */
const CursorSchema = z
  .object({
    day: z.iso.date(),
    sk: z.string().max(256).optional(),
  })
  .strict();
type Cursor = z.infer<typeof CursorSchema>;

/**
 * The audit trail in the `audit` table: `pk` = `day#<YYYY-MM-DD>`, `sk` = `<ISO time>#<entry id>`,
 * so a day's entries are one partition in time order and a range is read day by day, newest
 * first. Every entry is put with `attribute_not_exists(pk)`: an entry id is never reused, so an
 * existing entry can never be overwritten through this adapter. (In AWS, the analysts'
 * functions get `dynamodb:PutItem` on the table and nothing else; the admin's gets `Query`.)
 *
 * @example
 * ```ts
 * const audit = new DynamoAuditLog({ client: dynamoClient(), table: tableNames('prod').audit });
 * await audit.append({ principalId: 'analyst:anna', role: 'analyst', action: 'alert.read', target: 'ev-0003' });
 * ```
 */
export class DynamoAuditLog implements AuditLog {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #now: () => number;

  constructor(options: { client: DynamoDBDocumentClient; table: string; now?: () => number }) {
    this.#client = options.client;
    this.#table = options.table;
    this.#now = options.now ?? Date.now;
  }

  async append(fields: Omit<AuditEntry, 'entryId' | 'at'>): Promise<AuditEntry> {
    const now = this.#now();
    const entry: AuditEntry = { entryId: randomUUID(), at: new Date(now).toISOString(), ...fields };
    await this.#client.send(
      new PutCommand({
        TableName: this.#table,
        Item: {
          pk: `day#${entry.at.slice(0, 10)}`,
          sk: `${entry.at}#${entry.entryId}`,
          ...entry,
          [TTL_ATTRIBUTE]: Math.floor(now / 1000) + AUDIT_RETENTION_DAYS * 86_400,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return entry;
  }

  /**
   * Reads the range day by day, newest first, at most {@link MAX_AUDIT_QUERIES_PER_PAGE} Query
   * requests per page: a page can be short (even empty) and still have a cursor. The principal is
   * a filter expression: DynamoDB reads (and bills) the day's entries and returns the matching ones
   * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.FilterExpression.html),
   * so the queries per page stay bounded however selective it is.
   *
   * @throws InvalidAuditCursorError for a cursor that does not lie in `range`
   */
  async list(range: AuditQuery, limit: number, cursorText?: string): Promise<AuditPage> {
    const firstDay = range.from.slice(0, 10);
    const cursor = cursorText ? decodeCursor(cursorText, range) : { day: range.to.slice(0, 10) };
    const entries: AuditEntry[] = [];
    let day = cursor.day;
    let start: Item | undefined = cursor.sk ? { pk: `day#${day}`, sk: cursor.sk } : undefined;
    for (let request = 0; request < MAX_AUDIT_QUERIES_PER_PAGE && day >= firstDay; request++) {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ...(range.principal === undefined ? {} : { FilterExpression: 'contains(principalId, :principal)' }),
          ExpressionAttributeValues: {
            ':pk': `day#${day}`,
            ':from': range.from,
            ':to': `${range.to}#~`,
            ...(range.principal === undefined ? {} : { ':principal': range.principal }),
          },
          ScanIndexForward: false,
          Limit: limit - entries.length,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) entries.push(toEntry(item));
      start = page.LastEvaluatedKey;
      if (entries.length >= limit) {
        const last = page.Items?.at(-1);
        // Resume in this day after the last entry given (an empty next page when it was the day's last).
        return { entries, cursor: encodeCursor({ day, sk: last!.sk as string }) };
      }
      if (!start) day = previousDay(day);
    }
    if (day < firstDay) return { entries };
    return { entries, cursor: encodeCursor(start ? { day, sk: start.sk as string } : { day }) };
  }
}

const previousDay = (day: string): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);

const toEntry = (item: Item): AuditEntry =>
  withoutKeys(item, ['pk', 'sk', TTL_ATTRIBUTE]) as unknown as AuditEntry;

const encodeCursor = (cursor: Cursor): string => Buffer.from(JSON.stringify(cursor)).toString('base64url');

/** The cursor's position, which must lie in the range: a day of it, an entry key of that day within it. */
function decodeCursor(text: string, range: { from: string; to: string }): Cursor {
  let cursor: Cursor;
  try {
    cursor = CursorSchema.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
  } catch {
    throw new InvalidAuditCursorError();
  }
  const { day, sk } = cursor;
  const inRange = day >= range.from.slice(0, 10) && day <= range.to.slice(0, 10);
  const keyInRange = sk === undefined || (sk.startsWith(day) && sk >= range.from && sk <= `${range.to}#~`);
  if (!inRange || !keyInRange) throw new InvalidAuditCursorError();
  return cursor;
}
