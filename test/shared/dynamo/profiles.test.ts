import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../../src/shared/decision.ts';
import type { Observation, ProfileKey } from '../../../src/shared/profile.ts';
import { DynamoProfileStore } from '../../../src/shared/dynamo/profiles.ts';
import { encodeObservation } from '../../../src/shared/dynamo/profile-items.ts';
import type { ProfileWrite } from '../../../src/shared/profile.ts';
import { PROFILE_LIMITS } from '../../../src/shared/ports/profiles.ts';
import type { Pseudonym, SubjectPseudonym } from '../../../src/shared/pseudonymise.ts';
import { countCommands, useDynalite } from '../../support/local-dynamo.ts';
import { scanRaw } from '../../support/raw-scan.ts';
import { describeProfileStoreContract } from '../ports/profiles.contract.ts';
import { dynamoStores } from '../../factories/stores.ts';

const dynalite = useDynalite('t');

/** The stores on tables of their own (a fresh stage), so that no test sees another's data. */
async function freshStore() {
  const tables = await dynalite.newTables();
  const client = dynalite.local.client();
  const { profiles, decisions, subjects } = dynamoStores(client, tables);
  return { store: profiles, decisions, subjects, client, tables };
}

describeProfileStoreContract('DynamoDB (dynalite)', async () => {
  const { store, client } = await freshStore();
  return { store, close: async () => client.destroy() };
});

describe('DynamoProfileStore request budget', () => {
  const T0 = Date.parse('2026-11-24T08:00:00Z');
  const keys: ProfileKey[] = ['ip#v1:ip-1', 'subject#v1:s-1', 'client#v1:c-1'];
  let sequence = 0;
  const aLogin = (at: number): ProfileWrite => {
    const observation: Observation = {
      eventId: `budget-${++sequence}`,
      kind: 'login',
      at,
      expiresAt: Math.floor(at / 1000) + 90 * 86_400,
      ip: 'v1:ip-1' as Pseudonym,
      outcome: 'success',
      country: 'NL',
    };
    return { observation, keys, login: { outcome: 'success', unknownUser: false, country: 'NL' } };
  };

  it('sends few requests per operation', async () => {
    // Prepare
    const { store, decisions, client } = await freshStore();
    const counter = countCommands(client);
    const decision: Decision = {
      eventId: 'budget-decision',
      eventType: 'login',
      score: 0,
      decision: 'allow',
      reasons: [],
      rulesetVersion: 'test',
    };
    const measured: Record<string, Record<string, number>> = {};

    // Act
    await store.load(keys, T0);
    measured['load, cold cache'] = counter.take();
    await store.load(keys, T0 + 1000);
    measured['load, warm cache'] = counter.take();
    await store.record([aLogin(T0)]);
    measured['record after load, 3 new profiles + counters'] = counter.take();
    await store.load(keys, T0 + 1000);
    counter.take();
    await store.record([aLogin(T0 + 1000)]);
    measured['record after load, 3 existing profiles + counters'] = counter.take();
    for (let i = 2; i < PROFILE_LIMITS.login + 2; i++) await store.record([aLogin(T0 + i * 1000)]);
    await store.load(keys, T0 + 100_000);
    counter.take();
    await store.record([aLogin(T0 + 100_000)]);
    measured['record after load, 3 profiles at their limit + counters'] = counter.take();
    await store.record([aLogin(T0 + 101_000)]);
    measured['record without a load, 3 profiles at their limit + counters'] = counter.take();
    await decisions.findDecision(decision.eventId);
    measured['findDecision'] = counter.take();
    await decisions.saveDecision(decision, Math.floor(Date.now() / 1000) + 3600);
    measured['saveDecision'] = counter.take();

    // Assess
    expect(measured).toEqual({
      'load, cold cache': { BatchGetItemCommand: 2 },
      'load, warm cache': { BatchGetItemCommand: 1 },
      // One UpdateItem per profile (the load told the store what each item holds) and one for the counters.
      'record after load, 3 new profiles + counters': { UpdateItemCommand: 3 + 1 },
      'record after load, 3 existing profiles + counters': { UpdateItemCommand: 3 + 1 },
      'record after load, 3 profiles at their limit + counters': { UpdateItemCommand: 3 + 1 },
      // Without a load: the update, then the trim of the oldest login, per profile.
      'record without a load, 3 profiles at their limit + counters': { UpdateItemCommand: 3 * 2 + 1 },
      findDecision: { GetItemCommand: 1 },
      saveDecision: { PutItemCommand: 1 },
    });
  });

  it('remembers nothing of its reads when it does not write, and reads the same', async () => {
    // Prepare: profiles at their limit, written by a writing store.
    const { store, client, tables } = await freshStore();
    for (let i = 0; i < PROFILE_LIMITS.login + 1; i++) await store.record([aLogin(T0 + i * 1000)]);
    const reader = new DynamoProfileStore({ client, table: tables.profiles, writes: false });
    const counter = countCommands(client);

    // Act
    const [read, readByWriter] = [
      await reader.load(keys, T0 + 100_000),
      await store.load(keys, T0 + 100_000),
    ];
    counter.take();
    await reader.record([aLogin(T0 + 100_000)]);
    const afterItsLoad = counter.take();

    // Assess: the same profiles; its write after a load takes the path of a write without one.
    expect(read.profiles).toEqual(readByWriter.profiles);
    expect(read.profiles.get(keys[0]!)?.observations).toHaveLength(PROFILE_LIMITS.login);
    expect(afterItsLoad).toEqual({ UpdateItemCommand: 3 * 2 + 1 });
  });
});

describe('DynamoProfileStore items', () => {
  const T0 = Date.parse('2026-11-24T08:00:00Z');
  const key: ProfileKey = 'ip#v1:ip-ttl';
  const anObservation = (eventId: string, kind: Observation['kind'], days: number): Observation => ({
    eventId,
    kind,
    at: T0,
    expiresAt: T0 / 1000 + days * 86_400,
  });

  it('keeps the item ttl at the latest expiry of what it holds, never lowering it', async () => {
    // Prepare
    const { store, client, tables } = await freshStore();

    // Act
    await store.record([{ observation: anObservation('login-1', 'login', 90), keys: [key] }]);
    await store.record([{ observation: anObservation('browse-1', 'browse', 30), keys: [key] }]);

    // Assess
    const { Item } = await client.send(new GetCommand({ TableName: tables.profiles, Key: { pk: key } }));
    expect(Item?.ttl).toBe(T0 / 1000 + 90 * 86_400);
    expect(Object.keys(Item?.obs as object).sort()).toEqual(['browse-1', 'login-1']);
  });

  it('stores a prototype-named event id under an escaped key, and still reads and erases one stored unescaped (the emptied items with it)', async () => {
    // Prepare: `__proto__` as a store without the escaping left it (a path update: `obs.__proto__`)
    const { store, subjects, client, tables } = await freshStore();
    const subject = 'v1:subject-legacy' as SubjectPseudonym;
    const subjectKey: ProfileKey = `subject#${subject}`;
    const keys: ProfileKey[] = [subjectKey, key];
    const obsOf = async (pk: ProfileKey) =>
      (await scanRaw(dynalite.local.endpoint, tables.profiles)).find((item) => item.pk?.S === pk)?.obs?.M;
    const observation = (eventId: string): Observation => ({
      ...anObservation(eventId, 'login', 90),
      subject,
    });
    await store.record([{ observation: observation('login-1'), keys }]);
    await client.send(
      new UpdateCommand({
        TableName: tables.profiles,
        Key: { pk: subjectKey },
        UpdateExpression: 'SET #obs.#id = :o',
        ExpressionAttributeNames: { '#obs': 'obs', '#id': '__proto__' },
        ExpressionAttributeValues: { ':o': encodeObservation(observation('__proto__')) },
      }),
    );
    await new DynamoProfileStore({ client, table: tables.profiles }).record([
      { observation: observation('constructor'), keys },
    ]);

    // Act
    const names = Object.keys((await obsOf(subjectKey))!).sort();
    const loaded = await store.load([subjectKey], T0);
    const held = await subjects.observationsOf(subject, T0);
    await subjects.forget(subject, ['login']);

    // Assess
    expect(names).toEqual(['__proto__', 'login-1', '~constructor']);
    const ids = ['__proto__', 'constructor', 'login-1'];
    expect(
      loaded.profiles
        .get(subjectKey)
        ?.observations.map((o) => o.eventId)
        .sort(),
    ).toEqual(ids);
    expect(
      held
        .filter((h) => h.key === subjectKey)
        .map((h) => h.observation.eventId)
        .sort(),
    ).toEqual(ids);
    expect(await scanRaw(dynalite.local.endpoint, tables.profiles)).toEqual([]);
  });
});
