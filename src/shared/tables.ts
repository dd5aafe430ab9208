import type { CreateTableCommandInput, UpdateTimeToLiveCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The DynamoDB tables of Vigil, as plain data: the one definition that the CDK
 * stack and the local (dynalite) stack both build their tables from.
 */
export const TABLE_ROLES = ['profiles', 'decisions', 'alerts', 'deadLetters', 'audit', 'lists'] as const;
export type TableRole = (typeof TABLE_ROLES)[number];

/** A key attribute: its name and DynamoDB scalar type (`S` string, `N` number, `B` binary). */
export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N' | 'B';
}

/** A global secondary index, projecting all attributes. */
export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
}

export interface TableDefinition {
  readonly role: TableRole;
  /** The last part of the table name: `vigil-<stage>-<suffix>`. */
  readonly suffix: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /** Global secondary indexes (all attributes projected). */
  readonly indexes?: readonly IndexDefinition[];
  /** On-demand capacity: the pipeline's traffic is bursty and small on average. */
  readonly billing: 'PAY_PER_REQUEST';
  /**
   * The TTL attribute, epoch seconds. DynamoDB deletes an item some time after
   * it passes (typically within days, not at once), so every read filters expired
   * data itself: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html
   */
  readonly ttlAttribute: string;
}

/** The TTL attribute of every table. */
export const TTL_ATTRIBUTE = 'ttl';

export const TABLES: Readonly<Record<TableRole, TableDefinition>> = {
  /**
   * One item per profile (`pk` = the ProfileKey, `ip#v1:…`) with its observations in the map
   * `obs` (eventId → observation), plus one item per hour of shop-wide login counters
   * (`pk` = `global#<bucket start ms>`).
   */
  profiles: {
    role: 'profiles',
    suffix: 'profiles',
    partitionKey: { name: 'pk', type: 'S' },
    billing: 'PAY_PER_REQUEST',
    ttlAttribute: TTL_ATTRIBUTE,
  },
  /** One item per decided event (`pk` = eventId), the decision as JSON text in `d`. */
  decisions: {
    role: 'decisions',
    suffix: 'decisions',
    partitionKey: { name: 'pk', type: 'S' },
    billing: 'PAY_PER_REQUEST',
    ttlAttribute: TTL_ATTRIBUTE,
  },
  /**
   * One item per review/deny decision (`pk` = `alertId` = the eventId): the decision, its reasons
   * with evidence, the pseudonymous subject and entities, `status`. The index `gsi1` lists alerts
   * by status and time (`gsi1pk` = `status#open#<shard>`, write-sharded by src/shared/dynamo/alerts.ts,
   * `gsi1sk` = ISO event time) for the alert APIs;
   * `bySubject` (sparse: alerts of events without a customer have no `subject`) finds a
   * customer's alerts for access and erasure requests.
   */
  alerts: {
    role: 'alerts',
    suffix: 'alerts',
    partitionKey: { name: 'pk', type: 'S' },
    indexes: [
      {
        name: 'gsi1',
        partitionKey: { name: 'gsi1pk', type: 'S' },
        sortKey: { name: 'gsi1sk', type: 'S' },
      },
      {
        name: 'bySubject',
        partitionKey: { name: 'subject', type: 'S' },
        sortKey: { name: 'occurredAt', type: 'S' },
      },
    ],
    billing: 'PAY_PER_REQUEST',
    ttlAttribute: TTL_ATTRIBUTE,
  },
  /**
   * One item per invalid stream record (`pk` = `dl#<sha256 of the raw record>`): the reason, sequence
   * number, arrival time, a sealed excerpt and the key of the full sealed record in the record
   * store (never in clear, and bounded whatever the record's size). Kept 7 days (`ttl`). The
   * sparse index `bySubject` finds the dead letters of a customer (the pseudonym of the record's
   * customer id, when it has one) for erasure.
   */
  deadLetters: {
    role: 'deadLetters',
    suffix: 'dead-letters',
    partitionKey: { name: 'pk', type: 'S' },
    indexes: [
      {
        name: 'bySubject',
        partitionKey: { name: 'subject', type: 'S' },
        sortKey: { name: 'arrivedAt', type: 'N' },
      },
    ],
    billing: 'PAY_PER_REQUEST',
    ttlAttribute: TTL_ATTRIBUTE,
  },
  /**
   * The audit trail of the analysts' APIs, append-only: one item per alert read and disposition
   * (`pk` = `day#<YYYY-MM-DD>`, `sk` = `<ISO time>#<entry id>`: a day's entries in time order).
   * Entries are put with a condition that the item does not exist and never updated or deleted
   * by any route; in AWS the analysts' functions may only PutItem on it and only the admin's
   * function may Query it. Kept 400 days (`ttl`).
   */
  audit: {
    role: 'audit',
    suffix: 'audit',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    billing: 'PAY_PER_REQUEST',
    ttlAttribute: TTL_ATTRIBUTE,
  },
  /**
   * The analysts' allow and deny entries (src/shared/dynamo/entity-lists.ts): one item per list
   * and entity (`pk` = the entry id `<list>.<kind>.<pseudonym>`), so that the detection reads an
   * event's entries by key in one BatchGetItem; `ttl` = the entry's expiry. The index `byCreated`
   * lists every entry newest first (`gsi1pk` = `entry`, one partition: entries are made by hand,
   * a few per minute at most; `gsi1sk` = `<createdAt>#<entry id>`).
   */
  lists: {
    role: 'lists',
    suffix: 'lists',
    partitionKey: { name: 'pk', type: 'S' },
    indexes: [
      {
        name: 'byCreated',
        partitionKey: { name: 'gsi1pk', type: 'S' },
        sortKey: { name: 'gsi1sk', type: 'S' },
      },
    ],
    billing: 'PAY_PER_REQUEST',
    ttlAttribute: TTL_ATTRIBUTE,
  },
};

/** The name of a table of a stage: `vigil-<stage>-<role suffix>`. */
export const tableName = (stage: string, role: TableRole): string => `vigil-${stage}-${TABLES[role].suffix}`;

/** The table names of a stage, by role. */
export const tableNames = (stage: string): Record<TableRole, string> =>
  Object.fromEntries(TABLE_ROLES.map((role) => [role, tableName(stage, role)])) as Record<TableRole, string>;

/**
 * The SDK request that creates a table of this role (the local stack uses it;
 * CDK maps {@link TABLES} itself). TTL is not part of CreateTable: see
 * {@link timeToLiveInput}.
 */
export function createTableInput(role: TableRole, name: string): CreateTableCommandInput {
  const table = TABLES[role];
  const keysOf = (t: { partitionKey: KeyAttribute; sortKey?: KeyAttribute }) =>
    t.sortKey ? [t.partitionKey, t.sortKey] : [t.partitionKey];
  const keySchema = (keys: KeyAttribute[]) =>
    keys.map((k, i) => ({
      AttributeName: k.name,
      KeyType: i === 0 ? ('HASH' as const) : ('RANGE' as const),
    }));
  const keys = keysOf(table);
  const attributes = new Map<string, KeyAttribute>();
  for (const k of [...keys, ...(table.indexes ?? []).flatMap(keysOf)]) attributes.set(k.name, k);
  const input: CreateTableCommandInput = {
    TableName: name,
    BillingMode: table.billing,
    AttributeDefinitions: [...attributes.values()].map((k) => ({
      AttributeName: k.name,
      AttributeType: k.type,
    })),
    KeySchema: keySchema(keys),
  };
  if (table.indexes?.length) {
    input.GlobalSecondaryIndexes = table.indexes.map((index) => ({
      IndexName: index.name,
      KeySchema: keySchema(keysOf(index)),
      Projection: { ProjectionType: 'ALL' },
    }));
  }
  return input;
}

/** The SDK request that turns on TTL for a table of this role (dynalite does not implement it). */
export function timeToLiveInput(role: TableRole, name: string): UpdateTimeToLiveCommandInput {
  return {
    TableName: name,
    TimeToLiveSpecification: { AttributeName: TABLES[role].ttlAttribute, Enabled: true },
  };
}
