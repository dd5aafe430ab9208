import type { Method, RestApi, UsagePlan } from 'aws-cdk-lib/aws-apigateway';
import type { UserPool, UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { Role } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { authRoutes, credentialOf } from '../src/api/authorizer.ts';
import { ROUTES } from '../src/api/routes.ts';
import { ENV } from '../src/shared/env.ts';
import {
  cliClient,
  type ConsoleSignIn,
  consoleSignIn,
  privacyServiceRole,
  requestAuthorizers,
  staffUserPool,
} from './api-auth.ts';
import { type ApiFunctionsProps, authorizerFunction, routeFunctions } from './api-functions.ts';
import {
  accessLogGroup,
  type ApiRoute,
  consolePreflights,
  methodKey,
  restApi,
  routeMethods,
  scoreUsagePlan,
} from './api-gateway.ts';

export interface VigilApiProps extends ApiFunctionsProps {
  /** The routes to serve; default every route of `ROUTES`. */
  readonly routes?: readonly ApiRoute[];
  /**
   * The analyst console's origin, `https://<domain>`: its sign-in (app client, Cognito domain) and
   * the one origin whose pages may read the API's answers (CORS). None: neither.
   */
  readonly consoleOrigin?: string;
}

/**
 * The REST API of the three Vigil APIs (score, analysts, customers' rights), built from the route
 * table `src/api/routes.ts`: one Lambda function per handler file (`functions/<name>.ts`), bundled
 * like the consumer, a Lambda proxy integration per route, so that a route added to the table is
 * served after the next deployment without touching this file (a new handler file also needs its
 * line in `infra/api-access.ts`).
 *
 * Authentication per route, from its roles (`credentialOf` in `src/api/authorizer.ts`):
 * an API key and a usage plan for the order flow, a Cognito user pool token for analysts and the
 * admin (both through one Lambda REQUEST authorizer that hands the handlers `{ principalId, role }`),
 * SigV4 (`AWS_IAM`) for the privacy service, whose assumable role the stack creates.
 */
export class VigilApi extends Construct {
  readonly restApi: RestApi;
  /** One function per handler file, by file name (`score-order`, …). */
  readonly functions: ReadonlyMap<string, NodejsFunction>;
  /** The Lambda REQUEST authorizer (API key and token routes); absent when every route is IAM. */
  readonly authorizer?: NodejsFunction;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  /** The console's sign-in; absent without a console origin. */
  readonly console?: ConsoleSignIn;
  /** Assumed by the customer-service back end to call the IAM routes; absent without such routes. */
  readonly privacyServiceRole?: Role;
  /** The API key routes' usage plan (throttling and quota per key); absent without such routes. */
  readonly usagePlan?: UsagePlan;
  readonly accessLogGroup: LogGroup;
  /** Every method, by `METHOD path`. */
  readonly methods: ReadonlyMap<string, Method>;

  constructor(scope: Construct, id: string, props: VigilApiProps) {
    super(scope, id);
    const { stage, config, consoleOrigin } = props;
    const routes = props.routes ?? (Object.values(ROUTES) as readonly ApiRoute[]);
    this.accessLogGroup = accessLogGroup(this, stage, config);
    this.restApi = restApi(this, { stage, config, routes, accessLogs: this.accessLogGroup, consoleOrigin });
    this.functions = routeFunctions(this, routes, props);
    this.userPool = staffUserPool(this, stage);
    this.userPoolClient = cliClient(this.userPool, stage);
    if (consoleOrigin) this.console = consoleSignIn(this.userPool, { stage, origin: consoleOrigin });
    const guarded = authRoutes(routes);
    if (guarded.length > 0) {
      this.authorizer = authorizerFunction(this, {
        stage,
        config,
        guarded,
        userPoolId: this.userPool.userPoolId,
        clientIds: [this.userPoolClient, this.console?.client].flatMap((c) =>
          c ? [c.userPoolClientId] : [],
        ),
      });
    }
    const authorizers = this.authorizer
      ? requestAuthorizers(this, { stage, handler: this.authorizer, guarded })
      : new Map();
    this.methods = routeMethods(this, this.restApi, routes, {
      stage,
      functions: this.functions,
      authorizers,
    });

    if (consoleOrigin) this.#allowConsole(consoleOrigin, routes);

    const apiKeyRoutes = routes.filter((r) => credentialOf(r) === 'api-key');
    if (apiKeyRoutes.length > 0) {
      const methods = apiKeyRoutes.map((r) => this.methods.get(methodKey(r))!);
      this.usagePlan = scoreUsagePlan(this.restApi, { stage, config, methods });
    }
    const iamRoutes = routes.filter((r) => credentialOf(r) === 'iam');
    if (iamRoutes.length > 0) this.privacyServiceRole = this.#privacyService(stage, iamRoutes);
  }

  /** The console's origin may call the token routes from its pages: their preflights, and the header on every answer. */
  #allowConsole(origin: string, routes: readonly ApiRoute[]): void {
    consolePreflights(this.restApi, routes, origin);
    for (const fn of this.functions.values()) fn.addEnvironment(ENV.consoleOrigin, origin);
  }

  /** The privacy service's role, and its ARN in the environment of the functions it may call. */
  #privacyService(stage: string, iamRoutes: readonly ApiRoute[]): Role {
    const role = privacyServiceRole(this, { stage, api: this.restApi, iamRoutes });
    for (const [fn, lambda] of this.functions) {
      if (iamRoutes.some((r) => r.function === fn))
        lambda.addEnvironment(ENV.privacyServiceRoleArn, role.roleArn);
    }
    return role;
  }
}
