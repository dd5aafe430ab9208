/**
 * `vigil start` keeps its state in `.vigil/` by default: an objection marker, an analyst's
 * disposition, the receipt and the audit trail are there after a stop and a start on the same
 * folder. A second stack on the folder is refused while the first runs, and `vigil send` says so
 * plainly when the stack of `.vigil/local.json` is not running.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../src/local/stack.ts';
import { kinesisClient, putRecordsAll } from '../../src/shared/kinesis.ts';
import { aFailedLogin, aLogin, toLine } from '../factories/events.ts';
import { callApi, killStackProcesses, type StackProcess, poll, startStackProcess } from './stack-process.ts';
import { runVigil, testKey } from './support.ts';

const env = { VIGIL_PSEUDONYM_KEY: testKey('restart') };
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-restart-'));
});
afterEach(killStackProcesses);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A brute-force run on one account (an alert) and a login of the customer who objects. */
async function sendTraffic(stack: StackProcess): Promise<void> {
  const at = (seconds: number) => new Date(Date.now() - 120_000 + seconds * 1000).toISOString();
  const events = [
    aLogin({ eventId: 'rs-login', customerId: 'C1000231', occurredAt: at(0) }),
    ...Array.from({ length: 8 }, (_, i) =>
      aFailedLogin('bad_password', {
        eventId: `rs-fail-${i}`,
        customerId: 'C3000003',
        occurredAt: at(10 + i),
      }),
    ),
  ];
  const { endpoint, region, streamName } = stack.info.kinesis;
  const client = kinesisClient({ endpoint, region, credentials: LOCAL_CREDENTIALS });
  try {
    const sent = await putRecordsAll(
      client,
      streamName,
      events.map((e) => ({ partitionKey: e.customerId!, data: Buffer.from(toLine(e)) })),
    );
    expect(sent.failed).toBe(0);
  } finally {
    client.destroy();
  }
}

describe('vigil start: persistence by default', () => {
  it('keeps an objection, a disposition, the receipt and the audit trail across a restart', async () => {
    // Prepare
    const cwd = mkdtempSync(join(dir, 'default-'));
    const first = await startStackProcess(cwd, [], env);
    await sendTraffic(first);
    const open = await poll(
      async () => (await callApi(first.info, 'analyst', 'GET', '/v1/alerts?status=open')).body,
      (body) => (body as { alerts: unknown[] }).alerts.length > 0,
    );
    const alertId = (open as { alerts: { alertId: string }[] }).alerts[0]!.alertId;
    const disposed = await callApi(first.info, 'analyst', 'POST', `/v1/alerts/${alertId}/disposition`, {
      verdict: 'fraud',
      note: 'confirmed',
    });
    const objected = await callApi(first.info, 'privacy-service', 'POST', '/v1/subjects/objections', {
      customerId: 'C1000231',
      scope: 'profiling',
    });
    const { requestId } = objected.body as { requestId: string };
    expect([disposed.status, objected.status]).toEqual([200, 200]);
    expect(await first.stop('SIGTERM')).toEqual({ code: 0, signal: null });

    // Act
    const second = await startStackProcess(cwd, [], env);

    // Assess
    const alert = await callApi(second.info, 'analyst', 'GET', `/v1/alerts/${alertId}`);
    expect(alert.status).toBe(200);
    expect(alert.body).toMatchObject({ alert: { status: 'closed', disposition: { verdict: 'fraud' } } });
    const exported = await callApi(second.info, 'privacy-service', 'GET', '/v1/subjects/C1000231/export');
    expect(exported.body).toMatchObject({ suppressions: [{ scope: 'profiling' }] });
    const receipt = await callApi(second.info, 'privacy-service', 'GET', `/v1/privacy/requests/${requestId}`);
    expect(receipt.status).toBe(200);
    const audit = await callApi(second.info, 'admin', 'GET', '/v1/audit?limit=100');
    const actions = (audit.body as { entries: { action: string }[] }).entries.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['alert.dispose', 'subject.object']));
    expect(second.info.tokens.analyst).not.toBe(first.info.tokens.analyst);
  }, 120_000);

  it('refuses a second stack on the folder while the first runs, and leaves its local.json alone', async () => {
    // Prepare
    const cwd = mkdtempSync(join(dir, 'second-'));
    const first = await startStackProcess(cwd, [], env);
    const file = join(cwd, '.vigil', 'local.json');
    const before = readFileSync(file, 'utf8');

    // Act
    const second = await runVigil(['start', '--no-demo', '--once'], { cwd, env });

    // Assess
    expect(second.status).toBe(1);
    expect(second.stderr).toContain('another local stack');
    expect(second.stderr).toContain('is running on');
    expect(second.stderr).toContain('--data-dir');
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(cwd, '.vigil')).mode & 0o777).toBe(0o700);
    expect(await first.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 120_000);

  it('keeps nothing with --in-memory, and takes it or --data-dir, not both', async () => {
    // Prepare
    const cwd = mkdtempSync(join(dir, 'memory-'));

    // Act
    const run = await runVigil(['start', '--no-demo', '--once', '--in-memory'], { cwd, env });
    const both = await runVigil(['start', '--no-demo', '--once', '--in-memory', '--data-dir', 'x'], {
      cwd,
      env,
    });

    // Assess
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('(in memory)');
    expect(readdirSync(join(cwd, '.vigil')).sort()).toEqual(['local.json']);
    expect(both.status).toBe(2);
    expect(both.stderr).toContain(
      "vigil start: option '--in-memory' cannot be used with option '--data-dir <dir>'",
    );
  }, 120_000);

  it('vigil send and dead-letters say the stack of .vigil/local.json is not running, and how to start it', async () => {
    // Prepare
    const cwd = mkdtempSync(join(dir, 'stopped-'));
    const stack = await startStackProcess(cwd, [], env);
    await stack.stop('SIGTERM');
    const line = toLine(aLogin({ customerId: 'C1000231' }));
    const noEndpoint = { AWS_ENDPOINT_URL: '', AWS_ENDPOINT_URL_KINESIS: '', AWS_ENDPOINT_URL_DYNAMODB: '' };

    // Act
    const send = await runVigil(['send', '-'], { cwd, env: noEndpoint, input: `${line}\n` });
    const list = await runVigil(['dead-letters'], { cwd, env: noEndpoint });

    // Assess
    expect(send.status).toBe(1);
    expect(send.stderr).toContain('vigil send: the local stack of .vigil/local.json is not running');
    expect(send.stderr).toContain("'npm start'");
    expect(list.status).toBe(1);
    expect(list.stderr).toContain('vigil dead-letters: the local stack of .vigil/local.json is not running');
  }, 120_000);
});
