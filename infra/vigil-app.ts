import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { resolveVigilConfig } from './config.ts';
import { resolveRegion } from './region.ts';
import { VigilStack } from './vigil-stack.ts';

export interface VigilAppOptions {
  /** Extra CDK context (tests); the CDK CLI hands `cdk.json` and `-c` context in through the environment. */
  readonly context?: Record<string, unknown>;
  /** Where the cloud assembly goes; the CLI sets it through the environment. */
  readonly outdir?: string;
  /** The environment to read `CDK_DEFAULT_REGION` and `CDK_DEFAULT_ACCOUNT` from. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The Vigil CDK app: one `Vigil-<stage>` stack in an EEA region, checked by
 * cdk-nag's AwsSolutions pack at synthesis (an unacknowledged error stops
 * `cdk synth`; findings land in `cdk.out/validation-report.json`).
 *
 * Context: `stage` (default `dev`) and `region` (see {@link resolveRegion}),
 * both set in `cdk.json`; override with `-c stage=prod -c region=eu-west-1`.
 * The stream, table, consumer and alarm settings come from context or a JSON
 * file (`-c configFile=…`), see {@link resolveVigilConfig}.
 * `cdk.json` pins `region` because the CDK CLI hands the app
 * `CDK_DEFAULT_REGION=us-east-1` when the machine has no AWS config, so the
 * deployment region is chosen in the repository, not by a developer's profile.
 */
export function createVigilApp(options: VigilAppOptions = {}): { app: App; stack: VigilStack } {
  const env = options.env ?? process.env;
  const app = new App({
    ...(options.context ? { context: options.context } : {}),
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
  const region = resolveRegion({
    contextRegion: app.node.tryGetContext('region'),
    defaultRegion: env.CDK_DEFAULT_REGION,
  });
  const stage: unknown = app.node.tryGetContext('stage') ?? 'dev';
  if (typeof stage !== 'string')
    throw new Error(`Vigil stage: expected a string, got ${JSON.stringify(stage)}`);

  const config = resolveVigilConfig({ context: (key) => app.node.tryGetContext(key) });

  const stack = new VigilStack(app, `Vigil-${stage}`, {
    stage,
    config,
    env: { region, account: env.CDK_DEFAULT_ACCOUNT },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
