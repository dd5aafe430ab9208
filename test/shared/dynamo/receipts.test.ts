/** The rights receipts' DynamoDB adapter on dynalite: a receipt saved is found by its request id. */
import { describe, expect, it } from 'vitest';
import { DynamoReceiptStore } from '../../../src/shared/dynamo/receipts.ts';
import type { RightsReceipt } from '../../../src/shared/ports/receipts.ts';
import type { SubjectPseudonym } from '../../../src/shared/pseudonymise.ts';
import { useDynalite } from '../../support/local-dynamo.ts';

const dynalite = useDynalite('rc');

const anErasureReceipt = (requestId: string): RightsReceipt => ({
  requestId,
  request: 'erasure',
  at: '2026-11-20T10:00:00.000Z',
  subject: 'v1:annaAAAAAAAAAAAAAAAAAA' as SubjectPseudonym,
  status: 'completed',
  observations: { login: 3, browse: 0, search: 0, order: 1 },
  profiles: 2,
  alerts: 1,
  deadLetters: 0,
});

describe('DynamoReceiptStore', () => {
  it('finds a saved receipt as it was saved, and none for another request id', async () => {
    // Prepare
    const store = new DynamoReceiptStore({
      client: dynalite.local.client(),
      table: (await dynalite.newTables()).profiles,
    });
    const receipt = anErasureReceipt('req-1');

    // Act
    await store.saveReceipt(receipt);

    // Assess
    expect(await store.findReceipt('req-1')).toEqual(receipt);
    expect(await store.findReceipt('req-2')).toBeUndefined();
  });
});
