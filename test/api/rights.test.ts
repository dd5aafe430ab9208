import './quiet.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/rules/config.ts';
import type { VigilEvent } from '../../src/shared/contract/events.ts';
import { consumeBatch } from '../../src/pipeline/consume.ts';
import { DynamoDeadLetterWriter } from '../../src/shared/dynamo/dead-letters.ts';
import { DynamoAlertWriter } from '../../src/shared/dynamo/alerts.ts';
import { decodeObservation } from '../../src/shared/dynamo/profile-items.ts';
import type { Observation } from '../../src/shared/profile.ts';
import { aBrowse, aFailedLogin, aLogin } from '../factories/events.ts';
import { aKinesisEvent, toStreamRecords } from '../factories/kinesis.ts';
import { testPseudonymiser } from '../factories/pipeline.ts';
import { type ApiHarness, startApi } from './support.ts';
import { dynamoStores } from '../factories/stores.ts';

let api: ApiHarness;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api.close();
});

/** Streams events through the real consumer into the harness's tables (the API's data). */
async function consume(events: readonly VigilEvent[]): Promise<void> {
  const { profiles, decisions, subjects } = dynamoStores(api.client, api.tables);
  const result = await consumeBatch(toStreamRecords(aKinesisEvent(events)), {
    store: profiles,
    decisions,
    subjects,
    pseudonymiser: testPseudonymiser(),
    config: resolveConfig(),
    alerts: new DynamoAlertWriter({ client: api.client, table: api.tables.alerts }),
    deadLetters: new DynamoDeadLetterWriter({ client: api.client, table: api.tables.deadLetters }),
  });
  expect(result.invalid).toEqual([]);
}

/** A minute-spaced morning of one customer (recent: the consumer runs on the real clock). */
function aMorning(customerId: string) {
  const minute = (n: number) => new Date(Date.now() - (60 - n) * 60_000).toISOString();
  return [
    aLogin({ customerId, occurredAt: minute(1) }),
    aBrowse({ customerId, occurredAt: minute(2), sessionId: `s-${customerId}` }),
    ...Array.from({ length: 6 }, (_, i) =>
      aFailedLogin('bad_password', {
        customerId,
        ip: '185.220.101.4',
        userAgent: 'python-requests/2.31.0',
        occurredAt: minute(10 + i),
      }),
    ),
  ];
}

/** Every observation of the customer's pseudonym in any profile item. */
async function observationsOf(subject: string): Promise<Observation[]> {
  return (await api.scan('profiles')).flatMap((item) =>
    Object.entries((item.obs ?? {}) as Record<string, string>)
      .map(([id, o]) => decodeObservation(o, id))
      .filter((o) => o.subject === subject),
  );
}

describe('POST /v1/subjects/objections', () => {
  it('forgets the customer in every profile, answers a receipt that GET shows, and audits by pseudonym', async () => {
    // Prepare
    await consume(aMorning('C7000001'));

    // Act
    const answer = await api.call('objectToProfiling', {
      as: 'privacy-service',
      body: { customerId: 'C7000001', scope: 'profiling' },
    });
    const receipt = answer.body as {
      requestId: string;
      subject: string;
      observations: Record<string, number>;
    };
    const shown = await api.call('getRightsRequest', {
      as: 'privacy-service',
      path: `/v1/privacy/requests/${receipt.requestId}`,
    });

    // Assess
    expect(answer.status).toBe(200);
    expect(receipt).toMatchObject({ request: 'objection', scope: 'profiling', status: 'completed' });
    expect(receipt.observations).toEqual({ login: 7, browse: 1, search: 0, order: 0 });
    expect(await observationsOf(receipt.subject)).toEqual([]);
    expect(shown).toMatchObject({ status: 200, body: answer.body });
    const audit = (await api.scan('audit')).filter((e) => String(e.action).startsWith('subject.'));
    expect(audit.map((e) => [e.action, e.target, e.role])).toEqual(
      expect.arrayContaining([
        ['subject.object', receipt.subject, 'privacy-service'],
        ['subject.receipt', receipt.requestId, 'privacy-service'],
      ]),
    );
    expect(JSON.stringify(await api.scan('audit'))).not.toContain('C7000001');
  });

  it('answers 400 naming the field for a bad scope, a missing customer id and a request id that is no UUID', async () => {
    // Act
    const answers = await Promise.all([
      api.call('objectToProfiling', {
        as: 'privacy-service',
        body: { customerId: 'C1', scope: 'everything' },
      }),
      api.call('objectToProfiling', { as: 'privacy-service', body: { scope: 'profiling' } }),
      api.call('getRightsRequest', { as: 'privacy-service', path: '/v1/privacy/requests/not-a-uuid' }),
    ]);

    // Assess
    expect(answers.map((a) => a.status)).toEqual([400, 400, 400]);
    expect(answers.map((a) => (a.body.error as { field?: string }).field)).toEqual([
      'scope',
      'customerId',
      'requestId',
    ]);
  });
});

describe('export, restriction and erasure', () => {
  it('exports the signals, alerts, suppressions and restrictions, restricts, lifts, and erases', async () => {
    // Prepare
    await consume(aMorning('C7000002'));
    const path = '/v1/subjects/C7000002';

    // Act
    const exported = await api.call('exportSubject', { as: 'privacy-service', path: `${path}/export` });
    const restricted = await api.call('restrictSubject', {
      as: 'privacy-service',
      path: `${path}/restriction`,
    });
    const duringRestriction = await api.call('exportSubject', {
      as: 'privacy-service',
      path: `${path}/export`,
    });
    const lifted = await api.call('liftRestriction', { as: 'privacy-service', path: `${path}/restriction` });
    const subject = (exported.body as { subject: string }).subject;
    const afterLift = await observationsOf(subject);
    const erased = await api.call('eraseSubject', { as: 'privacy-service', path });
    const afterErasure = await api.call('exportSubject', { as: 'privacy-service', path: `${path}/export` });

    // Assess
    const body = exported.body as {
      subject: string;
      signals: { kind: string; expiresAt: string }[];
      alerts: unknown[];
    };
    console.log('EXPORT', JSON.stringify(exported.body).slice(0, 300), JSON.stringify(erased.body));
    expect(exported.status).toBe(200);
    expect(Object.keys(exported.body)).toEqual(
      expect.arrayContaining(['signals', 'alerts', 'suppressions', 'restrictions']),
    );
    expect(body.signals).toHaveLength(8);
    expect(body.alerts.length).toBeGreaterThan(0);
    expect(JSON.stringify(exported.body)).not.toMatch(/C7000002|185\.220\.101\.4|python-requests/);
    expect(restricted.body).toMatchObject({ request: 'restriction', observations: { login: 7, browse: 1 } });
    expect((duringRestriction.body.restrictions as unknown[]).length).toBe(1);
    expect(lifted.body).toMatchObject({ request: 'lift-restriction', observations: { login: 7, browse: 1 } });
    expect(new Set(afterLift.map((o) => o.eventId)).size).toBe(8);
    expect(erased.body).toMatchObject({ request: 'erasure', alerts: body.alerts.length });
    expect(afterErasure.body).toMatchObject({ signals: [], alerts: [], suppressions: [], restrictions: [] });
    expect(await observationsOf(body.subject)).toEqual([]);
  });
});
