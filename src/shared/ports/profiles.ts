/** The profile port: what the detection reads of the stored profiles and what it records in them. */
import type { ProfileKey, ProfileSnapshot, ProfileWrite, SignalKind } from '../profile.ts';

/**
 * How much one profile may hold, whatever the traffic: the newest N
 * observations of each kind. The rules look back minutes to hours over at most
 * a few dozen events, and the history rules (devices, countries, amounts) are
 * satisfied by the latest few dozen logins and orders.
 */
export const PROFILE_LIMITS: Record<SignalKind, number> = { login: 64, order: 32, browse: 32, search: 16 };

/** Shop-wide counters are kept in hourly buckets for a week. */
export const GLOBAL_BUCKET_MS = 3_600_000;
export const GLOBAL_BUCKETS = 24 * 7;

/** The start (epoch ms) of the hourly bucket that holds `at`. */
export const bucketStart = (at: number): number => Math.floor(at / GLOBAL_BUCKET_MS) * GLOBAL_BUCKET_MS;

/** What a load reads beside the profiles. */
export interface LoadOptions {
  /**
   * Read the shop-wide counters too (default true). Only a few login and browse rules use them,
   * and on DynamoDB they are a week of hour items (the current one read with every load): the
   * score endpoint, which scores orders, leaves them out.
   */
  readonly shopWide?: boolean;
}

/**
 * The profile store. The detection only knows this interface; the in-memory adapter
 * (src/shared/memory/profiles.ts) serves replay and tests, the DynamoDB adapter
 * (src/shared/dynamo/profiles.ts) the pipeline.
 *
 * Expiry is the store's job on read: an observation whose `expiresAt` has passed (measured at
 * the event time being scored) is never returned, even if the database has not deleted it yet.
 */
export interface ProfileStore {
  /**
   * The unexpired observations of these profiles, the controls of the subjects among them, and
   * the shop-wide counters unless `options.shopWide` is false, as of `at` (epoch ms). A snapshot
   * is read before the event's own write and is not valid after the next `record`.
   */
  load(keys: readonly ProfileKey[], at: number, options?: LoadOptions): Promise<ProfileSnapshot>;
  /** Appends each write's observation to its profiles and adds its login or page view to the shop-wide counters. */
  record(writes: readonly ProfileWrite[]): Promise<void>;
}
