import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  Aws,
  type CfnElement,
  DefaultStackSynthesizer,
  Duration,
  RemovalPolicy,
  Stack,
  Token,
  Validations,
} from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import {
  CONSOLE_CONFIG_FILE,
  CONSOLE_DIR,
  CONSOLE_PATH,
  type ConsoleConfig,
  consoleCsp,
} from '../src/shared/console.ts';
import type { VigilApi } from './api.ts';

/** The console's files under this key prefix of the bucket, so that the bucket's keys are its paths. */
const PREFIX = CONSOLE_PATH.slice(1);

export interface ConsoleHostingProps {
  readonly stage: string;
  /** The API the console calls, with the console's sign-in (`VigilApi` given a console origin). */
  readonly api: VigilApi;
  /** The built console; default `dist/console` (`npm run build:console`, part of `npm ci`). */
  readonly dir?: string;
}

/**
 * The analyst console in AWS: the built files in a private bucket, served by a CloudFront
 * distribution that alone may read it (origin access control), under a response headers policy
 * with the console's Content-Security-Policy, and a `config.json` beside the page that tells the
 * console where the API and its sign-in are (so one build serves locally and here).
 *
 * The console calls the API on the API's own origin (CORS for this distribution's origin only,
 * `VigilApi`), and signs analysts in through the user pool's sign-in pages (authorization code
 * with PKCE). CloudFront's default `*.cloudfront.net` domain: a custom domain needs a certificate
 * in us-east-1 and DNS, both outside this stack.
 */
export class ConsoleHosting extends Construct {
  readonly bucket: Bucket;
  readonly headers: ResponseHeadersPolicy;
  readonly distribution: Distribution;
  /** `https://<distribution domain>`: the console is at `<origin>/console/`. */
  readonly origin: string;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);
    const { stage, api } = props;
    const dir = props.dir ?? CONSOLE_DIR;
    if (!existsSync(join(dir, 'index.html'))) {
      throw new Error(`Vigil console: ${dir}: not built (npm run build:console)`);
    }
    if (!api.console)
      throw new Error('Vigil console: the API has no console origin (VigilApi consoleOrigin)');
    const apiOrigin = `https://${api.restApi.restApiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`;
    const signInOrigin = api.console.domain.baseUrl();

    this.bucket = consoleBucket(this);
    this.headers = headersPolicy(this, stage, [apiOrigin, signInOrigin]);
    this.distribution = distribution(this, { stage, bucket: this.bucket, headers: this.headers });
    this.origin = `https://${this.distribution.distributionDomainName}`;
    this.#deploy(dir, {
      apiUrl: `${apiOrigin}/${api.restApi.deploymentStage.stageName}`,
      signIn: { kind: 'cognito', domain: signInOrigin, clientId: api.console.client.userPoolClientId },
    });
  }

  /**
   * The files: hashed assets cached for good, the page and `config.json` revalidated on every
   * load (so a deployment reaches analysts at their next visit), and CloudFront's copies of these
   * two dropped.
   */
  #deploy(dir: string, config: ConsoleConfig): void {
    new BucketDeployment(this, 'Assets', {
      sources: [Source.asset(join(dir, 'assets'))],
      destinationBucket: this.bucket,
      destinationKeyPrefix: `${PREFIX}/assets/`,
      cacheControl: [CacheControl.fromString('public, max-age=31536000, immutable')],
    });
    new BucketDeployment(this, 'Page', {
      sources: [
        Source.asset(dir, { exclude: ['assets', 'assets/**'] }),
        Source.jsonData(CONSOLE_CONFIG_FILE, config),
      ],
      destinationBucket: this.bucket,
      destinationKeyPrefix: `${PREFIX}/`,
      // The assets are the other deployment's.
      prune: false,
      cacheControl: [CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: [`${CONSOLE_PATH}/*`],
    });
    acknowledgeDeploymentProvider(this);
  }
}

/** Private, encrypted, TLS only; CloudFront reads it through origin access control. */
function consoleBucket(scope: Construct): Bucket {
  const bucket = new Bucket(scope, 'Files', {
    encryption: BucketEncryption.S3_MANAGED,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    // CloudFormation deletes no bucket that holds objects: it stays, with the build only, when the stack goes.
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(bucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason:
      "No server access log bucket: it holds the console's build only (no data), the same for every reader, written by the " +
      'stack’s deployment alone and read by CloudFront alone (origin access control); data reads are in the API’s access ' +
      'log and audit trail.',
  });
  return bucket;
}

/**
 * The console's headers on every answer: the Content-Security-Policy of `src/shared/console.ts`
 * with the API's and the sign-in pages' origins in `connect-src` (the token request), HSTS, no
 * sniffing, no framing, no referrer, and no powerful browser feature.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/understanding-response-headers-policies.html
 */
function headersPolicy(scope: Construct, stage: string, connectTo: string[]): ResponseHeadersPolicy {
  return new ResponseHeadersPolicy(scope, 'Headers', {
    responseHeadersPolicyName: `vigil-${stage}-console`,
    comment: `Vigil ${stage}: the analyst console's security headers`,
    securityHeadersBehavior: {
      contentSecurityPolicy: { contentSecurityPolicy: consoleCsp(connectTo), override: true },
      strictTransportSecurity: {
        accessControlMaxAge: Duration.days(365),
        includeSubdomains: true,
        override: true,
      },
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
      referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
    },
    customHeadersBehavior: {
      customHeaders: [
        {
          header: 'Permissions-Policy',
          value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
          override: true,
        },
      ],
    },
  });
}

/**
 * The console's paths are History API routes, one page: a viewer-request function maps each
 * path under `/console/` that names no file to the page, and `/` to `/console/`. Not custom
 * error responses: those would also turn a missing asset into the page.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-javascript-runtime-20.html
 */
export const PATHS_FUNCTION = `function handler(event) {
  var uri = event.request.uri;
  if (uri === '/' || uri === '${CONSOLE_PATH}') {
    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '${CONSOLE_PATH}/' } } };
  }
  if (uri.indexOf('${CONSOLE_PATH}/') === 0 && !/\\.[A-Za-z0-9]+$/.test(uri)) {
    event.request.uri = '${CONSOLE_PATH}/index.html';
  }
  return event.request;
}`;

function distribution(
  scope: Construct,
  props: { stage: string; bucket: Bucket; headers: ResponseHeadersPolicy },
): Distribution {
  const paths = new CloudFrontFunction(scope, 'Paths', {
    functionName: `vigil-${props.stage}-console-paths`,
    comment: 'The console: its paths to its page',
    runtime: FunctionRuntime.JS_2_0,
    code: FunctionCode.fromInline(PATHS_FUNCTION),
  });
  const dist = new Distribution(scope, 'Distribution', {
    comment: `Vigil ${props.stage}: the analyst console`,
    defaultBehavior: {
      origin: S3BucketOrigin.withOriginAccessControl(props.bucket),
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: CachePolicy.CACHING_OPTIMIZED,
      responseHeadersPolicy: props.headers,
      compress: true,
      functionAssociations: [{ function: paths, eventType: FunctionEventType.VIEWER_REQUEST }],
    },
    httpVersion: HttpVersion.HTTP2_AND_3,
    // Europe and North America edge locations: where the analysts are; cheaper than all.
    priceClass: PriceClass.PRICE_CLASS_100,
  });
  Validations.of(dist).acknowledge(
    {
      id: 'AwsSolutions-CFR1',
      reason:
        'No geo restriction: analysts may work from anywhere; the console holds no data and every API call needs a token.',
    },
    {
      id: 'AwsSolutions-CFR2',
      reason:
        'No WAF web ACL: the distribution serves the static build only (no data, GET and HEAD); the API it calls throttles ' +
        'every method and requires a credential on each.',
    },
    {
      id: 'AwsSolutions-CFR3',
      reason:
        'No access logs: the same public build for every viewer; who read which data is in the API’s access log and audit trail.',
    },
    {
      id: 'AwsSolutions-CFR4',
      reason:
        'The default *.cloudfront.net certificate (CloudFront sets its TLS policy); a custom domain with its own ' +
        'certificate and TLSv1.2_2021 needs a certificate in us-east-1 and DNS outside this stack.',
    },
  );
  return dist;
}

/**
 * cdk-nag's findings on the bucket deployments' provider, a function and role of aws-cdk-lib (one
 * per stack, beside the stack's other constructs), acknowledged on that provider alone and one by
 * one, as cdk-nag renders them: it copies the build from the CDK asset bucket into the console
 * bucket (object and action wildcards on those two) and invalidates the distribution
 * (`cloudfront:CreateInvalidation` takes no resource).
 */
function acknowledgeDeploymentProvider(console: ConsoleHosting): void {
  const stack = Stack.of(console);
  const provider = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (!provider) return;
  const literal = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
  const bucketId = stack.resolve(
    stack.getLogicalId(console.bucket.node.defaultChild as CfnElement),
  ) as string;
  const assets = `arn:${literal(stack.partition, 'Partition')}:s3:::cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-assets-<AWS::AccountId>-${literal(stack.region, 'Region')}/*`;
  const wildcards = [
    ...['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*'].map(
      (a) => `Action::${a}`,
    ),
    `Resource::${assets}`,
    `Resource::<${bucketId}.Arn>/*`,
    'Resource::*',
  ];
  const reason =
    'The bucket deployment provider of aws-cdk-lib: copies the console build from the CDK asset bucket into the ' +
    'console bucket and invalidates the console’s distribution; its policy is aws-cdk-lib’s.';
  Validations.of(provider).acknowledge(
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: `${reason} It writes its own logs with AWSLambdaBasicExecutionRole.`,
    },
    ...wildcards.map((w) => ({ id: `AwsSolutions-IAM5[${w}]`, reason })),
    {
      id: 'AwsSolutions-L1',
      reason: 'The bucket deployment provider’s runtime is aws-cdk-lib’s choice and moves with its version.',
    },
  );
}
