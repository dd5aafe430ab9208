/**
 * The alerts table's writer and subject adapter on dynalite: a redelivered alert never undoes an
 * analyst's disposition, and a subject's alerts are found by its event ids and by the index.
 */
import { describe, expect, it } from 'vitest';
import { DynamoAlertWriter, DynamoSubjectAlerts } from '../../../src/shared/dynamo/alerts.ts';
import { DynamoAlertRepository } from '../../../src/shared/dynamo/alerts-review.ts';
import type { SubjectPseudonym } from '../../../src/shared/pseudonymise.ts';
import { anAlert } from '../../factories/api.ts';
import { useDynalite } from '../../support/local-dynamo.ts';

const dynalite = useDynalite('al');

/** The writer, the analysts' repository and the subject adapter on an alerts table of their own. */
async function anAlertsTable() {
  const table = (await dynalite.newTables()).alerts;
  const client = dynalite.local.client();
  return {
    writer: new DynamoAlertWriter({ client, table }),
    review: new DynamoAlertRepository({ client, table }),
    subjects: new DynamoSubjectAlerts({ client, table }),
  };
}

const ANNA = 'v1:annaAAAAAAAAAAAAAAAAAA' as SubjectPseudonym;
const BERT = 'v1:bertAAAAAAAAAAAAAAAAAA' as SubjectPseudonym;

describe('DynamoAlertWriter', () => {
  it('writes an alert again without reopening what an analyst closed', async () => {
    // Prepare: an alert written, then disposed of
    const { writer, review } = await anAlertsTable();
    const alert = anAlert();
    await writer.write([alert]);
    const disposition = {
      verdict: 'fraud' as const,
      note: 'card testing',
      by: 'analyst:anna',
      at: alert.occurredAt,
    };
    await review.dispose(alert.alertId, disposition);

    // Act: the batch is redelivered
    await writer.write([alert]);

    // Assess
    const stored = await review.get(alert.alertId);
    expect(stored).toMatchObject({ alertId: alert.alertId, status: 'closed', disposition });
  });
});

describe('DynamoSubjectAlerts', () => {
  it("finds a subject's alerts by its event ids and by the index, and no one else's", async () => {
    // Prepare: two of Anna's alerts (one whose event id she no longer names) and one of Bert's
    const { writer, subjects } = await anAlertsTable();
    const [named, older, other] = [
      anAlert({ subject: ANNA }),
      anAlert({ subject: ANNA }),
      anAlert({ subject: BERT }),
    ];
    await writer.write([named, older, other]);

    // Act: with one of Bert's event ids among those asked for
    const found = await subjects.ofSubject(ANNA, [named.alertId, other.alertId]);

    // Assess: the records without the table's own attributes
    expect(found.map((a) => a.alertId).sort()).toEqual([named.alertId, older.alertId].sort());
    expect(found.every((a) => !('pk' in a) && !('gsi1pk' in a) && !('ttl' in a))).toBe(true);
  });

  it("erases a subject's alerts and says how many", async () => {
    // Prepare
    const { writer, review, subjects } = await anAlertsTable();
    const [anna, bert] = [anAlert({ subject: ANNA }), anAlert({ subject: BERT })];
    await writer.write([anna, bert]);

    // Act
    const erased = await subjects.eraseSubject(ANNA, [anna.alertId]);

    // Assess
    expect(erased).toBe(1);
    expect(await review.get(anna.alertId)).toBeUndefined();
    expect(await review.get(bert.alertId)).toBeDefined();
  });
});
