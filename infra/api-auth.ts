import { Aws, type CfnElement, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { IdentitySource, RequestAuthorizer, type RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
  UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import { AccountRootPrincipal, Effect, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { type AuthRoute, type Credential, TOKEN_ROLES } from '../src/api/authorizer.ts';
import { CONSOLE_PATH } from '../src/shared/console.ts';
import type { ApiRoute } from './api-gateway.ts';

/** How long API Gateway keeps an authorizer's answer per credential (the header's value). */
export const AUTHORIZER_CACHE_TTL = Duration.minutes(5);

/** The header each credential comes in; the authorizer's answer is cached per its value. */
const CREDENTIAL_HEADERS: readonly [Credential, string][] = [
  ['api-key', 'x-api-key'],
  ['token', 'Authorization'],
];

/**
 * The analysts' and the admin's accounts: no self sign-up, MFA (TOTP) required, a strong password
 * policy, and the Plus feature plan's threat protection (compromised credentials, risky sign-ins)
 * enforced: these accounts read fraud alerts and the audit trail. One group per token role.
 */
export function staffUserPool(scope: Construct, stage: string): UserPool {
  const pool = new UserPool(scope, 'UserPool', {
    userPoolName: `vigil-${stage}-staff`,
    selfSignUpEnabled: false,
    signInAliases: { username: true, email: true },
    signInCaseSensitive: false,
    mfa: Mfa.REQUIRED,
    mfaSecondFactor: { otp: true, sms: false },
    passwordPolicy: {
      minLength: 14,
      requireLowercase: true,
      requireUppercase: true,
      requireDigits: true,
      requireSymbols: true,
      tempPasswordValidity: Duration.days(3),
    },
    accountRecovery: AccountRecovery.EMAIL_ONLY,
    featurePlan: FeaturePlan.PLUS,
    standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
    deletionProtection: true,
    // The accounts and their MFA enrolment outlive a stack.
    removalPolicy: RemovalPolicy.RETAIN,
  });
  for (const role of TOKEN_ROLES) {
    new UserPoolGroup(scope, `Group-${role}`, {
      userPool: pool,
      groupName: role,
      description: `Vigil role ${role}: a user is in one Vigil group only`,
    });
  }
  return pool;
}

/** The app client analysts and admins sign in with; their access token is the API credential. */
export function cliClient(pool: UserPool, stage: string): UserPoolClient {
  return pool.addClient('CliClient', {
    userPoolClientName: `vigil-${stage}-cli`,
    // SRP for applications; username-password for the AWS CLI (docs/deploy.md "API access"): over TLS to Cognito, MFA still required.
    authFlows: { userSrp: true, userPassword: true },
    // No sign-in pages for this client (CDK's default OAuth settings would allow them, implicit grant included): the console has its own client.
    disableOAuth: true,
    generateSecret: false,
    accessTokenValidity: Duration.hours(1),
    idTokenValidity: Duration.hours(1),
    refreshTokenValidity: Duration.hours(12),
    preventUserExistenceErrors: true,
    enableTokenRevocation: true,
  });
}

/** How the analyst console signs its users in: the pool's sign-in pages and its own app client. */
export interface ConsoleSignIn {
  /** The Cognito domain of the user pool's sign-in pages (the hosted UI). */
  readonly domain: UserPoolDomain;
  readonly client: UserPoolClient;
}

/**
 * The console's sign-in: the user pool's sign-in pages on a Cognito domain (its prefix unique per
 * account and stage, as Cognito domains are per region), and a public app client (a browser keeps
 * no secret) with the authorization code grant only, returning to the console's page
 * (`<origin>/console/`). The console sends a PKCE challenge (S256) with every authorization
 * request, and Cognito then redeems the code only with its verifier
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/using-pkce-in-authorization-code.html).
 * MFA is the pool's: required for every sign-in, on these pages too. No API sign-in flow: the
 * client only takes codes and refreshes its tokens.
 */
export function consoleSignIn(pool: UserPool, props: { stage: string; origin: string }): ConsoleSignIn {
  const page = `${props.origin}${CONSOLE_PATH}/`;
  const domain = pool.addDomain('SignInDomain', {
    cognitoDomain: { domainPrefix: `vigil-${props.stage}-${Aws.ACCOUNT_ID}` },
  });
  const client = pool.addClient('ConsoleClient', {
    userPoolClientName: `vigil-${props.stage}-console`,
    generateSecret: false,
    authFlows: { userSrp: false },
    oAuth: {
      flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
      scopes: [OAuthScope.OPENID],
      callbackUrls: [page],
      logoutUrls: [page],
    },
    supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
    accessTokenValidity: Duration.hours(1),
    idTokenValidity: Duration.hours(1),
    refreshTokenValidity: Duration.hours(12),
    preventUserExistenceErrors: true,
    enableTokenRevocation: true,
  });
  return { domain, client };
}

/**
 * One REQUEST authorizer per credential the guarded routes use, both backed by the one authorizer
 * function. A request without the credential's header is answered 401 by API Gateway without
 * invoking the function.
 */
export function requestAuthorizers(
  scope: Construct,
  props: { stage: string; handler: IFunction; guarded: readonly AuthRoute[] },
): Map<Credential, RequestAuthorizer> {
  const authorizers = new Map<Credential, RequestAuthorizer>();
  for (const [credential, header] of CREDENTIAL_HEADERS) {
    if (!props.guarded.some((r) => r.credential === credential)) continue;
    authorizers.set(
      credential,
      new RequestAuthorizer(scope, credential === 'api-key' ? 'ApiKeyAuthorizer' : 'TokenAuthorizer', {
        authorizerName: `vigil-${props.stage}-${credential}`,
        handler: props.handler,
        identitySources: [IdentitySource.header(header)],
        resultsCacheTtl: AUTHORIZER_CACHE_TTL,
      }),
    );
  }
  return authorizers;
}

/**
 * The role the customer-service back end assumes to call the IAM routes (SigV4). Any principal of
 * this account whose own policy allows `sts:AssumeRole` on it may assume it; the handlers accept
 * this role's sessions only (`VIGIL_PRIVACY_SERVICE_ROLE_ARN`).
 */
export function privacyServiceRole(
  scope: Construct,
  props: { stage: string; api: RestApi; iamRoutes: readonly ApiRoute[] },
): Role {
  const { api, iamRoutes } = props;
  const role = new Role(scope, 'PrivacyServiceRole', {
    roleName: `vigil-${props.stage}-privacy-service`,
    assumedBy: new AccountRootPrincipal(),
    description: `Vigil ${props.stage}: calls the customers'-rights routes of the API (SigV4)`,
    maxSessionDuration: Duration.hours(1),
  });
  role.addToPolicy(
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ['execute-api:Invoke'],
      resources: iamRoutes.map((r) =>
        api.arnForExecuteApi(r.method, r.path.replace(/\{[^}]+\}/g, '*'), api.deploymentStage.stageName),
      ),
    }),
  );
  acknowledgeRouteWildcards(role, api, iamRoutes);
  return role;
}

/** cdk-nag names each wildcard resource in its own finding: acknowledged one by one, as it renders them. */
function acknowledgeRouteWildcards(role: Role, api: RestApi, iamRoutes: readonly ApiRoute[]): void {
  const stack = Stack.of(role);
  const logical = (c: Construct) =>
    stack.resolve(stack.getLogicalId(c.node.defaultChild as CfnElement)) as string;
  const literal = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
  const prefix =
    `arn:${literal(stack.partition, 'Partition')}:execute-api:${literal(stack.region, 'Region')}:<AWS::AccountId>:` +
    `<${logical(api)}>/<${logical(api.deploymentStage)}>`;
  for (const route of iamRoutes.filter((r) => r.path.includes('{'))) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${prefix}/${route.method}${route.path.replace(/\{[^}]+\}/g, '*')}]`,
      reason:
        'execute-api:Invoke on one customers’-rights route; the wildcard stands for its path parameter (a customer id, a request id).',
    });
  }
}
