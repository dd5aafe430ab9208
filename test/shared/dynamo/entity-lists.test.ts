import { DynamoEntityLists } from '../../../src/shared/dynamo/entity-lists.ts';
import { useDynalite } from '../../support/local-dynamo.ts';
import { describeEntityListsContract } from '../ports/entity-lists.contract.ts';

const dynalite = useDynalite('el');

describeEntityListsContract('DynamoDB (dynalite)', async () => {
  const tables = await dynalite.newTables();
  const client = dynalite.local.client();
  return {
    store: new DynamoEntityLists({ client, table: tables.lists }),
    close: async () => client.destroy(),
  };
});
