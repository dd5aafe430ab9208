/**
 * Who may call what. Four roles, one per kind of caller:
 *
 * - `order-flow`: the shop's checkout, calls `POST /v1/score`;
 * - `analyst`: the security analysts, call the alerts and rule-statistics routes;
 * - `privacy-service`: customer service and the account portal, call the customers'-rights routes;
 * - `admin`: reads the audit trail.
 *
 * The handlers never see a credential, only the caller that API Gateway's authorisation step
 * established, in `requestContext.authorizer`, the way a REST API passes a Lambda authorizer's
 * result to a proxy integration:
 *
 * ```json
 * "requestContext": { "authorizer": { "principalId": "analyst:j.devries", "role": "analyst" } }
 * ```
 *
 * In AWS a Lambda REQUEST authorizer validates the credential (an API key looked up in Secrets
 * Manager or an IAM/Cognito identity) and returns a policy with `principalId` (who, kept in the
 * audit trail) and `context.role`; API Gateway hands both to the function as above
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html).
 * The local gateway (`src/local/gateway.ts`) maps its per-start random bearer tokens to roles
 * and fills in the same two fields. A request without a valid credential never reaches a
 * handler (401 from the gateway); a handler answers 403 when the role is not one its route
 * allows, and 401 when the authorizer context is missing altogether.
 */
import { z } from 'zod';

export const ROLES = ['order-flow', 'analyst', 'privacy-service', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The authorizer context a handler reads: who calls, in which role. */
export const CallerSchema = z.object({
  principalId: z.string().min(1),
  role: z.enum(ROLES),
});
export type Caller = z.infer<typeof CallerSchema>;
