import type { CreateTableCommandInput, UpdateTimeToLiveCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The DynamoDB tables of Vigil, as plain data: the one definition that the CDK
 * stack and the local (dynalite) stack both build their tables from.
 */
export const TABLE_ROLES = ['profiles', 'decisions'] as const;
export type TableRole = (typeof TABLE_ROLES)[number];

/** A key attribute: its name and DynamoDB scalar type (`S` string, `N` number, `B` binary). */
export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N' | 'B';
}

export interface TableDefinition {
  readonly role: TableRole;
  /** The last part of the table name: `vigil-<stage>-<suffix>`. */
  readonly suffix: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
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
};

/** The name of a table of a stage: `vigil-<stage>-<role suffix>`. */
export const tableName = (stage: string, role: TableRole): string => `vigil-${stage}-${TABLES[role].suffix}`;

/** The table names of a stage, by role. */
export const tableNames = (stage: string): Record<TableRole, string> => ({
  profiles: tableName(stage, 'profiles'),
  decisions: tableName(stage, 'decisions'),
});

/**
 * The SDK request that creates a table of this role (the local stack uses it;
 * CDK maps {@link TABLES} itself). TTL is not part of CreateTable: see
 * {@link timeToLiveInput}.
 */
export function createTableInput(role: TableRole, name: string): CreateTableCommandInput {
  const table = TABLES[role];
  const keys = table.sortKey ? [table.partitionKey, table.sortKey] : [table.partitionKey];
  return {
    TableName: name,
    BillingMode: table.billing,
    AttributeDefinitions: keys.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
    KeySchema: keys.map((k, i) => ({ AttributeName: k.name, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
  };
}

/** The SDK request that turns on TTL for a table of this role (dynalite does not implement it). */
export function timeToLiveInput(role: TableRole, name: string): UpdateTimeToLiveCommandInput {
  return {
    TableName: name,
    TimeToLiveSpecification: { AttributeName: TABLES[role].ttlAttribute, Enabled: true },
  };
}
