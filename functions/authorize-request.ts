import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { type AuthorizerDeps, authorize, authorizerDepsFromEnv } from '../src/api/authorizer.ts';

/** Built on the first invocation of a cold start (the user pool's JWKS is fetched on first use and cached). */
let deps: AuthorizerDeps | undefined;

/**
 * The REST API's Lambda REQUEST authorizer: an API key (score route) or a Cognito access token
 * (analysts, admin) becomes `{ principalId, context.role }` and a policy (`src/api/authorizer.ts`).
 * It logs nothing: what it sees is credentials.
 */
export const handler = (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> =>
  authorize(event, (deps ??= authorizerDepsFromEnv()));
