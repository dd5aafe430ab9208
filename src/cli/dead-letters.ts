import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { S3Client } from '@aws-sdk/client-s3';
import { LOCAL_CREDENTIALS, LOCAL_STACK_FILE } from '../local/stack.ts';
import { DEFAULT_REGION, dynamoClient } from '../shared/aws.ts';
import { FolderBlobStore, S3BlobStore } from '../shared/blobs.ts';
import type { BlobStore } from '../shared/ports/blobs.ts';
import { parseEventLine } from '../shared/contract/events.ts';
import { DEFAULT_LOCAL_KEY_FILE, resolveLocalKey } from '../shared/keys.ts';
import { kinesisClient, putRecordsAll } from '../shared/kinesis.ts';
import { DynamoDeadLetters, type StoredDeadLetter } from '../shared/dynamo/dead-letters.ts';
import { DEAD_LETTER_BUCKET_ENV, DEAD_LETTER_DIR_ENV, RecordSealer } from '../shared/sealed-records.ts';
import { loadPseudonymKey } from '../shared/secrets.ts';
import { tableName } from '../shared/tables.ts';
import { explainRefused, partitionKeyOf, resolveTarget } from './send.ts';

export const DEAD_LETTERS_HELP = `Usage: vigil dead-letters [list] [options]
       vigil dead-letters redrive <sha256 or a unique prefix> [options]

The stream records the consumer could not accept (bad base64, UTF-8 or JSON,
or a contract violation), kept a week: in the dead-letter table their
field-named reason, sequence number, arrival time, size, the SHA-256 of the
record and its first bytes sealed; the whole record sealed (AES-256-GCM under
a key derived from the pseudonymisation key) in the record store (S3 in AWS,
a folder in the local stack). Never in clear.

list (the default) writes one JSON line per dead letter to stdout, oldest
first: sha256, reason, field, eventId, sequenceNumber, arrivedAt, size,
redrivable; and a count by field to stderr.

redrive reads one record from the record store, opens it, checks it against
the current contract (it refuses while the record is still invalid, naming the
field), writes it to the event stream again with its partition key
(customerId, else sessionId, else ip) and deletes the dead letter and its
record. Use it after a fix on the consumer's side (a contract or parser
change) has been deployed. --dry-run checks only.

Where it reads, first match wins: --endpoint, else AWS_ENDPOINT_URL_DYNAMODB /
AWS_ENDPOINT_URL, else the local stack's ${LOCAL_STACK_FILE}, else real AWS. The
record store: --bucket, else ${DEAD_LETTER_BUCKET_ENV}, else ${DEAD_LETTER_DIR_ENV}, else the
local stack's folder. The stream of a redrive is found as 'vigil send' finds it (--kinesis-endpoint for
its --endpoint). The key to open a record:
the secret VIGIL_PSEUDONYM_SECRET_ARN names, else VIGIL_PSEUDONYM_KEY, else
${DEFAULT_LOCAL_KEY_FILE}.

Options:
  --table <name>      dead-letter table (default: the local stack's, else vigil-<stage>-dead-letters)
  --stage <stage>     stage of the default names (default: local)
  --endpoint <url>    DynamoDB endpoint
  --bucket <name>     the S3 bucket of the sealed records (the stack's DeadLetterBucketName)
  --region <region>   default: the local stack's, else AWS_REGION, else ${DEFAULT_REGION}
  --stream <name>     redrive: the stream (default as 'vigil send')
  --kinesis-endpoint <url>  redrive: the Kinesis endpoint (default as 'vigil send')
  --dry-run           redrive: open and check the record, send nothing
  -h, --help          this text
`;

interface LocalStackFile {
  dynamodb?: { endpoint?: string; region?: string; tables?: { deadLetters?: string } };
  deadLetterDir?: string;
}

/**
 * The dead letters and a client for their table: options, then the environment, then the local
 * stack, then AWS.
 */
function connect(values: {
  table?: string;
  stage?: string;
  endpoint?: string;
  region?: string;
  bucket?: string;
}) {
  const envEndpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB || process.env.AWS_ENDPOINT_URL || undefined;
  let stackFile: LocalStackFile = {};
  if (existsSync(LOCAL_STACK_FILE)) {
    stackFile = JSON.parse(readFileSync(LOCAL_STACK_FILE, 'utf8')) as LocalStackFile;
  }
  const local = stackFile.dynamodb;
  const endpoint = values.endpoint ?? envEndpoint ?? local?.endpoint;
  const loopback =
    endpoint !== undefined && /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(endpoint);
  const region = values.region ?? local?.region ?? process.env.AWS_REGION ?? DEFAULT_REGION;
  const client = dynamoClient({
    region,
    ...(endpoint ? { endpoint } : {}),
    // Any key works against the emulators, but the SDK insists on having one.
    ...(loopback && !process.env.AWS_ACCESS_KEY_ID ? { credentials: LOCAL_CREDENTIALS } : {}),
  });
  const table =
    values.table ?? local?.tables?.deadLetters ?? tableName(values.stage ?? 'local', 'deadLetters');
  const via = values.endpoint
    ? '--endpoint'
    : envEndpoint
      ? 'AWS_ENDPOINT_URL'
      : endpoint
        ? LOCAL_STACK_FILE
        : 'AWS';
  const bucket = values.bucket ?? process.env[DEAD_LETTER_BUCKET_ENV];
  const dir = process.env[DEAD_LETTER_DIR_ENV] ?? stackFile.deadLetterDir;
  let records: BlobStore | undefined;
  if (bucket) records = new S3BlobStore({ bucket, client: new S3Client({ region }) });
  else if (dir) records = new FolderBlobStore(dir);
  return {
    client,
    table,
    letters: new DynamoDeadLetters({ client, table, ...(records ? { records } : {}) }),
    target: { endpoint, via },
  };
}

async function list(letters: DynamoDeadLetters, table: string): Promise<number> {
  const all = await letters.list();
  const byField = new Map<string, number>();
  for (const l of all) {
    byField.set(l.field, (byField.get(l.field) ?? 0) + 1);
    const line = {
      sha256: l.sha256,
      reason: l.reason,
      field: l.field,
      ...(l.eventId !== undefined ? { eventId: l.eventId } : {}),
      sequenceNumber: l.sequenceNumber,
      arrivedAt: new Date(l.arrivedAt).toISOString(),
      size: l.size,
      redrivable: l.record !== undefined,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
  const fields = [...byField].sort((a, b) => b[1] - a[1]).map(([f, n]) => `${f} ${n}`);
  process.stderr.write(
    `dead-letters: ${all.length} in ${table}${fields.length ? ` (${fields.join(', ')})` : ''}\n`,
  );
  return 0;
}

async function redrive(
  letters: DynamoDeadLetters,
  prefix: string,
  values: {
    stream?: string;
    stage?: string;
    region?: string;
    'kinesis-endpoint'?: string;
    'dry-run'?: boolean;
  },
): Promise<number> {
  if (!/^[0-9a-f]{6,64}$/.test(prefix)) {
    process.stderr.write('vigil dead-letters redrive: expected a sha256 (hex, at least 6 characters)\n');
    return 2;
  }
  const matches =
    prefix.length === 64
      ? [await letters.get(prefix)].filter((l): l is StoredDeadLetter => l !== undefined)
      : (await letters.list()).filter((l) => l.sha256.startsWith(prefix));
  if (matches.length !== 1) {
    process.stderr.write(
      `vigil dead-letters redrive: ${matches.length === 0 ? 'no' : `${matches.length}`} dead letters match ${prefix}\n`,
    );
    return 1;
  }
  const letter = matches[0]!;
  if (letter.record === undefined) {
    process.stderr.write(`vigil dead-letters redrive: ${letter.sha256} kept no sealed record (hash only)\n`);
    return 1;
  }
  if (!letters.options.records) {
    process.stderr.write(
      `vigil dead-letters redrive: no record store: give --bucket, or set ${DEAD_LETTER_BUCKET_ENV} or ${DEAD_LETTER_DIR_ENV}\n`,
    );
    return 1;
  }
  const sealed = await letters.sealedRecord(letter);
  if (sealed === undefined) {
    process.stderr.write(
      `vigil dead-letters redrive: ${letter.sha256}: its record is missing from the record store\n`,
    );
    return 1;
  }
  if (
    !process.env.VIGIL_PSEUDONYM_SECRET_ARN &&
    !process.env.VIGIL_PSEUDONYM_KEY &&
    !existsSync(DEFAULT_LOCAL_KEY_FILE)
  ) {
    process.stderr.write(
      `vigil dead-letters redrive: no key to open the record: set VIGIL_PSEUDONYM_SECRET_ARN or VIGIL_PSEUDONYM_KEY, or run where ${DEFAULT_LOCAL_KEY_FILE} is\n`,
    );
    return 1;
  }
  const key = process.env.VIGIL_PSEUDONYM_SECRET_ARN ? await loadPseudonymKey() : resolveLocalKey();
  const bytes = new RecordSealer(key).open(sealed);
  let line: string;
  try {
    line = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    process.stderr.write(`vigil dead-letters redrive: ${letter.sha256} is still not UTF-8 text\n`);
    return 1;
  }
  const parsed = parseEventLine(line, Date.now());
  if (!parsed.ok) {
    process.stderr.write(`vigil dead-letters redrive: ${letter.sha256} is still invalid: ${parsed.error}\n`);
    return 1;
  }
  if (values['dry-run']) {
    process.stderr.write(
      `dead-letters: ${letter.sha256} (event ${parsed.event.eventId}) is valid now; not sent (--dry-run)\n`,
    );
    return 0;
  }
  const target = resolveTarget({
    stream: values.stream,
    stage: values.stage,
    endpoint: values['kinesis-endpoint'],
    region: values.region,
  });
  const kinesis = kinesisClient({
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ...(target.endpoint && !process.env.AWS_ACCESS_KEY_ID ? { credentials: LOCAL_CREDENTIALS } : {}),
  });
  try {
    const result = await putRecordsAll(kinesis, target.stream, [
      { partitionKey: partitionKeyOf(line), data: bytes },
    ]);
    if (result.failed > 0) {
      process.stderr.write(
        `vigil dead-letters redrive: the stream refused the record (${Object.keys(result.failures).join(', ')})\n`,
      );
      return 1;
    }
  } catch (err) {
    throw explainRefused(err, target);
  } finally {
    kinesis.destroy();
  }
  await letters.remove([letter]);
  process.stderr.write(
    `dead-letters: ${letter.sha256} (event ${parsed.event.eventId}) sent to ${target.stream} again\n`,
  );
  return 0;
}

/** `vigil dead-letters`: lists the invalid stream records, and redrives one after a fix. */
export async function deadLetters(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      table: { type: 'string' },
      stage: { type: 'string' },
      endpoint: { type: 'string' },
      bucket: { type: 'string' },
      region: { type: 'string' },
      stream: { type: 'string' },
      'kinesis-endpoint': { type: 'string' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(DEAD_LETTERS_HELP);
    return 0;
  }
  const [command = 'list', ...rest] = positionals;
  if (!['list', 'redrive'].includes(command) || rest.length !== (command === 'redrive' ? 1 : 0)) {
    process.stderr.write(`vigil dead-letters: expected 'list' or 'redrive <sha256>'\n\n${DEAD_LETTERS_HELP}`);
    return 2;
  }
  const { client, table, letters, target } = connect(values);
  try {
    return command === 'list' ? await list(letters, table) : await redrive(letters, rest[0]!, values);
  } catch (err) {
    throw explainRefused(err, target);
  } finally {
    client.destroy();
  }
}
