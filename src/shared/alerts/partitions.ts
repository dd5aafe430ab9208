import { createHash } from 'node:crypto';
import type { AlertStatus } from './model.ts';

/**
 * Write shards of each status partition of the alerts' `gsi1` index. Every new alert is open, so
 * without sharding a wave of alerts writes to ONE index partition (`status#open`), which DynamoDB
 * caps at 1,000 write units per second; a throttled index write back-pressures the base table
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.ThroughputConsiderations),
 * so the consumer would stall. The event time as sort key only grows, so DynamoDB's split for
 * heat cannot spread the writes either. 32 shards take 32,000 write units per second, 1 to 2 per
 * alert item (see docs/capacity.md); the listing pays with one Query per shard and status.
 */
export const ALERT_STATUS_SHARDS = 32;

/** The write shard of an alert, from its id: the same for its whole life (a disposition keeps it). */
export function statusShard(alertId: string): number {
  return createHash('sha256').update(alertId).digest().readUInt32BE(0) % ALERT_STATUS_SHARDS;
}

/** The `gsi1pk` of an alert's status partition: `status#<status>#<shard>`. */
export function statusPartition(status: AlertStatus, shard: number): string {
  return `status#${status}#${shard}`;
}

/** The `gsi1pk` of an alert with this status. */
export const statusPartitionOf = (status: AlertStatus, alertId: string): string =>
  statusPartition(status, statusShard(alertId));
