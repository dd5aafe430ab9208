import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoClient } from '../aws.ts';
import { encodeMapKey } from '../map-keys.ts';
import type { Observation, ProfileKey, ProfileWrite, SignalKind, SubjectControls } from '../profile.ts';
import {
  type ForgetCounts,
  type HeldObservation,
  type SubjectDataStore,
  countsOf,
} from '../ports/subject-data.ts';
import type { SubjectPseudonym } from '../pseudonymise.ts';
import { TTL_ATTRIBUTE } from '../tables.ts';
import { type RetryPolicy, UNPROCESSED_RETRY, batchGetAll } from './batch.ts';
import {
  PATHS_PER_UPDATE,
  asidePk,
  controlPk,
  linkedKeys,
  linksOf,
  storedNamesOf,
  storedObservations,
  toControls,
} from './profile-items.ts';
import { type Item, ignoringConditionFailure, settleLimited, updateMapPaths } from './updates.ts';

export interface DynamoSubjectDataOptions {
  /** From `dynamoClient()` (src/shared/aws.ts). */
  client: DynamoClient;
  /** The profiles table's name, from `tableNames(stage)` (src/shared/tables.ts). */
  table: string;
  /** How what DynamoDB leaves of a batch read unprocessed is sent again. Default {@link UNPROCESSED_RETRY}. */
  unprocessedRetry?: RetryPolicy;
  /** Parallel UpdateItem requests per `forget` or `retract`. Default 16. */
  writeConcurrency?: number;
}

/** What a restriction keeps aside of one event: the observation and the profiles it was taken from. */
interface AsideEntry {
  observation: Observation;
  keys: ProfileKey[];
}

/**
 * The DynamoDB adapter of the subject-data port, over the profiles table that the profile
 * adapter (profiles.ts) writes: a subject's item names, in its map `links`, every profile its
 * events went to, and each of those is searched for the subject's pseudonym. Controls live in
 * `control#<subject>` items (read by the profile adapter's load too), what a restriction sets
 * aside in `aside#<subject>`. docs/storage.md describes the items.
 *
 * @example
 * ```ts
 * const subjects = new DynamoSubjectData({ client: dynamoClient(), table: tableNames('prod').profiles });
 * const counts = await subjects.forget(subject, ['browse', 'search']);
 * ```
 */
export class DynamoSubjectData implements SubjectDataStore {
  readonly #client: DynamoClient;
  readonly #table: string;
  readonly #retry: RetryPolicy;
  readonly #writeConcurrency: number;

  constructor(options: DynamoSubjectDataOptions) {
    this.#client = options.client;
    this.#table = options.table;
    this.#retry = options.unprocessedRetry ?? UNPROCESSED_RETRY;
    this.#writeConcurrency = options.writeConcurrency ?? 16;
  }

  async controls(subjects: readonly SubjectPseudonym[]): Promise<Map<SubjectPseudonym, SubjectControls>> {
    const unique = [...new Set(subjects)];
    const byPk = new Map((await this.#read(unique.map(controlPk))).map((item) => [item.pk as string, item]));
    const found = new Map<SubjectPseudonym, SubjectControls>();
    for (const subject of unique) {
      const item = byPk.get(controlPk(subject));
      if (item) found.set(subject, toControls(item));
    }
    return found;
  }

  async setControls(subject: SubjectPseudonym, controls: SubjectControls): Promise<void> {
    const Key = { pk: controlPk(subject) };
    if (!controls.objection && !controls.restriction) {
      await this.#client.send(new DeleteCommand({ TableName: this.#table, Key }));
      return;
    }
    // No `ttl`: a control stands until the customer withdraws it.
    await this.#client.send(new PutCommand({ TableName: this.#table, Item: { ...Key, ...controls } }));
  }

  async observationsOf(subject: SubjectPseudonym, at: number): Promise<HeldObservation[]> {
    return (await this.#held(subject)).filter((h) => h.observation.expiresAt > at / 1000);
  }

  async forget(subject: SubjectPseudonym, kinds: readonly SignalKind[]): Promise<ForgetCounts> {
    const events = new Map<SignalKind, Set<string>>(kinds.map((k) => [k, new Set<string>()]));
    const byKey = new Map<ProfileKey, string[]>();
    const keep = new Set<ProfileKey>();
    for (const { key, observation: o } of await this.#held(subject)) {
      const ids = events.get(o.kind);
      if (!ids) {
        keep.add(key);
        continue;
      }
      ids.add(o.eventId);
      byKey.set(key, [...(byKey.get(key) ?? []), o.eventId]);
    }
    const subjectKey: ProfileKey = `subject#${subject}`;
    const others = [...byKey].filter(([key]) => key !== subjectKey);
    await settleLimited(
      others.map(
        ([key, ids]) =>
          () =>
            this.#removeObservations(key, ids),
      ),
      this.#writeConcurrency,
    );
    // The subject's own item last: its links are how the others are found, should this be retried.
    // Only the links it followed go (the item is not deleted): a link a concurrent writer has just
    // added leads that writer's own check to what it wrote (see forgetControlled).
    const unlinked = others.map(([key]) => key).filter((k) => !keep.has(k));
    await this.#removeObservations(subjectKey, byKey.get(subjectKey) ?? [], unlinked);
    return { observations: countsOf(Object.fromEntries(events)), profiles: byKey.size };
  }

  async retract(writes: readonly ProfileWrite[], unlink: boolean): Promise<void> {
    const byKey = new Map<ProfileKey, string[]>();
    for (const { observation, keys } of writes) {
      for (const key of keys) byKey.set(key, [...(byKey.get(key) ?? []), observation.eventId]);
    }
    const links = unlink ? linksOf(writes) : new Map<ProfileKey, Map<ProfileKey, number>>();
    await settleLimited(
      [...byKey].map(
        ([key, ids]) =>
          () =>
            this.#removeObservations(key, ids, [...(links.get(key)?.keys() ?? [])]),
      ),
      this.#writeConcurrency,
    );
  }

  async setAside(subject: SubjectPseudonym, held: readonly HeldObservation[]): Promise<void> {
    const byEvent = new Map<string, AsideEntry>();
    for (const { key, observation } of held) {
      const entry = byEvent.get(observation.eventId) ?? { observation, keys: [] };
      entry.keys.push(key);
      byEvent.set(observation.eventId, entry);
    }
    const entries = [...byEvent];
    const ttl = entries.reduce((m, [, e]) => Math.max(m, e.observation.expiresAt), 0);
    for (let i = 0; i < entries.length; i += PATHS_PER_UPDATE) {
      const names: Record<string, string> = { '#held': 'held', '#ttl': TTL_ATTRIBUTE };
      const values: Record<string, unknown> = { ':t': ttl };
      const sets = entries.slice(i, i + PATHS_PER_UPDATE).map(([id, entry], j) => {
        names[`#e${j}`] = encodeMapKey(id);
        values[`:e${j}`] = entry;
        return `#held.#e${j} = :e${j}`;
      });
      const Key = { pk: asidePk(subject) };
      await updateMapPaths(
        this.#client,
        {
          TableName: this.#table,
          Key,
          UpdateExpression: `SET ${sets.join(', ')}, #ttl = :t`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
        {
          TableName: this.#table,
          Key,
          UpdateExpression: 'SET #held = if_not_exists(#held, :empty)',
          ExpressionAttributeNames: { '#held': 'held' },
          ExpressionAttributeValues: { ':empty': {} },
        },
      );
    }
  }

  async heldAside(subject: SubjectPseudonym): Promise<HeldObservation[]> {
    const [item] = await this.#read([asidePk(subject)]);
    const entries = Object.values((item?.held ?? {}) as Record<string, AsideEntry>);
    return entries.flatMap(({ observation, keys }) => keys.map((key) => ({ key, observation })));
  }

  async dropAside(subject: SubjectPseudonym): Promise<void> {
    await this.#client.send(new DeleteCommand({ TableName: this.#table, Key: { pk: asidePk(subject) } }));
  }

  /**
   * Every observation of the subject, expired ones too, with the profile holding it: the
   * subject's item (read consistently) names the other profiles in its links; each of those is
   * read and searched for the subject's pseudonym (older observations trimmed from the subject's
   * own profile may still sit in an entity's).
   */
  async #held(subject: SubjectPseudonym): Promise<HeldObservation[]> {
    const [item] = await this.#read([`subject#${subject}`]);
    if (!item) return [];
    const items = [item, ...(await this.#read(linkedKeys(item)))];
    return items.flatMap((item) =>
      storedObservations(item)
        .filter((o) => o.subject === subject)
        .map((observation) => ({ key: item.pk as ProfileKey, observation })),
    );
  }

  /** Items by key, read consistently and decoded without losing any map key. */
  #read(pks: readonly string[]): Promise<Item[]> {
    return batchGetAll(this.#client, this.#table, pks, this.#retry);
  }

  /**
   * Removes observations (and links) from one item; a missing item has nothing left to remove.
   * An item the removal left with neither observations nor links (as the last update returns it)
   * is deleted: its key is a pseudonym (of a device, a card, the subject itself) that nothing may
   * hold once the subject is erased. The delete is conditioned on the item being empty, so a
   * concurrent writer's observation or link keeps it (and a writer that finds it gone creates it
   * again: see updateMapPaths).
   */
  async #removeObservations(
    key: ProfileKey,
    ids: readonly string[],
    links: readonly ProfileKey[] = [],
  ): Promise<void> {
    const paths = [
      ...ids.flatMap((id) => storedNamesOf(id).map((name) => ['#obs', name] as const)),
      ...links.map((k) => ['#links', encodeMapKey(k)] as const),
    ];
    let left: Item | undefined;
    for (let i = 0; i < paths.length; i += PATHS_PER_UPDATE) {
      const names: Record<string, string> = { '#pk': 'pk' };
      const removes = paths.slice(i, i + PATHS_PER_UPDATE).map(([parent, name], j) => {
        names[parent] = parent.slice(1);
        names[`#r${j}`] = name;
        return `${parent}.#r${j}`;
      });
      const update = new UpdateCommand({
        TableName: this.#table,
        Key: { pk: key },
        UpdateExpression: `REMOVE ${removes.join(', ')}`,
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: names,
        ReturnValues: 'ALL_NEW',
      });
      left = (await ignoringConditionFailure(this.#client.send(update)))?.Attributes;
    }
    const isEmpty = (map: unknown) => Object.keys(map ?? {}).length === 0;
    if (!left || !isEmpty(left.obs) || !isEmpty(left.links)) return;
    const deleteIfEmpty = new DeleteCommand({
      TableName: this.#table,
      Key: { pk: key },
      ConditionExpression: 'size(#obs) = :none AND (attribute_not_exists(#links) OR size(#links) = :none)',
      ExpressionAttributeNames: { '#obs': 'obs', '#links': 'links' },
      ExpressionAttributeValues: { ':none': 0 },
    });
    await ignoringConditionFailure(this.#client.send(deleteIfEmpty));
  }
}
