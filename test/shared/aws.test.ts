/**
 * The project's DynamoDB client against a server that accepts connections and never answers:
 * a stuck request must fail within its timeout (smithy only warns unless told to throw), so that
 * the retry strategy, the consumer's shard retry or the score endpoint's budget can act.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient } from '../../src/shared/aws.ts';
import { LOCAL_CREDENTIALS } from '../support/local-dynamo.ts';

let server: Server;
let endpoint: string;

beforeAll(async () => {
  // Reads the request, never answers.
  server = createServer((req) => req.resume());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('dynamoClient', () => {
  it('fails a request that gets no answer within its timeout, on every attempt', async () => {
    // Prepare
    const client = dynamoClient({
      endpoint,
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 2,
      requestTimeoutMs: 200,
    });
    const started = performance.now();

    // Act
    const error = await client
      .send(new GetCommand({ TableName: 't', Key: { pk: 'x' } }))
      .catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(performance.now() - started).toBeLessThan(3_000);
    client.destroy();
  });
});
