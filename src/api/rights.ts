import type { z } from 'zod';
import type { SubjectRights } from '../rights/subject-rights.ts';
import type { RightsReceipt, ReceiptStore } from '../shared/ports/receipts.ts';
import type { AuditAction, AuditLog } from '../shared/ports/audit.ts';
import { ApiError } from './errors.ts';
import type { Caller } from './roles.ts';
import type { ExportSchema, ObjectionBodySchema, ReceiptSchema } from './rights-schemas.ts';

export interface RightsDeps {
  rights: SubjectRights;
  receipts: ReceiptStore;
  audit: AuditLog;
}

type Receipt = z.input<typeof ReceiptSchema>;

const who = (caller: Caller) => ({ principalId: caller.principalId, role: caller.role });

/**
 * Audits a request about a customer (by pseudonym, never the customer id) before it runs, then runs it.
 */
async function audited<T>(
  deps: RightsDeps,
  caller: Caller,
  action: AuditAction,
  customerId: string,
  run: () => Promise<T>,
  details?: Record<string, string>,
): Promise<T> {
  const target = deps.rights.subjectOf(customerId);
  await deps.audit.append({ ...who(caller), action, target, ...(details ? { details } : {}) });
  return run();
}

/**
 * `POST /v1/subjects/objections` (privacy-service): the marker, then the subject's signals of the
 * scope deleted from every profile; later events in scope are never stored. Audited.
 *
 * @example
 * ```ts
 * const receipt = await objectToProfiling(deps, caller, { customerId: 'C1000231', scope: 'profiling' });
 * ```
 */
export const objectToProfiling = (
  deps: RightsDeps,
  caller: Caller,
  body: z.output<typeof ObjectionBodySchema>,
): Promise<Receipt> =>
  audited(
    deps,
    caller,
    'subject.object',
    body.customerId,
    () => deps.rights.object(body.customerId, body.scope),
    {
      scope: body.scope,
    },
  );

/** `POST /v1/subjects/{customerId}/restriction`: the data kept aside, unused, until lifted. Audited. */
export const restrictProcessing = (deps: RightsDeps, caller: Caller, customerId: string): Promise<Receipt> =>
  audited(deps, caller, 'subject.restrict', customerId, () => deps.rights.restrict(customerId));

/** `DELETE /v1/subjects/{customerId}/restriction`: what was set aside goes back to its profiles. Audited. */
export const liftRestriction = (deps: RightsDeps, caller: Caller, customerId: string): Promise<Receipt> =>
  audited(deps, caller, 'subject.lift', customerId, () => deps.rights.liftRestriction(customerId));

/** `DELETE /v1/subjects/{customerId}`: every signal and alert of the subject. Audited. */
export const eraseSubject = (deps: RightsDeps, caller: Caller, customerId: string): Promise<Receipt> =>
  audited(deps, caller, 'subject.erase', customerId, () => deps.rights.erase(customerId));

/** `GET /v1/subjects/{customerId}/export`: everything stored about the subject, in plain words. Audited. */
export const exportSubject = (
  deps: RightsDeps,
  caller: Caller,
  customerId: string,
): Promise<z.input<typeof ExportSchema>> =>
  audited(deps, caller, 'subject.export', customerId, () => deps.rights.export(customerId));

/**
 * `GET /v1/privacy/requests/{requestId}`: a receipt and its status. Audited.
 *
 * @throws ApiError 404 when there is no such request
 */
export async function getReceipt(deps: RightsDeps, caller: Caller, requestId: string): Promise<Receipt> {
  await deps.audit.append({ ...who(caller), action: 'subject.receipt', target: requestId });
  const receipt: RightsReceipt | undefined = await deps.receipts.findReceipt(requestId);
  if (!receipt) throw new ApiError(404, 'NOT_FOUND', 'requestId: no request with this id', 'requestId');
  return receipt;
}
