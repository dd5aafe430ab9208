import type { z } from 'zod';
import type { RightsReceipt, ReceiptStore, SubjectRights } from '../shared/rights/subject-rights.ts';
import type { AuditLog } from './audit.ts';
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
 * `POST /v1/subjects/objections` (privacy-service): the marker, then the subject's signals of the
 * scope deleted from every profile; later events in scope are never stored. Audited before it
 * runs, with the subject's pseudonym, never the customer id.
 *
 * @example
 * ```ts
 * const receipt = await objectToProfiling(deps, caller, { customerId: 'C1000231', scope: 'profiling' });
 * ```
 */
export async function objectToProfiling(
  deps: RightsDeps,
  caller: Caller,
  body: z.output<typeof ObjectionBodySchema>,
): Promise<Receipt> {
  const subject = deps.rights.subjectOf(body.customerId);
  await deps.audit.append({
    ...who(caller),
    action: 'subject.object',
    target: subject,
    details: { scope: body.scope },
  });
  return deps.rights.object(body.customerId, body.scope);
}

/** `POST /v1/subjects/{customerId}/restriction`: the data kept aside, unused, until lifted. Audited. */
export async function restrictProcessing(
  deps: RightsDeps,
  caller: Caller,
  customerId: string,
): Promise<Receipt> {
  await deps.audit.append({
    ...who(caller),
    action: 'subject.restrict',
    target: deps.rights.subjectOf(customerId),
  });
  return deps.rights.restrict(customerId);
}

/** `DELETE /v1/subjects/{customerId}/restriction`: what was set aside goes back to its profiles. Audited. */
export async function liftRestriction(
  deps: RightsDeps,
  caller: Caller,
  customerId: string,
): Promise<Receipt> {
  await deps.audit.append({
    ...who(caller),
    action: 'subject.lift',
    target: deps.rights.subjectOf(customerId),
  });
  return deps.rights.liftRestriction(customerId);
}

/** `DELETE /v1/subjects/{customerId}`: every signal and alert of the subject. Audited. */
export async function eraseSubject(deps: RightsDeps, caller: Caller, customerId: string): Promise<Receipt> {
  await deps.audit.append({
    ...who(caller),
    action: 'subject.erase',
    target: deps.rights.subjectOf(customerId),
  });
  return deps.rights.erase(customerId);
}

/** `GET /v1/subjects/{customerId}/export`: everything stored about the subject, in plain words. Audited. */
export async function exportSubject(
  deps: RightsDeps,
  caller: Caller,
  customerId: string,
): Promise<z.input<typeof ExportSchema>> {
  await deps.audit.append({
    ...who(caller),
    action: 'subject.export',
    target: deps.rights.subjectOf(customerId),
  });
  return deps.rights.export(customerId);
}

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
