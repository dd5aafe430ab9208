/**
 * Conformance: the same profile-store contract against AWS's own DynamoDB
 * Local (Java), so that the expressions, conditions and map paths are proven
 * on AWS's implementation, not only on dynalite. Skipped with a message where
 * there is no Java; on CI (CI=true) a missing Java fails instead, so that the
 * conformance run can never be skipped silently.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { dynamoStores } from '../../factories/stores.ts';
import { describeDecisionLogContract } from '../ports/decisions.contract.ts';
import { DynamoEntityLists } from '../../../src/shared/dynamo/entity-lists.ts';
import { describeEntityListsContract } from '../ports/entity-lists.contract.ts';
import { type LocalDynamo, hasJava, startDynamoDbLocal } from '../../support/local-dynamo.ts';
import { describeProfileStoreContract } from '../ports/profiles.contract.ts';
import { describeSubjectDataContract } from '../ports/subject-data.contract.ts';

const java = hasJava();

if (!java && !process.env.CI) {
  describe.skip('DynamoDB Local conformance: skipped, no Java on the PATH (DynamoDB Local needs Java 17+)', () => {
    it('needs Java', () => {});
  });
} else {
  let local: LocalDynamo;
  let stages = 0;

  beforeAll(async () => {
    if (!java)
      throw new Error('CI=true but no Java on the PATH: the DynamoDB Local conformance run needs Java 17+');
    local = await startDynamoDbLocal();
  }, 60_000);
  afterAll(async () => {
    await local?.close();
  });

  const freshStores = async () => {
    const tables = await local.createTables(`t${++stages}`);
    const client = local.client();
    return { stores: dynamoStores(client, tables), close: async () => client.destroy() };
  };
  describeProfileStoreContract('DynamoDB Local (AWS)', async () => {
    const { stores, close } = await freshStores();
    return { store: stores.profiles, close };
  });
  describeDecisionLogContract('DynamoDB Local (AWS)', async () => {
    const { stores, close } = await freshStores();
    return { store: stores.decisions, close };
  });
  describeSubjectDataContract('DynamoDB Local (AWS)', async () => {
    const { stores, close } = await freshStores();
    return { store: stores, close };
  });
  describeEntityListsContract('DynamoDB Local (AWS)', async () => {
    const tables = await local.createTables(`t${++stages}`);
    const client = local.client();
    return {
      store: new DynamoEntityLists({ client, table: tables.lists }),
      close: async () => client.destroy(),
    };
  });
}
