/**
 * Dead letters end to end: the consumer seals invalid records into the dead-letter table on
 * dynalite (their full records in a folder record store); `vigil dead-letters` lists them
 * without personal data, and redrives one to kinesalite once it passes the contract, deleting
 * its dead letter and its record.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../src/rules/config.ts';
import { FolderBlobStore } from '../../src/shared/blobs.ts';
import { consumeBatch, type StreamRecord } from '../../src/pipeline/consume.ts';
import { DynamoDeadLetters, DynamoDeadLetterWriter } from '../../src/shared/dynamo/dead-letters.ts';
import { RecordSealer } from '../../src/shared/sealed-records.ts';
import { DynamoAlertWriter } from '../../src/shared/dynamo/alerts.ts';
import { ENV } from '../../src/shared/env.ts';
import { aBrowse, aLogin, anOrder, toLine } from '../factories/events.ts';
import { aKinesisEvent, aKinesisRecord, toStreamRecords } from '../factories/kinesis.ts';
import { TEST_KEY_TEXT, testKey, testPseudonymiser } from '../factories/pipeline.ts';
import { type LocalKinesis, startKinesalite } from '../support/kinesalite.ts';
import { type LocalDynamo, startDynalite } from '../support/local-dynamo.ts';
import { vigilInProcess } from '../support/vigil.ts';
import { DynamoDecisionLog } from '../../src/shared/dynamo/decisions.ts';
import { DynamoProfileStore } from '../../src/shared/dynamo/profiles.ts';

let kinesis: LocalKinesis;
let dynamo: LocalDynamo;
let stages = 0;
const DAY_MS = 86_400_000;
/** The record stores of the stages (one folder each), removed at the end. */
let recordsRoot: string;

beforeAll(async () => {
  [kinesis, dynamo] = await Promise.all([startKinesalite(), startDynalite()]);
  recordsRoot = mkdtempSync(join(tmpdir(), 'vigil-dl-test-'));
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});
afterAll(async () => {
  await Promise.all([kinesis.close(), dynamo.close()]);
  rmSync(recordsRoot, { recursive: true, force: true });
});

/**
 * A stage's tables and record store, and `consume`, which runs a batch through the real consumer
 * on them with the clock set `daysAgo` days back (see {@link aStageWithDeadLetters} for why).
 */
async function aStage(daysAgo = 3) {
  const stage = `dl${++stages}`;
  const tables = await dynamo.createTables(stage);
  const client = dynamo.client();
  const recordsDir = join(recordsRoot, stage);
  const records = new FolderBlobStore(recordsDir);
  const consumedAt = Date.now() - daysAgo * DAY_MS;
  const now = () => consumedAt;
  const consume = (batch: StreamRecord[]) =>
    consumeBatch(batch, {
      store: new DynamoProfileStore({ client, table: tables.profiles, now }),
      decisions: new DynamoDecisionLog({ client, table: tables.decisions, now }),
      pseudonymiser: testPseudonymiser(),
      config: resolveConfig(),
      alerts: new DynamoAlertWriter({ client, table: tables.alerts, now }),
      deadLetters: new DynamoDeadLetterWriter({ client, table: tables.deadLetters, now, records }),
      sealer: new RecordSealer(testKey()),
      now,
    });
  const stream = `vigil-${stage}-events`;
  await kinesis.createStream(stream, 1);
  const letters = new DynamoDeadLetters({ client, table: tables.deadLetters, records });
  return { tables, client, stream, recordsDir, records, letters, consumedAt, consume };
}

/** Runs `vigil dead-letters <args>` in process, capturing what it writes. */
const run = (args: string[]) => vigilInProcess(['dead-letters', ...args]);

/**
 * A batch with two invalid records, consumed three days ago: a login dated two days after that
 * (the contract refuses events over 24 h in the future; by the real clock it is a day old, so the
 * "fix" is time passing) and a line of broken JSON. The consumer's clock is set from the real one,
 * not the fixtures' fixed date: the CLI lists only the dead letters whose week has not run out by
 * the real clock, which a fixed date would see run out one day.
 */
async function aStageWithDeadLetters() {
  const stage = await aStage();
  const occurredAt = new Date(stage.consumedAt + 2 * DAY_MS).toISOString();
  const early = aLogin({ customerId: 'C1000231', ip: '145.53.12.7', occurredAt });
  const broken = '{"schemaVersion":1,"eventId":"p-1","ip":"145.53.12.7","customerId":"C1000231"';
  const result = await stage.consume(toStreamRecords(aKinesisEvent([early, aKinesisRecord(broken)])));
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');
  return { ...stage, result, early, broken, sha, toLine };
}

describe('vigil dead-letters', () => {
  it('lists every dead letter with its reason, oldest first, and no personal data', async () => {
    // Prepare
    const s = await aStageWithDeadLetters();

    // Act
    const { status, stdout, stderr } = await run([
      'list',
      '--endpoint',
      dynamo.endpoint,
      '--table',
      s.tables.deadLetters,
    ]);

    // Assess
    expect(status).toBe(0);
    expect(s.result.invalid).toHaveLength(2);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.sha256).sort()).toEqual([s.sha(toLine(s.early)), s.sha(s.broken)].sort());
    expect(lines.find((l) => l.sha256 === s.sha(toLine(s.early)))).toMatchObject({
      field: 'occurredAt',
      reason: 'occurredAt: more than 24 h in the future',
      eventId: s.early.eventId,
      redrivable: true,
    });
    expect(lines.find((l) => l.sha256 === s.sha(s.broken))).toMatchObject({
      field: '(json)',
      redrivable: true,
    });
    expect(stdout).not.toMatch(/C1000231|145\.53\.12\.7/);
    expect(stderr).toMatch(/^dead-letters: 2 in vigil-dl\d+-dead-letters \(/);
  });

  it('redrives a record that passes the contract now to the stream, and deletes its dead letter', async () => {
    // Prepare
    const s = await aStageWithDeadLetters();
    vi.stubEnv('VIGIL_PSEUDONYM_KEY', TEST_KEY_TEXT);
    vi.stubEnv(ENV.deadLetterDir, s.recordsDir);
    vi.stubEnv('AWS_ENDPOINT_URL_KINESIS', kinesis.endpoint);
    const sha = s.sha(toLine(s.early));
    const common = ['--endpoint', dynamo.endpoint, '--table', s.tables.deadLetters, '--stream', s.stream];

    // Act
    const dry = await run(['redrive', sha.slice(0, 12), '--dry-run', ...common]);
    const afterDry = await kinesis.readAll(s.stream);
    const { status, stderr } = await run(['redrive', sha.slice(0, 12), ...common]);

    // Assess
    expect(dry).toMatchObject({ status: 0 });
    expect(dry.stderr).toContain('is valid now; not sent (--dry-run)');
    expect(afterDry).toEqual([]);
    expect(status).toBe(0);
    expect(stderr).toContain(`${sha} (event ${s.early.eventId}) sent to ${s.stream} again`);
    const sent = await kinesis.readAll(s.stream);
    expect(sent.map((r) => [r.PartitionKey, Buffer.from(r.Data!).toString('utf8')])).toEqual([
      ['C1000231', toLine(s.early)],
    ]);
    const { Item } = await s.client.send(
      new GetCommand({ TableName: s.tables.deadLetters, Key: { pk: `dl#${sha}` } }),
    );
    expect(Item).toBeUndefined();
    expect(await s.records.get(`dead-letters/${sha}`)).toBeUndefined();
  });

  it('refuses to redrive a record that is still invalid, naming the field, and keeps it', async () => {
    // Prepare
    const s = await aStageWithDeadLetters();
    vi.stubEnv('VIGIL_PSEUDONYM_KEY', TEST_KEY_TEXT);
    vi.stubEnv(ENV.deadLetterDir, s.recordsDir);
    vi.stubEnv('AWS_ENDPOINT_URL_KINESIS', kinesis.endpoint);
    const sha = s.sha(s.broken);

    // Act
    const { status, stderr } = await run([
      'redrive',
      sha,
      '--endpoint',
      dynamo.endpoint,
      '--table',
      s.tables.deadLetters,
      '--stream',
      s.stream,
    ]);

    // Assess
    expect(status).toBe(1);
    expect(stderr).toMatch(new RegExp(`${sha} is still invalid: \\(json\\): invalid JSON`));
    expect(await kinesis.readAll(s.stream)).toEqual([]);
    const { Item } = await s.client.send(
      new GetCommand({ TableName: s.tables.deadLetters, Key: { pk: `dl#${sha}` } }),
    );
    expect(Item?.sha256).toBe(sha);
  });

  it('answers bad usage with exit status 2, naming what is wrong and where the help is', async () => {
    // Act: one after the other, as each captures the process's output.
    const results = [];
    for (const args of [['resend'], ['redrive'], ['redrive', 'not-hex']]) results.push(await run(args));

    // Assess
    expect(results.map((r) => r.status)).toEqual([2, 2, 2]);
    const [resend, missing, notHex] = results.map((r) => r.stderr);
    expect(resend).toMatch(/^vigil dead-letters: too many arguments/);
    expect(missing).toMatch(/^vigil dead-letters: missing required argument 'sha256'/);
    expect(notHex).toContain('expected a sha256 (hex, at least 6 characters)');
    for (const r of results) expect(r.stderr).toContain("(run 'vigil dead-letters --help' for usage)");
  });
});

describe('a large invalid record', () => {
  /** Valid events of three customers around an invalid record of `size` bytes and one just over 400 KB. */
  function aBatchAround(size: number, consumedAt: number) {
    const valid = [
      aLogin({ customerId: 'C2000001', ip: '145.53.1.1' }),
      aBrowse({ customerId: 'C2000002', ip: '145.53.2.2' }),
      anOrder({ customerId: 'C2000003', ip: '145.53.3.3' }),
      aLogin({ customerId: 'C2000002', ip: '145.53.2.2' }),
      aBrowse({ customerId: 'C2000001', ip: '145.53.1.1' }),
      anOrder({ customerId: 'C2000001', ip: '145.53.1.1' }),
    ];
    // Invalid when consumed (dated two days past the consumer's clock), valid by the real clock;
    // unknown fields are dropped by the contract, so the padding keeps it valid then.
    const future = aLogin({
      customerId: 'C2000004',
      occurredAt: new Date(consumedAt + 2 * DAY_MS).toISOString(),
    });
    const skeleton = toLine({ ...future, padding: '' });
    const large = toLine({ ...future, padding: 'x'.repeat(size - Buffer.byteLength(skeleton)) });
    const overItemLimit = `{"customerId":"C2000005","padding":"${'y'.repeat(410_000)}`;
    const lines = [
      ...valid.slice(0, 2).map(toLine),
      large,
      ...valid.slice(2, 4).map(toLine),
      overItemLimit,
      ...valid.slice(4).map(toLine),
    ];
    return {
      valid,
      large,
      overItemLimit,
      records: toStreamRecords(aKinesisEvent(lines.map((l) => aKinesisRecord(l)))),
    };
  }

  it('is dead-lettered in full (record store) while its valid neighbours are each decided once', async () => {
    // Prepare
    const s = await aStage();
    const batch = aBatchAround(1_000_000, s.consumedAt);
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');

    // Act
    const result = await s.consume(batch.records);

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(result.decisions.map((d) => [d.decision.eventId, d.duplicate])).toEqual(
      batch.valid.map((e) => [e.eventId, false]),
    );
    const { Items: decided = [] } = await s.client.send(new ScanCommand({ TableName: s.tables.decisions }));
    expect(decided.map((d) => d.pk).sort()).toEqual(batch.valid.map((e) => e.eventId).sort());
    const letters = await s.letters.list();
    expect(letters.map((l) => [l.sha256, l.field, l.size]).sort()).toEqual(
      [
        [sha(batch.large), 'occurredAt', 1_000_000],
        [sha(batch.overItemLimit), '(json)', Buffer.byteLength(batch.overItemLimit)],
      ].sort(),
    );
    const sealer = new RecordSealer(testKey());
    for (const [letter, raw] of [
      [letters.find((l) => l.sha256 === sha(batch.large))!, batch.large],
      [letters.find((l) => l.sha256 === sha(batch.overItemLimit))!, batch.overItemLimit],
    ] as const) {
      expect(letter.reason).toMatch(/^(occurredAt: more than 24 h in the future|\(json\): invalid JSON)/);
      expect(JSON.stringify(letter).length).toBeLessThan(16_384);
      expect(sealer.open((await s.letters.sealedRecord(letter))!).toString('utf8')).toBe(raw);
    }
  });

  it('is redriven from its full record once it passes the contract', async () => {
    // Prepare
    const s = await aStage();
    const batch = aBatchAround(1_000_000, s.consumedAt);
    await s.consume(batch.records);
    const sha = createHash('sha256').update(batch.large).digest('hex');
    vi.stubEnv('VIGIL_PSEUDONYM_KEY', TEST_KEY_TEXT);
    vi.stubEnv('AWS_ENDPOINT_URL_KINESIS', kinesis.endpoint);
    vi.stubEnv(ENV.deadLetterDir, s.recordsDir);

    // Act
    const { status, stderr } = await run([
      'redrive',
      sha,
      ...['--endpoint', dynamo.endpoint, '--table', s.tables.deadLetters, '--stream', s.stream],
    ]);

    // Assess
    expect(stderr).toContain(`${sha} (event `);
    expect(status).toBe(0);
    const sent = await kinesis.readAll(s.stream);
    expect(sent.map((r) => Buffer.from(r.Data!).toString('utf8'))).toEqual([batch.large]);
    expect(await s.letters.get(sha)).toBeUndefined();
    expect(readdirSync(join(s.recordsDir, 'dead-letters'))).toEqual([
      createHash('sha256').update(batch.overItemLimit).digest('hex'),
    ]);
  });
});
