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
import type { VigilApi } from './api.ts';
import type { Pipeline } from './pipeline.ts';

/**
 * Iterator age at which the stream is stuck, ms. Healthy batches leave the
 * stream within seconds (a 1 s batching window plus the batch's own time);
 * a shard that retries a failing batch (a poison shard) grows it by a minute
 * every minute. https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html#performance-metrics
 */
export const ITERATOR_AGE_ALARM_MS = 5 * 60_000;

/**
 * p99 latency of the whole API at which it alarms, ms (five minutes in a row). The analysts' listings
 * and rule statistics page through DynamoDB and may take a few seconds; beyond this, they time out
 * for their callers soon.
 */
export const API_LATENCY_ALARM_MS = 5_000;
/**
 * p99 latency of the score route at which it alarms, ms (five minutes in a row): the checkout
 * waits on it. Its answer comes within the time budget (150 ms by default) plus the authorizer (its
 * answer cached per key) and API Gateway's overhead; a cold start adds about a second, which five
 * consecutive minutes of it do not come from.
 */
export const SCORE_LATENCY_ALARM_MS = 1_000;

export interface MonitoringProps {
  readonly stage: string;
  readonly pipeline: Pipeline;
  /** The REST API: its 5xx answers, latency and authorizer get alarms and a dashboard row. */
  readonly api?: VigilApi;
  /** Mailed on every alarm when given. */
  readonly alarmEmail?: string;
}

/** An alarm of the stage, notifying the topic when it goes off and when it is OK again. */
type AlarmFactory = (
  name: string,
  metric: IMetric,
  threshold: number,
  evaluationPeriods: number,
  description: string,
) => Alarm;

type ConsumerAlarms = Readonly<Record<'iteratorAge' | 'deadLetters' | 'errors' | 'throttles', Alarm>>;
type ApiAlarmName = 'serverErrors' | 'latency' | 'scoreLatency' | 'authorizerErrors';
type ApiAlarms = Readonly<Partial<Record<ApiAlarmName, Alarm>>>;

const minutes = (n: number) => Duration.minutes(n);

/**
 * Alarms that notice a stuck or failing pipeline (a poison shard first shows
 * as a growing iterator age, then as DLQ messages once its retries run out),
 * an SNS topic they notify, and a dashboard.
 */
export class Monitoring extends Construct {
  readonly alarmTopic: Topic;
  readonly alarms: ConsumerAlarms;
  /** With an API: its 5xx, p99 latency (the whole API and the score route) and authorizer errors. */
  readonly apiAlarms: ApiAlarms;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { stage, pipeline } = props;
    this.alarmTopic = alarmTopic(this, stage, props.alarmEmail);
    const alarm = alarmFactory(this, stage, this.alarmTopic);
    const metrics = consumerMetrics(pipeline);
    this.alarms = consumerAlarms(alarm, metrics);
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `vigil-${stage}`,
      widgets: pipelineWidgets(stage, pipeline.consumer, metrics),
    });
    this.apiAlarms = props.api ? apiAlarms(props.api, alarm, this.dashboard) : {};
  }
}

/**
 * The topic every alarm notifies (mailed to `alarmEmail` when given), under its own key:
 * CloudWatch must be allowed to use it to publish, which the data key never allows.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html
 */
function alarmTopic(scope: Construct, stage: string, alarmEmail: string | undefined): Topic {
  const topicKey = new Key(scope, 'AlarmTopicKey', {
    description: `Vigil ${stage}: encrypts the alarm topic`,
    alias: `alias/vigil/${stage}/alarms`,
    enableKeyRotation: true,
    // Holds nothing but alarm notifications in flight.
    removalPolicy: RemovalPolicy.DESTROY,
    pendingWindow: Duration.days(7),
  });
  topicKey.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
  const topic = new Topic(scope, 'AlarmTopic', {
    topicName: `vigil-${stage}-alarms`,
    displayName: `Vigil ${stage} alarms`,
    masterKey: topicKey,
    enforceSSL: true,
  });
  if (alarmEmail) topic.addSubscription(new EmailSubscription(alarmEmail));
  return topic;
}

function alarmFactory(scope: Construct, stage: string, topic: Topic): AlarmFactory {
  return (name, metric, threshold, evaluationPeriods, description) => {
    const alarm = new Alarm(scope, name, {
      alarmName: `vigil-${stage}-${name}`,
      alarmDescription: description,
      metric,
      threshold,
      evaluationPeriods,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No traffic is not a failure.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(topic));
    alarm.addOkAction(new SnsAction(topic));
    return alarm;
  };
}

/** The consumer's metrics that the alarms watch and the dashboard graphs. */
function consumerMetrics(pipeline: Pipeline) {
  const consumer = pipeline.consumer;
  return {
    iteratorAge: consumer.metric('IteratorAge', { statistic: 'Maximum', period: minutes(1) }),
    dlqDepth: pipeline.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      statistic: 'Maximum',
      period: minutes(1),
    }),
    errors: consumer.metricErrors({ statistic: 'Sum', period: minutes(5) }),
    throttles: consumer.metricThrottles({ statistic: 'Sum', period: minutes(5) }),
  };
}

function consumerAlarms(alarm: AlarmFactory, metrics: ReturnType<typeof consumerMetrics>): ConsumerAlarms {
  return {
    iteratorAge: alarm(
      'iterator-age',
      metrics.iteratorAge,
      ITERATOR_AGE_ALARM_MS,
      5,
      'The consumer is behind the stream by 5 minutes or more for 5 minutes: a shard retries a failing ' +
        'batch (poison shard, DynamoDB throttling) or the consumer cannot keep up. See the consumer logs for failedAt.',
    ),
    deadLetters: alarm(
      'dead-letters',
      metrics.dlqDepth,
      1,
      1,
      'Kinesis records gave up after their retries: the DLQ holds their shard and sequence numbers. ' +
        'Re-read them from the stream before its retention ends.',
    ),
    errors: alarm(
      'consumer-errors',
      metrics.errors,
      1,
      1,
      'The consumer failed a whole invocation (crash, timeout, unreadable key): retryable record failures do not count here.',
    ),
    throttles: alarm(
      'consumer-throttles',
      metrics.throttles,
      1,
      1,
      'Lambda throttled the consumer: the account or function concurrency is exhausted and shards wait.',
    ),
  };
}

/** The dashboard's rows of the consumer: stream, invocations, duration; decisions, invalid records, DLQ. */
function pipelineWidgets(
  stage: string,
  consumer: Pipeline['consumer'],
  metrics: ReturnType<typeof consumerMetrics>,
): GraphWidget[][] {
  const custom = (name: string) =>
    new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: name,
      // The consumer adds `stage` to Powertools' `service` dimension (consumeDepsFromEnv in src/pipeline/deps.ts).
      dimensionsMap: { service: SERVICE_NAME, stage },
      statistic: 'Sum',
      period: minutes(1),
    });
  return [
    [
      new GraphWidget({ title: 'Iterator age (max, ms)', left: [metrics.iteratorAge], width: 8 }),
      new GraphWidget({
        title: 'Consumer invocations, errors, throttles',
        left: [consumer.metricInvocations({ period: minutes(1) }), metrics.errors, metrics.throttles],
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
        left: ['Events', 'Decisions_allow', 'Decisions_review', 'Decisions_deny', 'Duplicates'].map(custom),
        width: 8,
      }),
      new GraphWidget({
        title: 'Invalid records, alerts, failed records',
        left: ['Invalid', 'Alerts', 'FailedRecords'].map(custom),
        width: 8,
      }),
      new GraphWidget({ title: 'Dead-letter queue depth', left: [metrics.dlqDepth], width: 8 }),
    ],
  ];
}

/** The API's metrics that the alarms watch and the dashboard graphs; the score's and the authorizer's when there are such. */
function apiMetrics(api: VigilApi) {
  const stage = api.restApi.deploymentStage;
  return {
    requests: stage.metricCount({ statistic: 'Sum', period: minutes(1) }),
    serverErrors: stage.metricServerError({ statistic: 'Sum', period: minutes(5) }),
    clientErrors: stage.metricClientError({ statistic: 'Sum', period: minutes(5) }),
    latency: stage.metricLatency({ statistic: 'p99', period: minutes(1) }),
    scoreLatency: api.methods
      .get('POST /v1/score')
      ?.metricLatency(stage, { statistic: 'p99', period: minutes(1) }),
    authorizerErrors: api.authorizer?.metricErrors({ statistic: 'Sum', period: minutes(5) }),
    authorizerDuration: api.authorizer?.metricDuration({ statistic: 'p99', period: minutes(1) }),
  };
}

/** The API's alarms, and its row on the dashboard. */
function apiAlarms(api: VigilApi, alarm: AlarmFactory, dashboard: Dashboard): ApiAlarms {
  const m = apiMetrics(api);
  const alarms: Partial<Record<ApiAlarmName, Alarm>> = {
    serverErrors: alarm(
      'api-5xx',
      m.serverErrors,
      1,
      1,
      'The API answered 5xx: a handler failed (its log has the error), the authorizer failed, or a function timed out. ' +
        'The score route answers a store failure degraded, never 5xx.',
    ),
    latency: alarm(
      'api-latency-p99',
      m.latency,
      API_LATENCY_ALARM_MS,
      5,
      `The API's p99 latency has been ${API_LATENCY_ALARM_MS} ms or more for 5 minutes: DynamoDB throttling or slow pages.`,
    ),
  };
  if (m.scoreLatency) {
    alarms.scoreLatency = alarm(
      'score-latency-p99',
      m.scoreLatency,
      SCORE_LATENCY_ALARM_MS,
      5,
      `POST /v1/score p99 latency has been ${SCORE_LATENCY_ALARM_MS} ms or more for 5 minutes: the checkout waits. ` +
        'Look at the authorizer and the score function durations and throttles.',
    );
  }
  if (m.authorizerErrors) {
    alarms.authorizerErrors = alarm(
      'authorizer-errors',
      m.authorizerErrors,
      1,
      1,
      'The API authorizer failed (not a refused credential, which is a Deny): the user pool keys unreachable or a ' +
        'configuration error. Token and API key callers get 500 meanwhile.',
    );
  }
  dashboard.addWidgets(...apiWidgets(m));
  return alarms;
}

function apiWidgets(m: ReturnType<typeof apiMetrics>): GraphWidget[] {
  return [
    new GraphWidget({
      title: 'API requests, 4xx, 5xx',
      left: [m.requests, m.clientErrors, m.serverErrors],
      width: 8,
    }),
    new GraphWidget({
      title: 'API latency (p99, ms)',
      left: [m.latency, ...(m.scoreLatency ? [m.scoreLatency.with({ label: 'POST /v1/score p99' })] : [])],
      width: 8,
    }),
    new GraphWidget({
      title: 'Authorizer errors and duration (p99, ms)',
      left: m.authorizerErrors ? [m.authorizerErrors] : [],
      right: m.authorizerDuration ? [m.authorizerDuration] : [],
      width: 8,
    }),
  ];
}
