/**
 * The floor of the bundle bench's cold starts: a Lambda handler that does nothing but the AWS
 * SDK's part of a first request (a DynamoDB document client, one GetItem on the profiles table),
 * bundled as the functions are. What a function's cold start costs beyond this is Vigil's.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async (): Promise<{ found: boolean }> => {
  const { Item } = await client.send(
    new GetCommand({ TableName: `vigil-${process.env.VIGIL_STAGE ?? 'dev'}-profiles`, Key: { pk: 'floor' } }),
  );
  return { found: Item !== undefined };
};
