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
import * as z from 'zod';
import { ROLES } from '../shared/roles.ts';

/** The authorizer context a handler reads: who calls, in which role. */
export const CallerSchema = z.object({
  principalId: z.string().min(1),
  role: z.enum(ROLES),
});
export type Caller = z.infer<typeof CallerSchema>;

/**
 * The caller of a route with `AWS_IAM` authorization, which has no Lambda authorizer: API Gateway
 * has verified the SigV4 signature and passes the signer's ARN as `requestContext.identity.userArn`.
 * A session of the privacy-service IAM role (`VIGIL_PRIVACY_SERVICE_ROLE_ARN`, which the stack sets
 * on the functions of those routes) is the `privacy-service` role, named by its session name
 * (`arn:aws:sts::<account>:assumed-role/<role name>/<session>`); any other signer is no caller.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
 *
 * @example
 * ```ts
 * iamCaller('arn:aws:sts::123456789012:assumed-role/vigil-prod-privacy-service/portal', 'arn:aws:iam::123456789012:role/vigil-prod-privacy-service');
 * // { principalId: 'privacy-service:portal', role: 'privacy-service' }
 * ```
 */
export function iamCaller(
  userArn: string | null | undefined,
  privacyServiceRoleArn: string | undefined,
): Caller | undefined {
  const role = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:[^/]+\/)*([\w+=,.@-]+)$/.exec(
    privacyServiceRoleArn ?? '',
  );
  if (!role || !userArn) return undefined;
  const [, partition, account, name] = role;
  const prefix = `arn:${partition}:sts::${account}:assumed-role/${name}/`;
  const session = userArn.startsWith(prefix) ? userArn.slice(prefix.length) : '';
  return /^[\w+=,.@-]+$/.test(session)
    ? { principalId: `privacy-service:${session}`, role: 'privacy-service' }
    : undefined;
}
