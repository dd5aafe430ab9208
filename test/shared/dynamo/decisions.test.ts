import { DynamoDecisionLog } from '../../../src/shared/dynamo/decisions.ts';
import { useDynalite } from '../../support/local-dynamo.ts';
import { describeDecisionLogContract } from '../ports/decisions.contract.ts';

const dynalite = useDynalite('t');

describeDecisionLogContract('DynamoDB (dynalite)', async () => {
  const tables = await dynalite.newTables();
  const client = dynalite.local.client();
  return {
    store: new DynamoDecisionLog({ client, table: tables.decisions }),
    close: async () => client.destroy(),
  };
});
