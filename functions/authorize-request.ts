import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { authorize, authorizerDepsFromEnv } from '../src/api/authorizer.ts';
import { once } from '../src/shared/once.ts';

/** The user pool's JWKS is fetched on first use and cached with the verifier. */
const deps = once(authorizerDepsFromEnv);

/**
 * The REST API's Lambda REQUEST authorizer: an API key (score route) or a Cognito access token
 * (analysts, admin) becomes `{ principalId, context.role }` and a policy (`src/api/authorizer.ts`).
 * It logs nothing: what it sees is credentials.
 */
export const handler = async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> =>
  authorize(event, await deps());
