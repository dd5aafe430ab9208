import { existsSync, readFileSync } from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Command } from 'commander';
import { LOCAL_CREDENTIALS, LOCAL_STACK_FILE } from '../local/stack.ts';
import { DEFAULT_REGION, dynamoClient } from '../shared/aws.ts';
import { FolderBlobStore, S3BlobStore } from '../shared/blobs.ts';
import { tableName } from '../shared/tables.ts';
import { explainRefused } from './send.ts';
import { ENV } from '../shared/env.ts';
import { DynamoDeadLetters } from '../shared/dynamo/dead-letters.ts';
import type { BlobStore } from '../shared/ports/blobs.ts';

/** The options of `vigil dead-letters`, which its subcommands share: where the dead letters are. */
export interface StoreOptions {
  table?: string;
  stage?: string;
  endpoint?: string;
  bucket?: string;
  region?: string;
}

interface LocalStackFile {
  dynamodb?: { endpoint?: string; region?: string; tables?: { deadLetters?: string } };
  deadLetterDir?: string;
}

/** The dead letters and what `fn` makes of them, through a client closed afterwards. */
export async function withDeadLetters(
  command: Command,
  fn: (letters: DynamoDeadLetters, table: string) => Promise<number>,
): Promise<number> {
  const { client, table, letters, target } = connect(command.optsWithGlobals<StoreOptions>());
  try {
    return await fn(letters, table);
  } catch (err) {
    throw explainRefused(err, target);
  } finally {
    client.destroy();
  }
}

/**
 * The dead letters and a client for their table: options, then the environment, then the local
 * stack, then AWS.
 */
function connect(values: StoreOptions): {
  client: DynamoDBDocumentClient;
  table: string;
  letters: DynamoDeadLetters;
  target: { endpoint: string | undefined; via: string };
} {
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
  const bucket = values.bucket ?? process.env[ENV.deadLetterBucket];
  const dir = process.env[ENV.deadLetterDir] ?? stackFile.deadLetterDir;
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
