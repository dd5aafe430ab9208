import { afterAll, beforeAll } from 'vitest';
import { DynamoDecisionLog } from '../../../src/shared/dynamo/decisions.ts';
import { type LocalDynamo, startDynalite } from '../../support/local-dynamo.ts';
import { describeDecisionLogContract } from '../ports/decisions.contract.ts';

let local: LocalDynamo;
let stages = 0;

beforeAll(async () => {
  local = await startDynalite();
});
afterAll(async () => {
  await local.close();
});

describeDecisionLogContract('DynamoDB (dynalite)', async () => {
  const tables = await local.createTables(`t${++stages}`);
  const client = local.client();
  return {
    store: new DynamoDecisionLog({ client, table: tables.decisions }),
    close: async () => client.destroy(),
  };
});
