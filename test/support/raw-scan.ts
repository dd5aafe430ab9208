import { type AttributeValue, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS } from './local-dynamo.ts';

/** A stored item exactly as DynamoDB answers it: AttributeValues, not unmarshalled. */
export type RawItem = Record<string, AttributeValue>;

/**
 * Every item of a table, read with a plain DynamoDBClient Scan (all pages, consistent). Nothing
 * is unmarshalled: the SDK's own deserializer keeps a map key such as `__proto__` as an own
 * property of the `M` it returns, where `unmarshall` (and the document client) would turn it
 * into the object's prototype and hide it.
 */
export async function scanRaw(endpoint: string, table: string): Promise<RawItem[]> {
  const client = new DynamoDBClient({ endpoint, region: 'eu-central-1', credentials: LOCAL_CREDENTIALS });
  const items: RawItem[] = [];
  let start: RawItem | undefined;
  try {
    do {
      const page = await client.send(
        new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
  } finally {
    client.destroy();
  }
  return items;
}

/** Every string an item holds anywhere: values, map keys, sets and list members, at any depth. */
export function stringsOf(value: AttributeValue | RawItem): string[] {
  const out: string[] = [];
  const walk = (av: AttributeValue) => {
    if (av.S !== undefined) out.push(av.S);
    else if (av.N !== undefined) out.push(av.N);
    else if (av.SS) out.push(...av.SS);
    else if (av.NS) out.push(...av.NS);
    else if (av.L) av.L.forEach(walk);
    else if (av.M) {
      for (const [k, v] of Object.entries(av.M)) {
        out.push(k);
        walk(v);
      }
    }
  };
  walk({ M: value as RawItem });
  return out;
}
