/**
 * The request and answer schemas of the customers'-rights routes (privacy-service role), in the
 * style of `schemas.ts`: the route table, the handlers and the OpenAPI document share them.
 */
import * as z from 'zod';
import { OBJECTION_SCOPES, SIGNAL_KINDS } from '../shared/profile.ts';
import { LIST_NAMES } from '../shared/ports/entity-lists.ts';

/** A customer id as the event contract has it: 1–128 characters. */
const customerId = z
  .string({ error: 'expected a customer id (1–128 characters)' })
  .min(1, { error: 'expected a customer id (1–128 characters)' })
  .max(128, { error: 'expected a customer id (1–128 characters)' });

export const SubjectPathSchema = z.object({ customerId }).strict();

export const ObjectionBodySchema = z
  .object({
    customerId,
    scope: z
      .enum(OBJECTION_SCOPES, { error: 'expected profiling or browse_search' })
      .describe('profiling: all behaviour profiling; browse_search: page views and searches only'),
  })
  .strict();

export const ReceiptPathSchema = z
  .object({ requestId: z.uuid({ error: 'expected a request id (a UUID from a receipt)' }) })
  .strict();

const perKind = z.object(Object.fromEntries(SIGNAL_KINDS.map((k) => [k, z.number().int().min(0)]))).strict();

export const ReceiptSchema = z
  .object({
    requestId: z.string(),
    request: z.enum(['objection', 'restriction', 'lift-restriction', 'erasure']),
    at: z.string().describe('When it was carried out, ISO 8601 UTC'),
    subject: z.string().describe("The customer's pseudonym (the customer id itself is never stored)"),
    scope: z.enum(OBJECTION_SCOPES).optional(),
    status: z.literal('completed'),
    observations: perKind.describe('Events whose signals were deleted (or set aside, or put back), per kind'),
    profiles: z
      .number()
      .int()
      .min(0)
      .describe("Profiles that held any of them: the customer's own and the entities'"),
    alerts: z.number().int().min(0).optional().describe('Alerts deleted (erasure)'),
    deadLetters: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe("Invalid events of the customer's deleted with their sealed records (erasure)"),
    listEntries: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe("The analysts' allow and deny entries on the customer removed (erasure)"),
  })
  .strict();

const Facts = z.record(z.string(), z.unknown());

export const ExportSchema = z
  .object({
    subject: z.string(),
    generatedAt: z.string(),
    about: z.string().describe('What this is, in plain words'),
    signals: z.array(
      z
        .object({
          kind: z.enum(SIGNAL_KINDS),
          eventId: z.string(),
          observedAt: z.string(),
          expiresAt: z.string().describe('When it is forgotten'),
          heldIn: z
            .array(z.string())
            .describe("The profiles holding it: the customer's own and each entity's"),
          facts: Facts.describe('What was kept: pseudonyms, coarse geography, outcome, amounts'),
          restricted: z.literal(true).optional().describe('Set aside by a restriction: kept, not used'),
        })
        .strict(),
    ),
    alerts: z.array(Facts),
    suppressions: z.array(z.object({ scope: z.enum(OBJECTION_SCOPES), since: z.string() }).strict()),
    restrictions: z.array(z.object({ since: z.string() }).strict()),
    listEntries: z
      .array(
        z
          .object({
            list: z.enum(LIST_NAMES),
            reason: z.string(),
            createdAt: z.string(),
            expiresAt: z.string(),
          })
          .strict(),
      )
      .optional()
      .describe("The analysts' allow and deny entries on the customer, with their reasons"),
  })
  .strict();
