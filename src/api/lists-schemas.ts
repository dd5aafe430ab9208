/**
 * The request and answer schemas of the entity-list routes (analyst and admin), in the style of
 * `schemas.ts`: the route table, the handlers and the OpenAPI document share them.
 */
import * as z from 'zod';
import { LIST_KINDS, LIST_NAMES, MAX_REASON_CHARS } from '../shared/ports/entity-lists.ts';
import { cursor, oneOf, timestamp, wholeNumber } from './schemas.ts';

const PSEUDONYM = /^v\d{1,4}:[A-Za-z0-9_-]{22}$/;
const pseudonymError = 'expected a pseudonym as alert evidence shows it (v1: and 22 characters)';
/** A raw identifier: as long as the event contract allows the longest (a user agent). */
const MAX_VALUE_CHARS = 512;

export const ListEntriesQuerySchema = z
  .object({
    list: oneOf(LIST_NAMES).optional(),
    kind: oneOf(LIST_KINDS).optional(),
    limit: wholeNumber(1, 100).optional().describe('Entries per page, default 25'),
    cursor: cursor.optional().describe('The `cursor` of the previous page'),
  })
  .strict();

export const AddEntryBodySchema = z
  .object({
    list: oneOf(LIST_NAMES).describe('allow: keep the events at allow; deny: deny them'),
    kind: oneOf(LIST_KINDS),
    entity: z
      .string({ error: pseudonymError })
      .regex(PSEUDONYM, { error: pseudonymError })
      .optional()
      .describe('The pseudonym, as alert evidence shows it; or give `value`'),
    value: z
      .string({ error: `expected the raw identifier (1–${MAX_VALUE_CHARS} characters)` })
      .min(1, { error: `expected the raw identifier (1–${MAX_VALUE_CHARS} characters)` })
      .max(MAX_VALUE_CHARS, { error: `expected the raw identifier (1–${MAX_VALUE_CHARS} characters)` })
      .optional()
      .describe(
        'The raw identifier (customer id, address, …), pseudonymised at once and never stored or echoed',
      ),
    reason: z
      .string({ error: `expected a reason (1–${MAX_REASON_CHARS} characters)` })
      .trim()
      .min(1, { error: `expected a reason (1–${MAX_REASON_CHARS} characters)` })
      .max(MAX_REASON_CHARS, { error: `expected a reason (1–${MAX_REASON_CHARS} characters)` }),
    expiresAt: timestamp.describe('When the entry lapses: in the future, at most 365 days ahead'),
  })
  .strict()
  .refine((body) => (body.entity === undefined) !== (body.value === undefined), {
    error: 'expected exactly one of entity and value',
    path: ['entity'],
  });

const ENTRY_ID = /^(allow|deny)\.[A-Za-z]{1,16}\.v\d{1,4}:[A-Za-z0-9_-]{22}$/;
const entryIdError = 'expected an entry id (<list>.<kind>.<pseudonym>)';

export const EntryPathSchema = z
  .object({ entryId: z.string({ error: entryIdError }).regex(ENTRY_ID, { error: entryIdError }) })
  .strict();

export const ListEntrySchema = z
  .object({
    entryId: z.string().describe('<list>.<kind>.<pseudonym>: one entry per list and entity'),
    list: z.enum(LIST_NAMES),
    kind: z.enum(LIST_KINDS),
    entity: z.string().describe('The pseudonym'),
    reason: z.string(),
    createdBy: z.string(),
    createdAt: z.string(),
    expiresAt: z.string(),
  })
  .strict();

export const ListEntriesSchema = z
  .object({ entries: z.array(ListEntrySchema), cursor: z.string().optional() })
  .strict();
