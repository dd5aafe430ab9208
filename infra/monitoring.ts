import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../src/shared/observability.ts';
import type { Pipeline } from './pipeline.ts';

/**
 * Iterator age at which the stream is stuck, ms. Healthy batches leave the
 * stream within seconds (a 1 s batching window plus the batch's own time);
 * a shard that retries a failing batch (a poison shard) grows it by a minute
 * every minute. https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html#performance-metrics
 */
export const ITERATOR_AGE_ALARM_MS = 5 * 60_000;

export interface MonitoringProps {
  readonly stage: string;
  readonly pipeline: Pipeline;
  /** Mailed on every alarm when given. */
  readonly alarmEmail?: string;
}

/**
 * Alarms that notice a stuck or failing pipeline (a poison shard first shows
 * as a growing iterator age, then as DLQ messages once its retries run out),
 * an SNS topic they notify, and a dashboard.
 */
export class Monitoring extends Construct {
  readonly alarmTopic: Topic;
  readonly alarms: Readonly<Record<'iteratorAge' | 'deadLetters' | 'errors' | 'throttles', Alarm>>;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { stage, pipeline } = props;
    const consumer = pipeline.consumer;

    // Its own key: CloudWatch must be allowed to use it to publish, which the data key never allows.
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html
    const topicKey = new Key(this, 'AlarmTopicKey', {
      description: `Vigil ${stage}: encrypts the alarm topic`,
      alias: `alias/vigil/${stage}/alarms`,
      enableKeyRotation: true,
      // Holds nothing but alarm notifications in flight.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    topicKey.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      topicName: `vigil-${stage}-alarms`,
      displayName: `Vigil ${stage} alarms`,
      masterKey: topicKey,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));

    const minutes = (n: number) => Duration.minutes(n);
    const alarm = (
      name: string,
      metric: IMetric,
      threshold: number,
      evaluationPeriods: number,
      description: string,
    ) => {
      const a = new Alarm(this, name, {
        alarmName: `vigil-${stage}-${name}`,
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No traffic is not a failure.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(new SnsAction(this.alarmTopic));
      a.addOkAction(new SnsAction(this.alarmTopic));
      return a;
    };

    const iteratorAge = consumer.metric('IteratorAge', { statistic: 'Maximum', period: minutes(1) });
    const dlqDepth = pipeline.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      statistic: 'Maximum',
      period: minutes(1),
    });
    const errors = consumer.metricErrors({ statistic: 'Sum', period: minutes(5) });
    const throttles = consumer.metricThrottles({ statistic: 'Sum', period: minutes(5) });
    this.alarms = {
      iteratorAge: alarm(
        'iterator-age',
        iteratorAge,
        ITERATOR_AGE_ALARM_MS,
        5,
        'The consumer is behind the stream by 5 minutes or more for 5 minutes: a shard retries a failing ' +
          'batch (poison shard, DynamoDB throttling) or the consumer cannot keep up. See the consumer logs for failedAt.',
      ),
      deadLetters: alarm(
        'dead-letters',
        dlqDepth,
        1,
        1,
        'Kinesis records gave up after their retries: the DLQ holds their shard and sequence numbers. ' +
          'Re-read them from the stream before its retention ends.',
      ),
      errors: alarm(
        'consumer-errors',
        errors,
        1,
        1,
        'The consumer failed a whole invocation (crash, timeout, unreadable key): retryable record failures do not count here.',
      ),
      throttles: alarm(
        'consumer-throttles',
        throttles,
        1,
        1,
        'Lambda throttled the consumer: the account or function concurrency is exhausted and shards wait.',
      ),
    };

    const custom = (name: string) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: name,
        // The consumer adds `stage` to Powertools' `service` dimension (buildDeps in functions/consume-events.ts).
        dimensionsMap: { service: SERVICE_NAME, stage },
        statistic: 'Sum',
        period: minutes(1),
      });
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `vigil-${stage}`,
      widgets: [
        [
          new GraphWidget({ title: 'Iterator age (max, ms)', left: [iteratorAge], width: 8 }),
          new GraphWidget({
            title: 'Consumer invocations, errors, throttles',
            left: [consumer.metricInvocations({ period: minutes(1) }), errors, throttles],
            width: 8,
          }),
          new GraphWidget({
            title: 'Consumer duration (p50, p99, ms)',
            left: [
              consumer.metricDuration({ statistic: 'p50', period: minutes(1) }),
              consumer.metricDuration({ statistic: 'p99', period: minutes(1) }),
            ],
            width: 8,
          }),
        ],
        [
          new GraphWidget({
            title: 'Decisions per minute',
            left: ['Events', 'Decisions_allow', 'Decisions_review', 'Decisions_deny', 'Duplicates'].map(
              custom,
            ),
            width: 8,
          }),
          new GraphWidget({
            title: 'Invalid records, alerts, failed records',
            left: ['Invalid', 'Alerts', 'FailedRecords'].map(custom),
            width: 8,
          }),
          new GraphWidget({
            title: 'Dead-letter queue depth',
            left: [dlqDepth],
            width: 8,
          }),
        ],
      ],
    });
  }
}
