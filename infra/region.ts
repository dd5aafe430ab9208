/**
 * Where Vigil may be deployed.
 *
 * The shop's privacy policy promises that the (pseudonymised) personal data
 * Vigil keeps is stored in the European Economic Area (the 27 EU member states
 * plus Iceland, Liechtenstein and Norway). Every resource of the CDK app lives
 * in one region, so the app refuses to synthesise for a region whose data
 * centres are outside the EEA.
 */

/**
 * The AWS regions whose data centres are in an EU/EEA country, with the
 * country for the reader. Kept as data so a new EEA region is one line.
 *
 * Sources (checked 2026-11):
 * - AWS regions and their locations:
 *   https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html
 * - EEA membership: https://www.efta.int/eea (EU 27 + Iceland, Liechtenstein, Norway)
 *
 * Deliberately NOT listed:
 * - eu-central-2 (Zurich): Switzerland is in EFTA but not in the EEA (it
 *   rejected the EEA Agreement in 1992).
 * - eu-west-2 (London): the United Kingdom left the EU (and with it the EEA)
 *   in 2020. The EU's adequacy decision for the UK permits transfers there, but
 *   a transfer is not what the policy promises: storage in the EEA.
 * - eusc-de-east-1 (AWS European Sovereign Cloud, Brandenburg): in the EEA, but
 *   a separate partition (`aws-eusc`) that a normal AWS account cannot deploy
 *   to; add it here when Vigil moves there.
 * - Local Zones in EU cities (Copenhagen, Helsinki, Warsaw, …) are not regions:
 *   CDK deploys to their parent region.
 */
export const EEA_REGIONS: ReadonlyMap<string, string> = new Map([
  ['eu-central-1', 'Frankfurt, Germany'],
  ['eu-west-1', 'Dublin, Ireland'],
  ['eu-west-3', 'Paris, France'],
  ['eu-north-1', 'Stockholm, Sweden'],
  ['eu-south-1', 'Milan, Italy'],
  ['eu-south-2', 'Aragón, Spain'],
]);

/** The region used when neither CDK context nor the CDK CLI names one. */
export const DEFAULT_REGION = 'eu-central-1';

export interface RegionSources {
  /** CDK context `region` (`cdk synth -c region=…` or `cdk.json`); may be anything a user typed. */
  readonly contextRegion?: unknown;
  /**
   * `CDK_DEFAULT_REGION`, which the CDK CLI sets from the AWS profile, or to
   * `us-east-1` when it finds no region at all (no AWS config on the machine).
   * That is why `cdk.json` pins context `region`: otherwise an offline synth
   * would be refused for a region nobody chose.
   */
  readonly defaultRegion?: string | undefined;
}

/**
 * The region to deploy to: CDK context `region`, else `CDK_DEFAULT_REGION`,
 * else {@link DEFAULT_REGION}. Throws when that region is not in the EEA.
 *
 * A source counts as given when it is not `undefined`: an empty `-c region=`
 * is a mistake to report, not a reason to fall back to another region.
 *
 * @example
 * ```ts
 * resolveRegion({ contextRegion: app.node.tryGetContext('region'), defaultRegion: process.env.CDK_DEFAULT_REGION });
 * ```
 */
export function resolveRegion({ contextRegion, defaultRegion }: RegionSources): string {
  const [region, source] =
    contextRegion !== undefined
      ? [contextRegion, "CDK context 'region'"]
      : defaultRegion !== undefined
        ? [defaultRegion, 'CDK_DEFAULT_REGION']
        : [DEFAULT_REGION, 'the default'];
  if (typeof region === 'string' && EEA_REGIONS.has(region)) return region;
  const hint =
    source === 'CDK_DEFAULT_REGION'
      ? ' (the CDK CLI sets CDK_DEFAULT_REGION from your AWS profile, or to us-east-1 when it finds none)'
      : '';
  throw new Error(
    'Vigil stores personal data and its privacy policy promises storage in the EEA: ' +
      `region ${formatRegion(region)} is not in the EEA (it came from ${source}${hint}); ` +
      `use one of ${[...EEA_REGIONS.keys()].join(', ')}, e.g. cdk synth -c region=${DEFAULT_REGION}`,
  );
}

function formatRegion(value: unknown): string {
  return typeof value === 'string' && /^[A-Za-z0-9-]+$/.test(value) ? value : JSON.stringify(value);
}
