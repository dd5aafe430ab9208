import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseKey } from '../../src/shared/keys.ts';
import { VigilStack, vigilTags } from '../../infra/vigil-stack.ts';
import { logicalId, vigilApp } from './support.ts';

// Synthesis is the slow part (~0.3 s): the template assertions share one.
let shared: { stack: VigilStack; template: Template } | undefined;
function devTemplate() {
  if (!shared) {
    const { stack } = vigilApp();
    shared = { stack, template: Template.fromStack(stack) };
  }
  return shared;
}

// The first synthesis loads most of aws-cdk-lib and takes many seconds on a busy machine: done
// here, with room to spare, so that no test's own time depends on the machine's load.
beforeAll(() => {
  devTemplate();
}, 180_000);

describe('VigilStack: the pseudonymisation key', () => {
  it('is named Vigil-<stage> in the EEA region from cdk.json, account left to the CLI', () => {
    // Prepare
    const { stack } = devTemplate();

    // Act
    const { stackName, region, account } = stack;

    // Assess
    expect(stackName).toBe('Vigil-dev');
    expect(region).toBe('eu-central-1');
    expect(account).toMatch(/^\$\{Token\[AWS\.AccountId/);
  });

  it('has its own customer-managed KMS key with rotation on, retained', () => {
    // Prepare
    const { stack, template } = devTemplate();
    const keyId = logicalId(stack, stack.pseudonymKmsKey);

    // Act
    const key = template.findResources('AWS::KMS::Key')[keyId];

    // Assess
    expect(key).toMatchObject({
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: 'alias/vigil/dev/pseudonym',
      TargetKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
  });

  it('keeps the key material in a secret encrypted with that key, retained', () => {
    // Prepare
    const { stack, template } = devTemplate();
    const keyId = logicalId(stack, stack.pseudonymKmsKey);

    // Act
    const secrets = template.findResources('AWS::SecretsManager::Secret');

    // Assess
    expect(Object.keys(secrets)).toHaveLength(1);
    template.hasResource('AWS::SecretsManager::Secret', {
      Properties: {
        Name: 'vigil/dev/pseudonym-key',
        KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('generates {"version":"v1","secret":<64 letters and digits>}', () => {
    // Prepare
    const { template } = devTemplate();

    // Act
    const secret = Object.values(template.findResources('AWS::SecretsManager::Secret'))[0];

    // Assess
    expect(secret?.Properties?.GenerateSecretString).toEqual({
      SecretStringTemplate: '{"version":"v1"}',
      GenerateStringKey: 'secret',
      PasswordLength: 64,
      ExcludePunctuation: true,
    });
  });

  it('generates a value the app reads as a key of at least 32 bytes', () => {
    // Prepare: what Secrets Manager stores: the template plus a password of the configured shape
    const { template } = devTemplate();
    const secret = Object.values(template.findResources('AWS::SecretsManager::Secret'))[0];
    const generate = secret?.Properties?.GenerateSecretString as {
      SecretStringTemplate: string;
      GenerateStringKey: string;
      PasswordLength: number;
    };
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    const password = Array.from(
      { length: generate.PasswordLength },
      (_, i) => alphabet[(i * 37 + 11) % 62],
    ).join('');
    const stored = {
      ...JSON.parse(generate.SecretStringTemplate),
      [generate.GenerateStringKey]: password,
    } as {
      version: string;
      secret: string;
    };

    // Act: what the app does with it
    const key = parseKey(`${stored.version}:${stored.secret}`);

    // Assess
    expect(key.version).toBe('v1');
    expect(key.secret.length).toBeGreaterThanOrEqual(32);
  });

  it('retains every resource that holds keys or data', () => {
    // Prepare
    const { stack, template } = devTemplate();
    const holders = [
      stack.pseudonymKmsKey,
      stack.pseudonymKeySecret,
      stack.pipeline.dataKey,
      stack.pipeline.stream,
      ...Object.values(stack.pipeline.tables),
    ].map((c) => logicalId(stack, c));

    // Act
    const resources = template.toJSON().Resources as Record<
      string,
      { DeletionPolicy?: string; UpdateReplacePolicy?: string }
    >;
    const policies = holders.map((id) => [resources[id]?.DeletionPolicy, resources[id]?.UpdateReplacePolicy]);

    // Assess
    expect(policies).toEqual(holders.map(() => ['Retain', 'Retain']));
  });

  it('tags the key, the secret and the stack with project, stage and data classification', () => {
    // Prepare
    const { stack, template } = devTemplate();
    const expected = { project: 'vigil', stage: 'dev', 'data-classification': 'personal-pseudonymised' };
    const resources = template.toJSON().Resources as Record<string, { Properties: { Tags: unknown } }>;

    // Act
    const tagged = [stack.pseudonymKmsKey, stack.pseudonymKeySecret]
      .map((c) => resources[logicalId(stack, c)]!)
      .map(
        (r) =>
          Object.fromEntries(
            (r.Properties.Tags as { Key: string; Value: string }[]).map(({ Key, Value }) => [Key, Value]),
          ) as Record<string, string>,
      );

    // Assess
    expect(vigilTags('dev')).toEqual(expected);
    expect(tagged).toEqual([expected, expected]);
    expect(stack.tags.tagValues()).toEqual(expected);
  });

  it('takes the stage from context into names and tags', () => {
    // Prepare
    const { stack } = vigilApp({ stage: 'prod', region: 'eu-west-1' });

    // Act
    const template = Template.fromStack(stack);

    // Assess
    expect(stack.stackName).toBe('Vigil-prod');
    expect(stack.region).toBe('eu-west-1');
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'vigil/prod/pseudonym-key',
      Tags: Match.arrayWith([{ Key: 'stage', Value: 'prod' }]),
    });
  });

  it.each(['', 'Prod', 'dev/1', 'a-stage-name-that-is-far-too-long'])('refuses stage %j', (stage) => {
    // Prepare
    const app = new App();

    // Act
    const act = () => new VigilStack(app, 'Vigil-x', { stage });

    // Assess
    expect(act).toThrow(/Vigil stage .*expected 1–20 lower-case letters/);
  });

  it('refuses a non-EEA region from context before building anything', () => {
    // Prepare
    const context = { region: 'us-east-1' };

    // Act
    const act = () => vigilApp(context);

    // Assess
    expect(act).toThrow(/privacy policy promises storage in the EEA: region us-east-1 is not in the EEA/);
  });
});

describe('VigilStack: cdk-nag AwsSolutions', () => {
  it('synthesises with no unacknowledged error or warning', () => {
    // Prepare
    const { app, stack, outdir } = vigilApp();

    // Act
    app.synth();
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; violations: unknown[] }[];
    };

    // Assess
    expect(
      report.pluginReports.flatMap((r) => r.violations.map((v) => ({ plugin: r.pluginName, v }))),
    ).toEqual([]);
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  it('acknowledges only SMG4 on the secret, SQS3 on the DLQ, KDS3 on the stream, S1 on the dead-letter bucket and IAM5 on its objects (consumer, operator) outside the API (test/infra/api.test.ts) and the console (test/infra/console.test.ts), each with a written reason', () => {
    // Prepare
    const { app } = vigilApp();

    // Act
    const outsideApi = app.node
      .findAll()
      .filter((c) => !/^Vigil-dev\/(Api|Console|Custom::CDKBucketDeployment\w+)(\/|$)/.test(c.node.path));
    const acknowledgements = outsideApi.flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.entries(m.data as Record<string, unknown>))
        .map(([id, reason]) => ({ path: c.node.path, id, reason })),
    );

    // Assess
    expect(acknowledgements.map(({ path, id }) => [path, id.replace(/^.*::/, '')])).toEqual([
      ['Vigil-dev/PseudonymKeySecret', 'AwsSolutions-SMG4'],
      ['Vigil-dev/Pipeline/EventStream', 'AwsSolutions-KDS3'],
      ['Vigil-dev/Pipeline/ConsumerDlq', 'AwsSolutions-SQS3'],
      ['Vigil-dev/Pipeline/DeadLetterRecords', 'AwsSolutions-S1'],
      [
        'Vigil-dev/Pipeline/ConsumerRole',
        expect.stringMatching(/^<PipelineDeadLetterRecords\w+\.Arn>\/dead-letters\/\*\]$/),
      ],
      [
        'Vigil-dev/DeadLetterOperator/Role',
        expect.stringMatching(/^<PipelineDeadLetterRecords\w+\.Arn>\/dead-letters\/\*\]$/),
      ],
    ]);
    for (const { reason } of acknowledgements) {
      expect(typeof reason === 'string' ? reason.trim().length : 0).toBeGreaterThan(40);
    }
  });

  it('stops synthesis on an unacknowledged finding (the pack is really registered)', () => {
    // Prepare
    const { app, stack } = vigilApp();
    new Secret(stack, 'Unreviewed');

    // Act
    const act = () => app.synth();

    // Assess
    expect(act).toThrow(/AwsSolutions-SMG4/);
  });
});
