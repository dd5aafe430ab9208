import { LOCAL_STACK_FILE } from '../local/stack.ts';
import { DEFAULT_REGION } from '../shared/aws.ts';
import { DEFAULT_LOCAL_KEY_FILE } from '../shared/keys.ts';
import type { DynamoDeadLetters } from '../shared/dynamo/dead-letters.ts';
import { Command } from 'commander';
import { redriveCommand } from './dead-letters-redrive.ts';
import { withDeadLetters } from './dead-letters-store.ts';
import { WITH_PARENT_OPTIONS, withExitStatus } from './options.ts';
import { ENV } from '../shared/env.ts';

/** `vigil dead-letters`: lists the invalid stream records, and redrives one after a fix. */
export const deadLettersCommand = (): Command => {
  const command = new Command('dead-letters')
    .summary('the stream records the consumer could not accept; redrive one after a fix')
    .description(
      `The stream records the consumer could not accept (bad base64, UTF-8 or JSON,
or a contract violation), kept a week: in the dead-letter table their
field-named reason, sequence number, arrival time, size, the SHA-256 of the
record and its first bytes sealed; the whole record sealed (AES-256-GCM under
a key derived from the pseudonymisation key) in the record store (S3 in AWS,
a folder in the local stack). Never in clear.

Where it reads, first match wins: --endpoint, else AWS_ENDPOINT_URL_DYNAMODB /
AWS_ENDPOINT_URL, else the local stack's ${LOCAL_STACK_FILE}, else real AWS. The
record store: --bucket, else ${ENV.deadLetterBucket}, else
${ENV.deadLetterDir}, else the local stack's folder. The stream of a redrive
is found as 'vigil send' finds it (--kinesis-endpoint for its --endpoint). The
key to open a record: the secret VIGIL_PSEUDONYM_SECRET_ARN names, else
VIGIL_PSEUDONYM_KEY, else ${DEFAULT_LOCAL_KEY_FILE}.`,
    )
    .option(
      '--table <name>',
      "dead-letter table (default: the local stack's, else vigil-<stage>-dead-letters)",
    )
    .option('--stage <stage>', 'stage of the default names (default: local)')
    .option('--endpoint <url>', 'DynamoDB endpoint')
    .option('--bucket <name>', "the S3 bucket of the sealed records (the stack's DeadLetterBucketName)")
    .option('--region <region>', `default: the local stack's, else AWS_REGION, else ${DEFAULT_REGION}`);
  command
    .command('list', { isDefault: true })
    .summary('one JSON line per dead letter (the default)')
    .description(
      `Writes one JSON line per dead letter to stdout, oldest first: sha256, reason,
field, eventId, sequenceNumber, arrivedAt, size, redrivable; and a count by
field to stderr.`,
    )
    .configureHelp(WITH_PARENT_OPTIONS)
    .action(withExitStatus((_options: object, list: Command) => withDeadLetters(list, listDeadLetters)));
  command.addCommand(redriveCommand().configureHelp(WITH_PARENT_OPTIONS));
  return command;
};

async function listDeadLetters(letters: DynamoDeadLetters, table: string): Promise<number> {
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
