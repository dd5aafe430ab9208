import { Command, InvalidArgumentError } from 'commander';
import { LOCAL_CREDENTIALS } from '../local/stack.ts';
import { parseEventLine } from '../shared/contract/events.ts';
import { existsSync } from 'node:fs';
import { DEFAULT_LOCAL_KEY_FILE, resolveLocalKey } from '../shared/keys.ts';
import { kinesisClient, putRecordsAll } from '../shared/kinesis.ts';
import { loadPseudonymKey } from '../shared/secrets.ts';
import { type StoreOptions, withDeadLetters } from './dead-letters-store.ts';
import { withExitStatus } from './options.ts';
import { explainRefused, partitionKeyOf, resolveTarget } from './send.ts';
import { ENV } from '../shared/env.ts';
import type { DynamoDeadLetters } from '../shared/dynamo/dead-letters.ts';
import { type StoredDeadLetter } from '../shared/dynamo/dead-letters.ts';
import { RecordSealer } from '../shared/sealed-records.ts';

/** `vigil dead-letters redrive <sha256>`: one dead letter back to the stream, once it is valid. */
export const redriveCommand = (): Command =>
  new Command('redrive')
    .summary('after a fix: check one sealed record against the contract and send it again')
    .description(
      `Reads one record from the record store, opens it, checks it against the
current contract (it refuses while the record is still invalid, naming the
field), writes it to the event stream again with its partition key
(customerId, else sessionId, else ip) and deletes the dead letter and its
record. Use it after a fix on the consumer's side (a contract or parser
change) has been deployed. --dry-run checks only.`,
    )
    .argument(
      '<sha256>',
      'the dead letter: its sha256, or a unique prefix of at least 6 characters',
      sha256Prefix,
    )
    .option('--stream <name>', "the stream (default as 'vigil send')")
    .option('--kinesis-endpoint <url>', "the Kinesis endpoint (default as 'vigil send')")
    .option('--dry-run', 'open and check the record, send nothing')
    .action(
      withExitStatus((prefix: string, _options: object, command: Command) =>
        withDeadLetters(command, (letters) => redrive(letters, prefix, command.optsWithGlobals())),
      ),
    );

interface RedriveOptions extends StoreOptions {
  stream?: string;
  kinesisEndpoint?: string;
  dryRun?: boolean;
}

function sha256Prefix(text: string): string {
  if (!/^[0-9a-f]{6,64}$/.test(text))
    throw new InvalidArgumentError('expected a sha256 (hex, at least 6 characters)');
  return text;
}

async function redrive(letters: DynamoDeadLetters, prefix: string, options: RedriveOptions): Promise<number> {
  const letter = await theLetter(letters, prefix);
  const bytes = await openRecord(letters, letter);
  let line: string;
  try {
    line = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`${letter.sha256} is still not UTF-8 text`);
  }
  const parsed = parseEventLine(line, Date.now());
  if (!parsed.ok) throw new Error(`${letter.sha256} is still invalid: ${parsed.error}`);
  const what = `${letter.sha256} (event ${parsed.event.eventId})`;
  if (options.dryRun) {
    process.stderr.write(`dead-letters: ${what} is valid now; not sent (--dry-run)\n`);
    return 0;
  }
  const stream = await sendAgain(line, bytes, options);
  await letters.remove([letter]);
  process.stderr.write(`dead-letters: ${what} sent to ${stream} again\n`);
  return 0;
}

/** The one dead letter whose sha256 is or starts with `prefix`. */
async function theLetter(letters: DynamoDeadLetters, prefix: string): Promise<StoredDeadLetter> {
  const matches =
    prefix.length === 64
      ? [await letters.get(prefix)].filter((l): l is StoredDeadLetter => l !== undefined)
      : (await letters.list()).filter((l) => l.sha256.startsWith(prefix));
  if (matches.length !== 1)
    throw new Error(`${matches.length === 0 ? 'no' : `${matches.length}`} dead letters match ${prefix}`);
  return matches[0]!;
}

/** The record of a dead letter, read from the record store and opened with the pseudonymisation key. */
async function openRecord(letters: DynamoDeadLetters, letter: StoredDeadLetter): Promise<Buffer> {
  if (letter.record === undefined) throw new Error(`${letter.sha256} kept no sealed record (hash only)`);
  if (!letters.options.records)
    throw new Error(`no record store: give --bucket, or set ${ENV.deadLetterBucket} or ${ENV.deadLetterDir}`);
  const sealed = await letters.sealedRecord(letter);
  if (sealed === undefined) throw new Error(`${letter.sha256}: its record is missing from the record store`);
  const { VIGIL_PSEUDONYM_SECRET_ARN: secret, VIGIL_PSEUDONYM_KEY: key } = process.env;
  if (!secret && !key && !existsSync(DEFAULT_LOCAL_KEY_FILE)) {
    throw new Error(
      `no key to open the record: set VIGIL_PSEUDONYM_SECRET_ARN or VIGIL_PSEUDONYM_KEY, or run where ${DEFAULT_LOCAL_KEY_FILE} is`,
    );
  }
  return new RecordSealer(secret ? await loadPseudonymKey() : resolveLocalKey()).open(sealed);
}

/** Writes the record to the stream `vigil send` would write to; that stream's name. */
async function sendAgain(line: string, bytes: Buffer, options: RedriveOptions): Promise<string> {
  const target = resolveTarget({
    stream: options.stream,
    stage: options.stage,
    endpoint: options.kinesisEndpoint,
    region: options.region,
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
    if (result.failed > 0)
      throw new Error(`the stream refused the record (${Object.keys(result.failures).join(', ')})`);
    return target.stream;
  } catch (err) {
    throw explainRefused(err, target);
  } finally {
    kinesis.destroy();
  }
}
