import { RemovalPolicy } from 'aws-cdk-lib';
import {
  type Attribute,
  AttributeType,
  BillingMode,
  ProjectionType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { type KeyAttribute, TABLE_ROLES, TABLES, type TableRole, tableName } from '../src/shared/tables.ts';

const ATTRIBUTE_TYPES = {
  S: AttributeType.STRING,
  N: AttributeType.NUMBER,
  B: AttributeType.BINARY,
} as const;

function attribute(key: KeyAttribute): Attribute {
  return { name: key.name, type: ATTRIBUTE_TYPES[key.type] };
}

/**
 * Every table of {@link TABLES}, the definitions the local stack creates its tables from too:
 * encrypted with the data key, point-in-time recovery on, TTL on every table.
 */
export function vigilTables(
  scope: Construct,
  stage: string,
  dataKey: IKey,
  deletionProtection: boolean,
): Record<TableRole, Table> {
  return Object.fromEntries(
    TABLE_ROLES.map((role) => [role, vigilTable(scope, { stage, role, dataKey, deletionProtection })]),
  ) as Record<TableRole, Table>;
}

function vigilTable(
  scope: Construct,
  props: { stage: string; role: TableRole; dataKey: IKey; deletionProtection: boolean },
): Table {
  const definition = TABLES[props.role];
  const table = new Table(scope, `Table-${props.role}`, {
    tableName: tableName(props.stage, props.role),
    partitionKey: attribute(definition.partitionKey),
    ...(definition.sortKey ? { sortKey: attribute(definition.sortKey) } : {}),
    billingMode: BillingMode.PAY_PER_REQUEST,
    timeToLiveAttribute: definition.ttlAttribute,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: props.dataKey,
    deletionProtection: props.deletionProtection,
    // A protected table is also retained when the stack goes; an unprotected (dev) one goes with it.
    removalPolicy: props.deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  });
  for (const index of definition.indexes ?? []) {
    table.addGlobalSecondaryIndex({
      indexName: index.name,
      partitionKey: attribute(index.partitionKey),
      ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
      projectionType: ProjectionType.ALL,
    });
  }
  return table;
}
