/**
 * The embedded local stack: kinesalite, dynalite and the REAL consumer handler
 * behind the local poller; events put with PutRecords end up as decisions,
 * alerts and dead letters in DynamoDB. And `vigil start --once` end to end.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../src/local/stack.ts';
import { type PutRecord, putRecordsAll } from '../../src/shared/kinesis.ts';
import { aFailedLogin, aLogin } from '../factories/events.ts';
import { TEST_KEY_TEXT } from '../factories/pipeline.ts';
import { vigilInProcess } from '../support/vigil.ts';

let cwd: string;
let home: string;
let savedKey: string | undefined;

beforeAll(() => {
  home = process.cwd();
  cwd = mkdtempSync(join(tmpdir(), 'vigil-stack-'));
  process.chdir(cwd);
  savedKey = process.env.VIGIL_PSEUDONYM_KEY;
  process.env.VIGIL_PSEUDONYM_KEY = TEST_KEY_TEXT;
});
afterAll(() => {
  process.chdir(home);
  rmSync(cwd, { recursive: true, force: true });
  if (savedKey === undefined) delete process.env.VIGIL_PSEUDONYM_KEY;
  else process.env.VIGIL_PSEUDONYM_KEY = savedKey;
});

const record = (event: object): PutRecord => {
  const e = event as { customerId?: string; sessionId?: string; ip: string };
  return {
    partitionKey: e.customerId ?? e.sessionId ?? e.ip,
    data: Buffer.from(JSON.stringify(event)),
  };
};

async function scan(stack: LocalStack, table: string): Promise<Record<string, unknown>[]> {
  const { Items } = await stack.dynamoClient().send(new ScanCommand({ TableName: table }));
  return Items ?? [];
}

describe('local stack', () => {
  it('runs the real consumer: decisions, a brute-force alert, the poison record in dead letters', async () => {
    // Prepare
    const stack = await startLocalStack({ print: () => {} });
    try {
      // Event times just before now: the consumer runs on the real clock.
      const at = (seconds: number) => new Date(Date.now() - 120_000 + seconds * 1000).toISOString();
      const records = [
        record(aLogin({ customerId: 'C2000001', occurredAt: at(0) })),
        { partitionKey: 'invalid', data: Buffer.from('this is no json') },
        // A stranger guessing the account's password (not its owner's device or network), at a typist's pace.
        ...Array.from({ length: 8 }, (_, i) =>
          record(
            aFailedLogin('bad_password', {
              customerId: 'C3000003',
              deviceId: 'd-guesser',
              ip: '77.161.10.20',
              occurredAt: at(10 + i * 12),
            }),
          ),
        ),
      ];

      // Act
      const sent = await putRecordsAll(stack.kinesisClient(), stack.kinesis.streamName, records);
      await stack.poller.whenIdle(20_000);

      // Assess
      expect(sent.failed).toBe(0);
      const { tables } = stack.dynamodb;
      expect(await scan(stack, tables.decisions)).toHaveLength(9);
      const alerts = await scan(stack, tables.alerts);
      const codes = alerts.flatMap((a) => (a.reasons as { code: string }[]).map((r) => r.code));
      expect(codes).toContain('BRUTE_FORCE');
      const deadLetters = await scan(stack, tables.deadLetters);
      expect(deadLetters).toHaveLength(1);
      expect(deadLetters[0]).toMatchObject({ field: '(json)' });
      expect(JSON.stringify(deadLetters[0])).not.toContain('this is no json');
      expect(stack.failures).toEqual([]);
      const file = JSON.parse(readFileSync(join(cwd, '.vigil/local.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      expect(file).toEqual({
        kinesis: {
          endpoint: stack.kinesis.endpoint,
          region: 'eu-central-1',
          streamName: 'vigil-local-events',
        },
        dynamodb: {
          endpoint: stack.dynamodb.endpoint,
          region: 'eu-central-1',
          tables: {
            profiles: 'vigil-local-profiles',
            decisions: 'vigil-local-decisions',
            alerts: 'vigil-local-alerts',
            deadLetters: 'vigil-local-dead-letters',
            audit: 'vigil-local-audit',
            lists: 'vigil-local-lists',
          },
        },
        apiUrl: stack.apiUrl,
        deadLetterDir: stack.deadLetterDir,
        tokens: stack.tokens,
      });
      expect(stack.kinesis.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await stack.close();
    }
  });

  it('vigil start --once streams the demo through the stack, names the attacks caught and exits 0', async () => {
    // Prepare
    const args = ['start', '--once', '--customers', '120', '--days', '1'];

    // Act
    const { status, stdout: text } = await vigilInProcess(args);

    // Assess
    expect(status).toBe(0);
    expect(text).toMatch(/"streamName": "vigil-local-events"/);
    expect(text).toMatch(/alerts \(review or deny\) by reason code/);
    expect(text).toMatch(/brute_force\s+1\/1/);
    expect(text).toMatch(/probing\s+1\/1/);
    expect(text).toMatch(/0 records given up on by the poller/);
  }, 40_000);
});
