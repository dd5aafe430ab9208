import './quiet.ts';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreDepsFromEnv } from '../../src/api/deps.ts';
import { scoreOrder, type ScoreDeps } from '../../src/api/score.ts';
import { PROFILE_FREE_RULES } from '../../src/rules/profile-free.ts';
import { ScoreResponseSchema } from '../../src/api/schemas.ts';
import { RULES } from '../../src/rules/index.ts';
import { ProfileView } from '../../src/rules/rule.ts';
import { resolveConfig } from '../../src/rules/config.ts';
import { Detector } from '../../src/pipeline/detector.ts';
import type { ProfileSnapshot } from '../../src/shared/profile.ts';
import { DynamoProfileStore } from '../../src/shared/dynamo/profiles.ts';
import { anOrder } from '../factories/events.ts';
import { factsOf, testPseudonymiser } from '../factories/pipeline.ts';
import { aRecentOrder } from '../factories/api.ts';
import { countCommands } from '../support/local-dynamo.ts';
import { type ApiHarness, itemCounts, startApi } from './support.ts';
import { dynamoStores } from '../factories/stores.ts';

let api: ApiHarness;

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api.close();
});

/** A 499.50 EUR order billed to Germany, shipped to the Netherlands, from a Dutch address. */
const aMismatchedOrder = () => aRecentOrder({ order: { amountMinor: 49_950, billingCountry: 'DE' } });

/** The stream consumer's detector over the API's tables: what the stream writes, the score reads. */
const streamDetector = (): Detector => {
  const { profiles: store, decisions } = dynamoStores(api.client, api.tables);
  return new Detector({ store, decisions, pseudonymiser: testPseudonymiser(), config: resolveConfig() });
};

describe('POST /v1/score', () => {
  it("answers the contract's decision with the ruleset version", async () => {
    // Prepare
    const order = aMismatchedOrder();

    // Act
    const answer = await api.call('scoreOrder', { as: 'order-flow', body: order });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      eventId: order.eventId,
      rulesetVersion: resolveConfig().rulesetVersion,
    });
    expect((answer.body.reasons as { code: string }[]).map((r) => r.code)).toContain('COUNTRY_MISMATCH');
    expect(answer.body.degraded).toBeUndefined();
  });

  it('reads the profiles the stream wrote: a fourth order within the hour is ORDER_VELOCITY', async () => {
    // Prepare: three orders of one customer through the pipeline (as the stream consumer would)
    const detector = streamDetector();
    const customerId = 'C7000001';
    for (let i = 0; i < 3; i++)
      await detector.process(aRecentOrder({ customerId, order: { orderId: `O-${i}` } }));

    // Act
    const answer = await api.call('scoreOrder', { as: 'order-flow', body: aRecentOrder({ customerId }) });

    // Assess
    expect(answer.status).toBe(200);
    expect((answer.body.reasons as { code: string }[]).map((r) => r.code)).toContain('ORDER_VELOCITY');
  });

  it('never writes: every table holds the same items after a burst of scores', async () => {
    // Prepare
    const before = await itemCounts(api);

    // Act
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        api.call('scoreOrder', { as: 'order-flow', body: aMismatchedOrder() }),
      ),
    );

    // Assess
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(await itemCounts(api)).toEqual(before);
  });

  it.each([
    [
      'a negative amount',
      { ...anOrder(), order: { ...anOrder().order, amountMinor: -1 } },
      'order.amountMinor',
    ],
    ['a login event', { ...anOrder(), type: 'login' }, 'type'],
    ['a missing eventId', { ...anOrder(), eventId: undefined }, 'eventId'],
    [
      'an event from the day after tomorrow',
      anOrder({ occurredAt: new Date(Date.now() + 2 * 86_400_000).toISOString() }),
      'occurredAt',
    ],
  ])('answers 400 naming the field for %s', async (_, body, field) => {
    // Act
    const answer = await api.call('scoreOrder', { as: 'order-flow', body });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'INVALID_REQUEST', field });
    expect((answer.body.error as { message: string }).message).toMatch(
      new RegExp(`^${field.replace('.', '\\.')}: `),
    );
  });

  it('answers 400 for a body that is not JSON, without quoting it', async () => {
    // Act
    const answer = await api.call('scoreOrder', {
      as: 'order-flow',
      rawBody: '{"eventId": "secret-customer',
    });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({
      code: 'INVALID_REQUEST',
      message: '(body): expected a JSON body',
    });
    expect(JSON.stringify(answer.body)).not.toContain('secret-customer');
  });
});

describe("POST /v1/score and the customer's controls (the detection path of the stream, read-only)", () => {
  /** Orders of two other customers on `deviceId`, through the stream's detector: the device's stored profile. */
  async function aSharedDevice(deviceId: string): Promise<void> {
    const detector = streamDetector();
    for (const customerId of [`${deviceId}-a`, `${deviceId}-b`]) {
      await detector.process(aRecentOrder({ customerId, deviceId, order: { orderId: `O-${customerId}` } }));
    }
  }
  const codes = (answer: { body: Record<string, unknown> }) =>
    (answer.body.reasons as { code: string }[]).map((r) => r.code);

  it.each([
    [
      'objection',
      'objectToProfiling',
      (customerId: string) => ({ body: { customerId, scope: 'profiling' } }),
    ],
    [
      'restriction',
      'restrictSubject',
      (customerId: string) => ({ path: `/v1/subjects/${customerId}/restriction` }),
    ],
  ] as const)(
    "answers PROFILING_SUPPRESSED for a customer's %s, on no stored profile",
    async (basis, route, request) => {
      // Prepare: a device two other customers ordered from (DEVICE_MANY_ACCOUNTS for a third one)
      const deviceId = `d-${basis}`;
      await aSharedDevice(deviceId);
      const controlled = `C-${basis}`;
      const asked = await api.call(route, { as: 'privacy-service', ...request(controlled) });
      expect(asked.status).toBe(200);

      // Act
      const answer = await api.call('scoreOrder', {
        as: 'order-flow',
        body: aRecentOrder({ customerId: controlled, deviceId }),
      });
      const unrestricted = await api.call('scoreOrder', {
        as: 'order-flow',
        body: aRecentOrder({ customerId: `C-free-${basis}`, deviceId }),
      });

      // Assess
      expect(codes(unrestricted)).toContain('DEVICE_MANY_ACCOUNTS');
      expect(answer.status).toBe(200);
      expect(answer.body.degraded).toBeUndefined();
      expect(codes(answer)).toContain('PROFILING_SUPPRESSED');
      const suppressed = (answer.body.reasons as { code: string; evidence: object }[]).find(
        (r) => r.code === 'PROFILING_SUPPRESSED',
      );
      expect(suppressed?.evidence).toMatchObject({ basis });
      expect(codes(answer).filter((c) => c !== 'PROFILING_SUPPRESSED' && !PROFILE_FREE_RULES.has(c))).toEqual(
        [],
      );
    },
  );

  it("scores an order the stream decided already afresh, to the stream's decision", async () => {
    // Prepare
    await aSharedDevice('d-decided');
    const detector = streamDetector();
    const order = aRecentOrder({ customerId: 'C-decided', deviceId: 'd-decided' });
    const streamed = await detector.process(order);

    // Act
    const answer = await api.call('scoreOrder', { as: 'order-flow', body: order });

    // Assess
    if (streamed.kind !== 'decision') throw new Error('the stream rejected the order');
    const { eventId, score, decision, reasons, rulesetVersion } = streamed.decision;
    expect(answer.body).toEqual({ eventId, score, decision, reasons, rulesetVersion });
    expect(reasons).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'DEVICE_MANY_ACCOUNTS' })]),
    );
  });

  it('sends no write command, for a new, an objecting and an already decided customer', async () => {
    // Prepare: the score's own client, its commands counted
    await aSharedDevice('d-count');
    const pseudonymiser = testPseudonymiser();
    const writer = dynamoStores(api.client, api.tables);
    const decided = aRecentOrder({ customerId: 'C-count-decided', deviceId: 'd-count' });
    await new Detector({
      store: writer.profiles,
      decisions: writer.decisions,
      pseudonymiser,
      config: resolveConfig(),
    }).process(decided);
    await writer.subjects.setControls(pseudonymiser.of('subject', 'C-count-objecting'), {
      objection: { scope: 'profiling', at: Date.now() },
    });
    const client = api.local.client();
    const counter = countCommands(client);
    const deps: ScoreDeps = {
      store: new DynamoProfileStore({ client, table: api.tables.profiles, writes: false }),
      pseudonymiser,
      config: resolveConfig(),
      budgetMs: 10_000,
      failPolicy: 'open',
    };
    const orders = [
      aRecentOrder({ customerId: 'C-count-new', deviceId: 'd-count' }),
      aRecentOrder({ customerId: 'C-count-objecting', deviceId: 'd-count' }),
      decided,
    ];

    // Act
    const answers = [];
    for (const order of orders) answers.push(await scoreOrder(order, deps));
    client.destroy();

    // Assess
    expect(answers.map((a) => a.degraded)).toEqual([undefined, undefined, undefined]);
    expect(answers[1]!.reasons.map((r) => r.code)).toContain('PROFILING_SUPPRESSED');
    expect(counter.take()).toEqual({ BatchGetItemCommand: 3 });
  });
});

describe('scoreOrder reads', () => {
  it("an order's profiles without the shop-wide login counters, which no order rule uses", async () => {
    // Prepare: a store that records what it was asked
    const asked: { keys: readonly string[]; shopWide: boolean | undefined }[] = [];
    const store: ScoreDeps['store'] = {
      load: async (keys, _at, options) => {
        asked.push({ keys, shopWide: options?.shopWide });
        return { profiles: new Map() };
      },
    };
    const config = resolveConfig();

    // Act
    const answer = await scoreOrder(aRecentOrder(), {
      store,
      pseudonymiser: testPseudonymiser(),
      config,
      budgetMs: 150,
      failPolicy: 'open',
    });

    // Assess
    expect(answer.degraded).toBeUndefined();
    expect(asked).toHaveLength(1);
    expect(asked[0]!.shopWide).toBe(false);
    expect(asked[0]!.keys.some((k) => k.startsWith('subject#'))).toBe(true);
  });
});

describe('scoreOrder when the profile store is slow or down', () => {
  const never: ScoreDeps['store'] = { load: () => new Promise(() => {}) };
  const failing: ScoreDeps['store'] = { load: async () => Promise.reject(new Error('connect ECONNREFUSED')) };
  const deps = (store: ScoreDeps['store'], failPolicy: ScoreDeps['failPolicy'] = 'open'): ScoreDeps => ({
    store,
    pseudonymiser: testPseudonymiser(),
    config: resolveConfig(),
    budgetMs: 60,
    failPolicy,
  });

  it('answers within the budget from the rules that need no profile, degraded, failing open', async () => {
    // Prepare
    const order = aMismatchedOrder();
    const started = performance.now();

    // Act
    const answer = await scoreOrder(order, deps(never), started);
    const elapsed = performance.now() - started;

    // Assess
    expect(elapsed).toBeLessThan(60 + 25);
    expect(ScoreResponseSchema.parse(answer)).toMatchObject({
      degraded: true,
      failPolicy: 'open',
      decision: 'review',
    });
    expect(answer.reasons.map((r) => r.code)).toContain('COUNTRY_MISMATCH');
    expect(answer.reasons.every((r) => PROFILE_FREE_RULES.has(r.code))).toBe(true);
  });

  it('denies when failing closed, and treats a failing store like a slow one', async () => {
    // Act
    const answer = await scoreOrder(aRecentOrder(), deps(failing, 'closed'));

    // Assess
    expect(answer).toMatchObject({ degraded: true, failPolicy: 'closed', decision: 'deny' });
  });

  it('answers degraded through the handler, never a 5xx, when DynamoDB is stopped', async () => {
    // Prepare: a harness of its own whose dynalite is then stopped
    const down = await startApi({ VIGIL_SCORE_BUDGET_MS: '100' });
    await down.call('scoreOrder', { as: 'order-flow', body: aRecentOrder() }); // warm: the cold start is not the budget's
    await down.local.close();
    const started = performance.now();

    // Act
    const answer = await down.call('scoreOrder', { as: 'order-flow', body: aMismatchedOrder() });
    const elapsed = performance.now() - started;
    await down.close();

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ degraded: true, failPolicy: 'open', decision: 'review' });
    expect(elapsed).toBeLessThan(100 + 50);
  });
});

/** Sets environment variables; the returned function puts the previous values back. */
function withEnv(vars: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

describe('scoreDepsFromEnv', () => {
  it('abandons a profile read on the wire once the budget is over, so none queue up behind a hung store', async () => {
    // Prepare: a "DynamoDB" that accepts requests and never answers
    const hung: IncomingMessage[] = [];
    const server = createServer((req) => void hung.push(req));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const restore = withEnv({
      AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      VIGIL_SCORE_BUDGET_MS: '50',
    });
    const deps = await scoreDepsFromEnv();

    // Act: on a stalled machine a whole batch can give up before any read reaches the wire; another batch then goes
    const answers: Awaited<ReturnType<typeof scoreOrder>>[] = [];
    for (let batch = 0; batch < 5 && hung.length === 0; batch++) {
      answers.push(
        ...(await Promise.all(Array.from({ length: 60 }, () => scoreOrder(aRecentOrder(), deps)))),
      );
    }
    // The client's own request timeout is 5 s: every hung read closed well before that was abandoned at its budget.
    const started = performance.now();
    const settled = () => hung.length > 0 && hung.every((req) => req.socket.destroyed);
    while (!settled() && performance.now() - started < 2_000) {
      await new Promise((r) => setTimeout(r, 20));
    }
    restore();

    // Assess
    expect(answers.every((a) => a.degraded)).toBe(true);
    expect(hung.length).toBeGreaterThan(0);
    expect(hung.every((req) => req.socket.destroyed)).toBe(true);
    server.closeAllConnections();
    server.close();
  });

  it('refuses a budget or fail policy it does not know, naming the variable', async () => {
    // Act
    let restore = withEnv({ VIGIL_SCORE_BUDGET_MS: 'fast' });
    const badBudget = scoreDepsFromEnv();
    await expect(badBudget).rejects.toThrow(/VIGIL_SCORE_BUDGET_MS/);
    restore();
    restore = withEnv({ VIGIL_SCORE_FAIL_POLICY: 'sometimes' });
    const badPolicy = scoreDepsFromEnv();

    // Assess
    await expect(badPolicy).rejects.toThrow(/VIGIL_SCORE_FAIL_POLICY/);
    restore();
  });
});

describe('PROFILE_FREE_RULES', () => {
  /** A view whose every read throws: a rule that evaluates without touching it needs no profile. */
  const untouchable = new ProfileView({
    get profiles(): never {
      throw new Error('profile read');
    },
    get global(): never {
      throw new Error('profile read');
    },
  } as unknown as ProfileSnapshot);
  const config = resolveConfig();
  const orders = [
    anOrder(),
    anOrder({
      order: {
        amountMinor: 300,
        paymentMethod: 'card',
        accountCreatedAt: '2026-11-23T10:00:00Z',
        paymentFingerprint: 'card-1',
        shippingAddressId: 'addr-1',
      },
    }),
    anOrder({
      order: {
        amountMinor: 90_000,
        billingCountry: 'DE',
        accountCreatedAt: '2026-11-23T10:00:00Z',
        paymentFingerprint: 'card-1',
        shippingAddressId: 'addr-1',
      },
      userAgent: 'curl/8.0',
      sessionId: 's-1',
    }),
  ].map((o) => factsOf(o));
  const orderRules = RULES.filter((rule) => rule.appliesTo.includes('order'));

  it.each(orderRules.map((rule) => [rule.code, rule] as const))(
    '%s is listed exactly when it reads no profile',
    (code, rule) => {
      // Act
      const reads = orders.some((facts) => {
        try {
          rule.evaluate(facts, untouchable, config.rules[code]!);
          return false;
        } catch (err) {
          if ((err as Error).message !== 'profile read') throw err;
          return true;
        }
      });

      // Assess
      expect(PROFILE_FREE_RULES.has(code)).toBe(!reads);
    },
  );
});
