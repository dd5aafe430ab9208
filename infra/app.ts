/**
 * The CDK app entry (`cdk.json`: `npx tsx infra/app.ts`). Synthesises offline:
 * no AWS credentials or lookups needed.
 *
 * ```sh
 * npx cdk synth                      # Vigil-dev in CDK_DEFAULT_REGION or eu-central-1
 * npx cdk synth -c region=eu-west-1 -c stage=prod
 * ```
 */
import { createVigilApp } from './vigil-app.ts';

createVigilApp();
