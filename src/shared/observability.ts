import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/** The service name on every log line and metric. */
export const SERVICE_NAME = 'vigil';
/** The CloudWatch metrics namespace. */
export const METRICS_NAMESPACE = 'Vigil';

/**
 * The one Powertools logger of the Lambda functions: JSON lines to stdout (CloudWatch Logs).
 *
 * Log only what is already pseudonymous or not personal: event ids, sequence numbers,
 * pseudonyms, field-named contract errors (which never quote the input), counts. Never a raw
 * record, partition key, IP, customer id, username or user agent.
 */
export const logger = new Logger({ serviceName: SERVICE_NAME });

/** The one Powertools metrics instance: CloudWatch embedded metric format (EMF) on stdout, flushed per invocation. */
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
