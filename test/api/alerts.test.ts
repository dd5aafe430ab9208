import './quiet.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoAuditLog } from '../../src/shared/dynamo/audit.ts';
import { resolveConfig } from '../../src/rules/config.ts';
import { consumeBatch } from '../../src/pipeline/consume.ts';
import { DynamoDeadLetterWriter } from '../../src/shared/dynamo/dead-letters.ts';
import { DynamoAlertWriter } from '../../src/shared/dynamo/alerts.ts';
import { type Alert } from '../../src/shared/ports/alerts.ts';
import { aFailedLogin } from '../factories/events.ts';
import { aKinesisEvent, toStreamRecords } from '../factories/kinesis.ts';
import { testPseudonymiser } from '../factories/pipeline.ts';
import { anAlert } from '../factories/api.ts';
import { type ApiHarness, startApi } from './support.ts';
import { dynamoStores } from '../factories/stores.ts';

let api: ApiHarness;
let writer: DynamoAlertWriter;

beforeAll(async () => {
  api = await startApi();
  writer = new DynamoAlertWriter({ client: api.client, table: api.tables.alerts });
});
afterAll(async () => {
  await api.close();
});

type ApiAlert = { alertId: string; occurredAt: string; status: string; score: number; disposition?: unknown };
const at = (minute: number) => `2026-11-20T10:${String(minute).padStart(2, '0')}:00.000Z`;

/** Writes alerts as the stream consumer does. */
async function seed(alerts: Alert[]): Promise<Alert[]> {
  await writer.write(alerts);
  return alerts;
}

/** Every page of a listing, following the cursor (at most 50 pages). */
async function allPages(query: string): Promise<{ pages: number; alerts: ApiAlert[] }> {
  const alerts: ApiAlert[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const answer = await api.call('listAlerts', {
      as: 'analyst',
      query: cursor ? `${query}&cursor=${cursor}` : query,
    });
    expect(answer.status).toBe(200);
    alerts.push(...(answer.body.alerts as ApiAlert[]));
    cursor = answer.body.cursor as string | undefined;
    pages++;
  } while (cursor && pages < 50);
  return { pages, alerts };
}

describe('GET /v1/alerts', () => {
  it('pages through open and closed alerts newest first, each once, with an opaque cursor', async () => {
    // Prepare: 12 alerts in a window of their own, 5 of them closed
    const alerts = await seed(Array.from({ length: 12 }, (_, i) => anAlert({ occurredAt: at(i) })));
    for (const alert of alerts.filter((_, i) => i % 3 === 0 || i === 11)) {
      await api.call('disposeAlert', {
        as: 'analyst',
        path: `/v1/alerts/${alert.alertId}/disposition`,
        body: { verdict: 'fraud' },
      });
    }

    // Act
    const { pages, alerts: listed } = await allPages(`from=${at(0)}&to=${at(11)}&limit=5`);

    // Assess
    expect(pages).toBe(3);
    expect(listed.map((a) => a.alertId)).toEqual(alerts.map((a) => a.alertId).reverse());
    expect(new Set(listed.map((a) => a.status))).toEqual(new Set(['open', 'closed']));
  });

  it('filters by status, decision, event type, reason, minimum score and time', async () => {
    // Prepare
    const window = (m: number) => `2026-11-21T10:${String(m).padStart(2, '0')}:00.000Z`;
    const [deny, order, lowScore, other] = await seed([
      anAlert({ occurredAt: window(1), decision: 'deny', score: 90 }),
      anAlert({
        occurredAt: window(2),
        eventType: 'order',
        score: 60,
        reasons: [{ code: 'COUNTRY_MISMATCH', points: 60, message: 'm', evidence: {} }],
      }),
      anAlert({ occurredAt: window(3), score: 41 }),
      anAlert({ occurredAt: '2026-11-22T10:00:00.000Z' }),
    ]);
    const range = `from=${window(0)}&to=${window(59)}`;

    // Act
    const [byDecision, byType, byReason, byScore, byTime, byStatus] = await Promise.all([
      allPages(`${range}&decision=deny`),
      allPages(`${range}&eventType=order`),
      allPages(`${range}&reason=COUNTRY_MISMATCH`),
      allPages(`${range}&minScore=50`),
      allPages(`from=2026-11-22T11:00:00%2B01:00&to=2026-11-22T10:00:00Z`),
      allPages(`${range}&status=closed`),
    ]);

    // Assess
    expect(byDecision.alerts.map((a) => a.alertId)).toEqual([deny!.alertId]);
    expect(byType.alerts.map((a) => a.alertId)).toEqual([order!.alertId]);
    expect(byReason.alerts.map((a) => a.alertId)).toEqual([order!.alertId]);
    expect(byScore.alerts.map((a) => a.alertId)).toEqual([order!.alertId, deny!.alertId]);
    expect(byTime.alerts.map((a) => a.alertId)).toEqual([other!.alertId]);
    expect(byStatus.alerts).toEqual([]);
    expect(lowScore).toBeDefined();
  });

  it('lists the alerts that share a pseudonym: their subject or any of their entities', async () => {
    // Prepare: one device behind three accounts, and an alert of another device
    const window = (m: number) => `2026-11-19T10:${String(m).padStart(2, '0')}:00.000Z`;
    const device = 'v1:deviceAAAAAAAAAAAAAAAA' as Alert['subject'];
    const [first, second, , ownSubject] = await seed([
      anAlert({ occurredAt: window(1), entities: { device } }),
      anAlert({ occurredAt: window(2), entities: { device, ip: 'v1:ipBBBBBBBBBBBBBBBBBBBB' as never } }),
      anAlert({ occurredAt: window(3), entities: { device: 'v1:deviceBBBBBBBBBBBBBBBB' as never } }),
      anAlert({
        occurredAt: window(4),
        subject: device,
        entities: { ip: 'v1:ipCCCCCCCCCCCCCCCCCCCC' as never },
      }),
    ]);

    // Act
    const linked = await allPages(`from=${window(0)}&to=${window(59)}&entity=${device}`);

    // Assess
    expect(linked.alerts.map((a) => a.alertId)).toEqual([
      ownSubject!.alertId,
      second!.alertId,
      first!.alertId,
    ]);
  });

  it.each([
    ['entity=v1:short', 'entity'],
    ['minScore=high', 'minScore'],
    ['minScore=101', 'minScore'],
    ['status=pending', 'status'],
    ['from=yesterday', 'from'],
    ['limit=0', 'limit'],
    ['cursor=bm90IGEgY3Vyc29y', 'cursor'],
    ['colour=red', 'colour'],
    ['from=2026-11-22T00:00:00Z&to=2026-11-21T00:00:00Z', 'from'],
  ])('answers 400 naming the field for %s', async (query, field) => {
    // Act
    const answer = await api.call('listAlerts', { as: 'analyst', query });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'INVALID_REQUEST', field });
  });
});

describe('GET /v1/alerts/{id}', () => {
  it("shows the decision, reasons with evidence and the subject's timeline with expiry", async () => {
    // Prepare: eight failed logins of one account through the real consumer (recent: the API reads on the real clock)
    const now = Date.now();
    const events = Array.from({ length: 8 }, (_, i) =>
      aFailedLogin('bad_password', {
        customerId: 'C3000003',
        occurredAt: new Date(now - 120_000 + i * 1000).toISOString(),
      }),
    );
    const { profiles, decisions } = dynamoStores(api.client, api.tables);
    const result = await consumeBatch(toStreamRecords(aKinesisEvent(events)), {
      store: profiles,
      decisions,
      pseudonymiser: testPseudonymiser(),
      config: resolveConfig(),
      alerts: writer,
      deadLetters: new DynamoDeadLetterWriter({ client: api.client, table: api.tables.deadLetters }),
    });
    const alertId = result.alerts.at(-1)!.alertId;

    // Act
    const answer = await api.call('getAlert', { as: 'analyst', path: `/v1/alerts/${alertId}` });

    // Assess
    expect(answer.status).toBe(200);
    const { alert, timeline } = answer.body as {
      alert: { reasons: { code: string; evidence: object }[]; rulesetVersion: string; status: string };
      timeline: { profile: string; observations: { eventId: string; expiresAt: string; at: string }[] };
    };
    expect(alert.status).toBe('open');
    expect(alert.rulesetVersion).toBe(resolveConfig().rulesetVersion);
    expect(alert.reasons.find((r) => r.code === 'BRUTE_FORCE')?.evidence).toBeDefined();
    expect(timeline.profile).toMatch(/^subject#v1:/);
    expect(timeline.observations.map((o) => o.eventId)).toEqual(events.map((e) => e.eventId).reverse());
    for (const o of timeline.observations) expect(Date.parse(o.expiresAt)).toBeGreaterThan(Date.parse(o.at));
    expect(JSON.stringify(answer.body)).not.toContain('C3000003');
  });

  it('answers 404 for an unknown alert and 400 for an impossible id', async () => {
    // Act
    const missing = await api.call('getAlert', { as: 'analyst', path: '/v1/alerts/no-such-alert' });
    const bad = await api.call('getAlert', { as: 'analyst', path: '/v1/alerts/bad%20id' });

    // Assess
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'INVALID_REQUEST', field: 'id' });
  });
});

describe('POST /v1/alerts/{id}/disposition', () => {
  it('closes the alert keeping who and when; it stays readable and cannot be disposed of twice', async () => {
    // Prepare
    const [alert] = await seed([anAlert({ occurredAt: '2026-11-19T10:00:00.000Z' })]);
    const path = `/v1/alerts/${alert!.alertId}/disposition`;

    // Act
    const closed = await api.call('disposeAlert', {
      as: 'analyst',
      path,
      body: { verdict: 'legitimate', note: 'traveller' },
    });
    const again = await api.call('disposeAlert', { as: 'analyst', path, body: { verdict: 'fraud' } });
    await writer.write([alert!]); // the stream redelivers the event
    const read = await api.call('getAlert', { as: 'analyst', path: `/v1/alerts/${alert!.alertId}` });

    // Assess
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({
      status: 'closed',
      disposition: { verdict: 'legitimate', note: 'traveller', by: 'local:analyst' },
    });
    expect(Date.now() - Date.parse((closed.body.disposition as { at: string }).at)).toBeLessThan(60_000);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'ALREADY_DISPOSED' });
    expect(read.status).toBe(200);
    expect((read.body.alert as ApiAlert).disposition).toEqual(closed.body.disposition);
  });

  it.each([
    ['an unknown verdict', { verdict: 'maybe' }, 'verdict'],
    ['no verdict', {}, 'verdict'],
    ['a note over 2000 chars', { verdict: 'fraud', note: 'x'.repeat(2001) }, 'note'],
    ['a claimed author', { verdict: 'fraud', by: 'someone-else' }, 'by'],
  ])('answers 400 naming the field for %s', async (_, body, field) => {
    // Act
    const answer = await api.call('disposeAlert', {
      as: 'analyst',
      path: '/v1/alerts/any/disposition',
      body,
    });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'INVALID_REQUEST', field });
  });

  it('answers 404 for an unknown alert', async () => {
    // Act
    const answer = await api.call('disposeAlert', {
      as: 'analyst',
      path: '/v1/alerts/no-such-alert/disposition',
      body: { verdict: 'fraud' },
    });

    // Assess
    expect(answer.status).toBe(404);
  });
});

describe('GET /v1/rules/stats', () => {
  it('counts alerts, verdicts and precision per reason code', async () => {
    // Prepare: a window of its own; CARD_TESTING twice fraud, once legitimate, once open, on one day
    const day = (h: number) => `2026-11-18T${String(h).padStart(2, '0')}:00:00.000Z`;
    const card = { code: 'CARD_TESTING', points: 45, message: 'm', evidence: {} } as const;
    const shadow = { code: 'NEW_DEVICE', points: 0, message: 'm', evidence: {}, shadow: true } as const;
    const alerts = await seed([
      anAlert({ occurredAt: day(1), reasons: [card, shadow] }),
      anAlert({ occurredAt: day(2), reasons: [card] }),
      anAlert({ occurredAt: day(3), reasons: [card] }),
      anAlert({ occurredAt: day(4), reasons: [card] }),
    ]);
    const verdicts = ['fraud', 'fraud', 'legitimate'];
    for (const [i, verdict] of verdicts.entries()) {
      await api.call('disposeAlert', {
        as: 'analyst',
        path: `/v1/alerts/${alerts[i]!.alertId}/disposition`,
        body: { verdict },
      });
    }

    // Act
    const answer = await api.call('getRuleStats', { as: 'analyst', query: `from=${day(0)}&to=${day(23)}` });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      alerts: 4,
      rules: [
        {
          code: 'CARD_TESTING',
          alerts: 4,
          open: 1,
          dispositions: { fraud: 2, legitimate: 1, unsure: 0 },
          precision: 0.667,
          days: [{ day: '2026-11-18', alerts: 4, fraud: 2, legitimate: 1 }],
        },
      ],
    });
  });
});

describe('the audit trail', () => {
  it('keeps every analyst read and disposition (who, what, when); only admin reads it, and nobody can change it', async () => {
    // Prepare
    const since = new Date().toISOString();
    const [alert] = await seed([anAlert({ occurredAt: '2026-11-17T10:00:00.000Z' })]);
    await api.call('listAlerts', { as: 'analyst', query: 'status=open&minScore=70' });
    await api.call('getAlert', { as: 'analyst', path: `/v1/alerts/${alert!.alertId}` });
    await api.call('disposeAlert', {
      as: 'analyst',
      path: `/v1/alerts/${alert!.alertId}/disposition`,
      body: { verdict: 'unsure', note: 'ask the customer' },
    });
    await api.call('getRuleStats', { as: 'analyst' });

    // Act
    const read = await api.call('listAudit', { as: 'admin', query: `from=${since}` });
    const byAnalyst = await api.call('listAudit', { as: 'analyst' });

    // Assess
    expect(read.status).toBe(200);
    const entries = read.body.entries as {
      action: string;
      principalId: string;
      role: string;
      target?: string;
      at: string;
      details?: object;
    }[];
    expect(entries.map((e) => e.action)).toEqual([
      'rules.stats',
      'alert.dispose',
      'alert.read',
      'alerts.list',
    ]);
    expect(entries.every((e) => e.principalId === 'local:analyst' && e.role === 'analyst')).toBe(true);
    expect(entries[1]).toMatchObject({
      target: alert!.alertId,
      details: { verdict: 'unsure', noteChars: 16 },
    });
    expect(entries[3]).toMatchObject({ details: { status: 'open', minScore: '70' } });
    expect(byAnalyst.status).toBe(403);
    // The port has no way to change an entry, and no route appends anything but what a caller did.
    const methods = Object.getOwnPropertyNames(DynamoAuditLog.prototype).filter((m) => m !== 'constructor');
    expect(methods.sort()).toEqual(['append', 'list']);
    const again = await api.call('listAudit', { as: 'admin', query: `from=${since}` });
    expect(again.body.entries).toEqual(entries);
  });

  it('pages the trail newest first with a cursor', async () => {
    // Prepare
    const since = new Date(Date.now() - 1000).toISOString();
    for (let i = 0; i < 5; i++) await api.call('getAlert', { as: 'analyst', path: `/v1/alerts/page-${i}` });

    // Act
    const first = await api.call('listAudit', { as: 'admin', query: `from=${since}&limit=3` });
    const second = await api.call('listAudit', {
      as: 'admin',
      query: `from=${since}&limit=3&cursor=${first.body.cursor as string}`,
    });

    // Assess
    const targets = [
      ...(first.body.entries as { target: string }[]),
      ...(second.body.entries as { target: string }[]),
    ]
      .map((e) => e.target)
      .filter((t) => t?.startsWith('page-'));
    expect(targets).toEqual(['page-4', 'page-3', 'page-2', 'page-1', 'page-0']);
  });
  it("filters by principal on the server, pages the principal's entries, and binds the cursor to the principal", async () => {
    // Prepare: the analyst's and the admin's list reads, interleaved
    const since = new Date(Date.now() - 1000).toISOString();
    for (let i = 0; i < 3; i++) {
      await api.call('listEntries', { as: 'analyst' });
      await api.call('listEntries', { as: 'admin' });
    }

    // Act
    const first = await api.call('listAudit', {
      as: 'admin',
      query: `from=${since}&principal=admin&limit=2`,
    });
    const cursor = first.body.cursor as string;
    const second = await api.call('listAudit', {
      as: 'admin',
      query: `from=${since}&principal=admin&limit=2&cursor=${cursor}`,
    });
    const otherPrincipal = await api.call('listAudit', {
      as: 'admin',
      query: `from=${since}&principal=analyst&limit=2&cursor=${cursor}`,
    });
    const tooLong = await api.call('listAudit', { as: 'admin', query: `principal=${'a'.repeat(129)}` });

    // Assess
    const principals = [...(first.body.entries as object[]), ...(second.body.entries as object[])].map(
      (e) => (e as { principalId: string }).principalId,
    );
    expect(principals).toEqual(['local:admin', 'local:admin', 'local:admin']);
    expect(otherPrincipal.status).toBe(400);
    expect(otherPrincipal.body).toMatchObject({ error: { field: 'cursor' } });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toMatchObject({
      error: { field: 'principal', message: 'principal: expected 1–128 characters' },
    });
    expect(JSON.stringify(tooLong.body)).not.toContain('aaaa');
  });
});
