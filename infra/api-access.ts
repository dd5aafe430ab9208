/**
 * What each API function may do in AWS, read from the code it runs: the DynamoDB actions it sends
 * per table (or per index), whether it reads the pseudonymisation key, and whether it enriches
 * events with IP facts (and so ships the IP data tables). `infra/api-functions.ts` turns each entry into the function's
 * IAM policy, environment and bundle; a test compares the policies with these entries.
 */
import type { Role } from '../src/shared/roles.ts';
import type { TableRole } from '../src/shared/tables.ts';

/** DynamoDB actions on one table, or on one of its indexes only. */
export interface TableGrant {
  readonly table: TableRole;
  /** The index the actions are limited to (`<table ARN>/index/<name>`); none: the table itself. */
  readonly index?: string;
  readonly actions: readonly string[];
}

export interface FunctionAccess {
  readonly grants: readonly TableGrant[];
  /** Reads the pseudonymisation key secret (pseudonymises identifiers). */
  readonly pseudonymKey: boolean;
  /** Enriches events with IP facts (location, network): the IP data tables beside the bundle. */
  readonly ipData: boolean;
  /** Reads and deletes the dead letters' sealed records (erasure): the bucket, by name in its environment. */
  readonly deadLetterRecords?: true;
}

const AUDIT_APPEND: TableGrant = { table: 'audit', actions: ['dynamodb:PutItem'] };

/**
 * The customers'-rights functions (routes of the `privacy-service` role alone), whichever their
 * file names: they all run the `SubjectRights` service over `DynamoSubjectData` (the subject's
 * item, links and controls: GetItem, BatchGetItem, UpdateItem, PutItem, DeleteItem; receipts:
 * PutItem, GetItem), `DynamoSubjectAlerts` (Query on `bySubject`, and on the table BatchGetItem of
 * the alerts of the subject's own events and BatchWriteItem deletes), `DynamoEntityLists` (the
 * subject's entries: BatchGetItem, DeleteItem) and the audit trail (PutItem). They pseudonymise the customer id, so they read the key.
 */
export const PRIVACY_SERVICE_ACCESS: FunctionAccess = {
  grants: [
    {
      table: 'profiles',
      actions: [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:UpdateItem',
        'dynamodb:PutItem',
        'dynamodb:DeleteItem',
      ],
    },
    { table: 'alerts', index: 'bySubject', actions: ['dynamodb:Query'] },
    { table: 'alerts', actions: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem'] },
    // The subject's list entries: access reads them (BatchGetItem), erasure removes them (DeleteItem).
    { table: 'lists', actions: ['dynamodb:BatchGetItem', 'dynamodb:DeleteItem'] },
    AUDIT_APPEND,
  ],
  pseudonymKey: true,
  ipData: false,
};

/**
 * `erase-subject`: the customers'-rights access, and the subject's dead letters
 * (`DynamoDeadLetters.eraseSubject`): Query on the `bySubject` index of the dead-letter table, a
 * Scan of the table for the letters attributed to no one, BatchWriteItem deletes, and their
 * sealed records in the bucket (GetObject to search those attributed to no one, DeleteObject).
 */
export const ERASURE_ACCESS: FunctionAccess = {
  ...PRIVACY_SERVICE_ACCESS,
  grants: [
    ...PRIVACY_SERVICE_ACCESS.grants,
    { table: 'deadLetters', index: 'bySubject', actions: ['dynamodb:Query'] },
    { table: 'deadLetters', actions: ['dynamodb:Scan', 'dynamodb:BatchWriteItem'] },
  ],
  deadLetterRecords: true,
};

/**
 * Per function file (`functions/<name>.ts`), what its code calls:
 *
 * - `score-order`: `DynamoProfileStore.load`, one BatchGetItem per request (profiles, global
 *   counters, the subject's controls), and `DynamoEntityLists.lookup` beside it (one BatchGetItem
 *   on the lists table), and nothing else: the score route never writes;
 * - the analysts' routes append to the audit trail (`DynamoAuditLog.append`, a conditional PutItem)
 *   before they serve, and may neither read nor change it; they read alerts through `gsi1`
 *   (`DynamoAlertRepository.list`/`each`), one alert by key (`get`), and close one with a
 *   conditional UpdateItem (`dispose`, then GetItem to tell 404 from 409); `get-alert` reads the
 *   subject's profile for its timeline (`load`);
 * - `list-audit` (admin) queries the audit trail and writes nothing;
 * - the entity-list routes append to the audit trail first; `list-entries` queries the lists'
 *   `byCreated` index and signs its cursors (the key), `add-entry` puts an entry (and
 *   pseudonymises a raw value: the key), `remove-entry` deletes one (DeleteItem, returning it);
 * - the two listings (`list-alerts`, `list-audit`) sign their cursors with a key derived from the
 *   pseudonymisation key (`src/api/cursors.ts`), so they read it;
 * - `erase-subject`: {@link ERASURE_ACCESS};
 * - `get-openapi` and `get-health` touch no table.
 */
export const API_FUNCTION_ACCESS: Readonly<Record<string, FunctionAccess>> = {
  'score-order': {
    grants: [
      { table: 'profiles', actions: ['dynamodb:BatchGetItem'] },
      { table: 'lists', actions: ['dynamodb:BatchGetItem'] },
    ],
    pseudonymKey: true,
    ipData: true,
  },
  'list-alerts': {
    grants: [{ table: 'alerts', index: 'gsi1', actions: ['dynamodb:Query'] }, AUDIT_APPEND],
    pseudonymKey: true,
    ipData: false,
  },
  'get-alert': {
    grants: [
      { table: 'alerts', actions: ['dynamodb:GetItem'] },
      { table: 'profiles', actions: ['dynamodb:BatchGetItem'] },
      AUDIT_APPEND,
    ],
    pseudonymKey: false,
    ipData: false,
  },
  'dispose-alert': {
    grants: [{ table: 'alerts', actions: ['dynamodb:UpdateItem', 'dynamodb:GetItem'] }, AUDIT_APPEND],
    pseudonymKey: false,
    ipData: false,
  },
  'get-rule-stats': {
    grants: [{ table: 'alerts', index: 'gsi1', actions: ['dynamodb:Query'] }, AUDIT_APPEND],
    pseudonymKey: false,
    ipData: false,
  },
  'list-audit': {
    grants: [{ table: 'audit', actions: ['dynamodb:Query'] }],
    pseudonymKey: true,
    ipData: false,
  },
  'list-entries': {
    grants: [{ table: 'lists', index: 'byCreated', actions: ['dynamodb:Query'] }, AUDIT_APPEND],
    pseudonymKey: true,
    ipData: false,
  },
  'add-entry': {
    grants: [{ table: 'lists', actions: ['dynamodb:PutItem'] }, AUDIT_APPEND],
    pseudonymKey: true,
    ipData: false,
  },
  'remove-entry': {
    grants: [{ table: 'lists', actions: ['dynamodb:DeleteItem'] }, AUDIT_APPEND],
    pseudonymKey: false,
    ipData: false,
  },
  'erase-subject': ERASURE_ACCESS,
  'get-openapi': { grants: [], pseudonymKey: false, ipData: false },
  'get-health': { grants: [], pseudonymKey: false, ipData: false },
};

/**
 * The access of a function, from {@link API_FUNCTION_ACCESS}, else {@link PRIVACY_SERVICE_ACCESS}
 * when only the privacy service calls its routes.
 *
 * @throws for any other function missing from the table: a new function gets no access until
 * someone writes down what its code calls.
 *
 * @example
 * ```ts
 * accessOf('score-order', [['order-flow']]).pseudonymKey; // true
 * ```
 */
export function accessOf(fn: string, routeRoles: readonly (readonly Role[])[]): FunctionAccess {
  const listed = API_FUNCTION_ACCESS[fn];
  if (listed) return listed;
  if (routeRoles.length > 0 && routeRoles.every((roles) => roles.every((r) => r === 'privacy-service'))) {
    return PRIVACY_SERVICE_ACCESS;
  }
  throw new Error(
    `Vigil API: function ${fn} has no access declared: add what its code calls to API_FUNCTION_ACCESS in infra/api-access.ts`,
  );
}
