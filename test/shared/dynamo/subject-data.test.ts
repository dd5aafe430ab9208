import { useDynalite } from '../../support/local-dynamo.ts';
import { dynamoStores } from '../../factories/stores.ts';
import { describeMapKeysContract } from '../ports/map-keys.contract.ts';
import { describeSubjectDataContract } from '../ports/subject-data.contract.ts';

const dynalite = useDynalite('t');

/** The profile store and the subject data over tables of their own (a fresh stage). */
async function freshStores() {
  const tables = await dynalite.newTables();
  const client = dynalite.local.client();
  const { profiles, subjects } = dynamoStores(client, tables);
  return { store: { profiles, subjects }, close: async () => client.destroy() };
}

describeSubjectDataContract('DynamoDB (dynalite)', freshStores);
describeMapKeysContract('DynamoDB (dynalite)', freshStores, 20);
