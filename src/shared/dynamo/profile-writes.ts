/**
 * How the profile adapter appends a batch's observations to one profile item: in one UpdateItem
 * when the load before it saw the item, in two or three otherwise. docs/storage.md ("One request
 * per profile per batch") explains the plan and why it is safe against concurrent writers.
 */
import type { DynamoDBDocumentClient, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { decodeMapKey, encodeMapKey } from '../map-keys.ts';
import type { Observation, ProfileKey } from '../profile.ts';
import { TTL_ATTRIBUTE } from '../tables.ts';
import {
  type ObservationMeta,
  PATHS_PER_UPDATE,
  encodeObservation,
  removable,
  storedObservations,
} from './profile-items.ts';
import { type Item, updateIgnoringConditionFailure, updateMapPaths } from './updates.ts';

/**
 * Links kept per subject item at most: a customer's own profile holds at most 144 observations,
 * each linking to a handful of profiles; far more is an attacker's account, whose links must not
 * grow the item towards DynamoDB's 400 KB limit.
 */
const LINKS_MAX = 1_000;
/** Paths of the one-request write (`#obs.#e123 = :o123, ` is 21 characters: 150 stay below 4 KB). */
const PATHS_PER_KNOWN_UPDATE = 150;

/** What a load saw of a profile item: enough to plan the next write. */
export interface KnownItem {
  exists: boolean;
  /** The item's `ttl` (0 when it has none). */
  ttl: number;
  /** Every observation the item held, expired ones included (they are due for removal). */
  observations: ObservationMeta[];
  /** A subject item's links (entity profile key to expiry); undefined when the item has none. */
  links?: Map<ProfileKey, number>;
}

/** What a load saw of a profile item (undefined: none), its observations decoded already. */
export function knownOf(item: Item | undefined, stored: readonly Observation[]): KnownItem {
  if (!item) return { exists: false, ttl: 0, observations: [] };
  const observations = stored.map(({ eventId, kind, at, expiresAt }) => ({ eventId, kind, at, expiresAt }));
  const known: KnownItem = {
    exists: true,
    ttl: (item[TTL_ATTRIBUTE] as number | undefined) ?? 0,
    observations,
  };
  if (item.links) {
    const links = Object.entries(item.links as Record<string, number>);
    known.links = new Map(links.map(([name, exp]) => [decodeMapKey(name) as ProfileKey, exp]));
  }
  return known;
}

/** What the one-request write of a known item changes. */
interface KnownChanges {
  sets: readonly Observation[];
  removes: readonly string[];
  linkSets: readonly [ProfileKey, number][];
  linkRemoves: readonly ProfileKey[];
}

/** Appends observations (and a subject's links) to the items of one profiles table. */
export class ProfileItemWriter {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(options: { client: DynamoDBDocumentClient; table: string }) {
    this.#client = options.client;
    this.#table = options.table;
  }

  /**
   * Appends a batch's observations to one profile: in one request when its state is known.
   *
   * @param links for a subject's profile: the entity profiles the same events went to, with the
   *   latest expiry of what links them (the map `links` of the item)
   * @param known what the last load saw of the item, if it is remembered
   */
  async append(
    key: ProfileKey,
    observations: Observation[],
    links: Map<ProfileKey, number> | undefined,
    known: KnownItem | undefined,
  ): Promise<void> {
    if (known && (await this.#appendKnown(key, observations, known, links))) return;
    await this.#appendUnknown(key, observations, links);
  }

  /**
   * The one-request write of an item whose state is known.
   *
   * @returns false when the item was not as remembered (nothing was written then).
   */
  async #appendKnown(
    key: ProfileKey,
    observations: Observation[],
    known: KnownItem,
    links: Map<ProfileKey, number> | undefined,
  ): Promise<boolean> {
    const nowS = Math.max(...observations.map((o) => o.at)) / 1000;
    // An item written before it had links cannot take `links.#k` paths: the general path creates the map.
    if (links && known.exists && !known.links) return false;
    const { linkSets, linkRemoves } = linkChanges(known.links, links, nowS);
    const incoming = new Set(observations.map((o) => o.eventId));
    const all = [...known.observations.filter((o) => !incoming.has(o.eventId)), ...observations];
    const removals = new Set(removable(all, nowS));
    // A new observation that is already expired or among the oldest is simply not written.
    const sets = observations.filter((o) => !removals.has(o.eventId));
    const removes = known.observations.filter((o) => removals.has(o.eventId)).map((o) => o.eventId);
    const paths = sets.length + removes.length + linkSets.length + linkRemoves.length;
    if (paths > PATHS_PER_KNOWN_UPDATE) return false;
    if (paths === 0) return true;
    const wantTtl = all.filter((o) => !removals.has(o.eventId)).reduce((m, o) => Math.max(m, o.expiresAt), 0);
    if (!known.exists) {
      return updateIgnoringConditionFailure(
        this.#client,
        createWhole(this.#table, key, sets, links, wantTtl),
      );
    }
    const raise = wantTtl > known.ttl ? wantTtl : undefined;
    const update = (ttl: number | undefined) =>
      knownUpdate(this.#table, key, { sets, removes, linkSets, linkRemoves }, ttl);
    if (await updateIgnoringConditionFailure(this.#client, update(raise))) return true;
    // The item exists (it did at the load), so a failed condition is a concurrent writer that
    // raised `ttl` at least as far: the same update without the raise is as safe (removals from
    // a stale state only drop expired or oldest observations), and one more request beats the
    // general path's several.
    return raise !== undefined && updateIgnoringConditionFailure(this.#client, update(undefined));
  }

  /**
   * The general path for a profile whose state is not known: set the observations' paths (the
   * map created first when missing) and read the item back, then trim it and raise its `ttl`.
   */
  async #appendUnknown(
    key: ProfileKey,
    observations: Observation[],
    links: Map<ProfileKey, number> | undefined,
  ): Promise<void> {
    const maxExpiresAt = Math.max(...observations.map((o) => o.expiresAt));
    const create = links
      ? 'SET #obs = if_not_exists(#obs, :empty), #links = if_not_exists(#links, :empty), #ttl = if_not_exists(#ttl, :t)'
      : 'SET #obs = if_not_exists(#obs, :empty), #ttl = if_not_exists(#ttl, :t)';
    let item: Item | undefined;
    for (let i = 0; i < observations.length; i += PATHS_PER_UPDATE) {
      const chunk = observations.slice(i, i + PATHS_PER_UPDATE);
      const names: Record<string, string> = { '#obs': 'obs', '#ttl': TTL_ATTRIBUTE };
      const values: Record<string, unknown> = { ':t': maxExpiresAt };
      const sets = chunk.map((o, j) => {
        names[`#e${j}`] = encodeMapKey(o.eventId);
        values[`:o${j}`] = encodeObservation(o);
        return `#obs.#e${j} = :o${j}`;
      });
      if (links && i === 0) {
        names['#links'] = 'links';
        [...links].forEach(([k, exp], j) => {
          names[`#l${j}`] = encodeMapKey(k);
          values[`:l${j}`] = exp;
          sets.push(`#links.#l${j} = :l${j}`);
        });
      }
      item = await updateMapPaths(
        this.#client,
        {
          TableName: this.#table,
          Key: { pk: key },
          UpdateExpression: `SET ${sets.join(', ')}, #ttl = if_not_exists(#ttl, :t)`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        },
        {
          TableName: this.#table,
          Key: { pk: key },
          UpdateExpression: create,
          ExpressionAttributeNames: {
            '#obs': 'obs',
            '#ttl': TTL_ATTRIBUTE,
            ...(links ? { '#links': 'links' } : {}),
          },
          ExpressionAttributeValues: { ':empty': {}, ':t': maxExpiresAt },
        },
      );
    }
    if (!item) return;
    const nowS = Math.max(...observations.map((o) => o.at)) / 1000;
    const stored = storedObservations(item);
    const removals = removable(stored, nowS);
    const kept = stored.filter((o) => !removals.includes(o.eventId));
    const wantTtl = kept.reduce((m, o) => Math.max(m, o.expiresAt), 0);
    const raise = wantTtl > ((item[TTL_ATTRIBUTE] as number | undefined) ?? 0) ? wantTtl : undefined;
    await this.#tidy(key, removals, raise);
  }

  /**
   * The follow-up UpdateItem(s) of the general path: remove these map keys and raise `ttl` to
   * `raise`. `ttl` must only ever grow and update expressions have no `max()`, so the raise is
   * conditioned on `ttl < :t`; when that fails the removals are sent again without it.
   */
  async #tidy(key: ProfileKey, removals: string[], raise: number | undefined): Promise<void> {
    for (let i = 0; i < removals.length || (i === 0 && raise !== undefined); i += PATHS_PER_UPDATE) {
      const chunk = removals.slice(i, i + PATHS_PER_UPDATE);
      const withRaise = i === 0 ? raise : undefined;
      const send = (ttl: number | undefined) =>
        updateIgnoringConditionFailure(this.#client, tidyUpdate(this.#table, key, chunk, ttl));
      const applied = await send(withRaise);
      // The raise lost to a later one (or the item is gone): the removals still have to happen.
      if (!applied && withRaise !== undefined && chunk.length > 0) await send(undefined);
    }
  }
}

/**
 * The links to set (new, or expiring later than stored) and to remove (expired and not written
 * again), bounded like the observations: beyond {@link LINKS_MAX} the links that expire first go.
 */
function linkChanges(
  stored: Map<ProfileKey, number> | undefined,
  links: Map<ProfileKey, number> | undefined,
  nowS: number,
): Pick<KnownChanges, 'linkSets' | 'linkRemoves'> {
  const linkSets = [...(links ?? [])].filter(([k, exp]) => exp > (stored?.get(k) ?? 0));
  const linkRemoves = [...(stored ?? [])].filter(([k, exp]) => exp <= nowS && !links?.has(k)).map(([k]) => k);
  const linkCount = (stored?.size ?? 0) + linkSets.filter(([k]) => !stored?.has(k)).length;
  if (linkCount - linkRemoves.length > LINKS_MAX) {
    const gone = new Set(linkRemoves);
    const oldest = [...(stored ?? [])].filter(([k]) => !gone.has(k) && !links?.has(k));
    oldest.sort((a, b) => a[1] - b[1]);
    for (const [k] of oldest.slice(0, linkCount - linkRemoves.length - LINKS_MAX)) linkRemoves.push(k);
  }
  return { linkSets, linkRemoves };
}

/** A new profile item created whole, on the condition that it does not exist yet. */
function createWhole(
  table: string,
  key: ProfileKey,
  sets: readonly Observation[],
  links: Map<ProfileKey, number> | undefined,
  ttl: number,
): UpdateCommandInput {
  return {
    TableName: table,
    Key: { pk: key },
    UpdateExpression: `SET #obs = :map, #ttl = :t${links ? ', #links = :links' : ''}`,
    ConditionExpression: 'attribute_not_exists(#pk)',
    ExpressionAttributeNames: {
      '#pk': 'pk',
      '#obs': 'obs',
      '#ttl': TTL_ATTRIBUTE,
      ...(links ? { '#links': 'links' } : {}),
    },
    ExpressionAttributeValues: {
      ':t': ttl,
      ':map': Object.fromEntries(sets.map((o) => [encodeMapKey(o.eventId), encodeObservation(o)])),
      ...(links
        ? { ':links': Object.fromEntries([...links].map(([k, exp]) => [encodeMapKey(k), exp])) }
        : {}),
    },
  };
}

/**
 * The UpdateItem of an existing item whose state is known: set the new observations and links,
 * remove the ones pushed out, and raise `ttl` to `raise` (conditioned on it being lower) unless
 * undefined.
 */
function knownUpdate(
  table: string,
  key: ProfileKey,
  { sets, removes, linkSets, linkRemoves }: KnownChanges,
  raise: number | undefined,
): UpdateCommandInput {
  // DynamoDB rejects a name the expressions do not use: `#obs` only when an observation changes.
  const names: Record<string, string> = {
    '#pk': 'pk',
    ...(sets.length + removes.length > 0 ? { '#obs': 'obs' } : {}),
  };
  const values: Record<string, unknown> = {};
  const clauses: string[] = [];
  const assignments = sets.map((o, i) => {
    names[`#e${i}`] = encodeMapKey(o.eventId);
    values[`:o${i}`] = encodeObservation(o);
    return `#obs.#e${i} = :o${i}`;
  });
  let condition = 'attribute_exists(#pk)';
  if (raise !== undefined) {
    names['#ttl'] = TTL_ATTRIBUTE;
    values[':t'] = raise;
    assignments.push('#ttl = :t');
    condition += ' AND #ttl < :t';
  }
  if (linkSets.length + linkRemoves.length > 0) names['#links'] = 'links';
  linkSets.forEach(([k, exp], i) => {
    names[`#l${i}`] = encodeMapKey(k);
    values[`:l${i}`] = exp;
    assignments.push(`#links.#l${i} = :l${i}`);
  });
  if (assignments.length > 0) clauses.push(`SET ${assignments.join(', ')}`);
  removes.forEach((id, i) => (names[`#r${i}`] = encodeMapKey(id)));
  linkRemoves.forEach((k, i) => (names[`#u${i}`] = encodeMapKey(k)));
  const removals = [...removes.map((_, i) => `#obs.#r${i}`), ...linkRemoves.map((_, i) => `#links.#u${i}`)];
  if (removals.length > 0) clauses.push(`REMOVE ${removals.join(', ')}`);
  return updateInput(table, key, { clauses, condition, names, values });
}

/** The follow-up UpdateItem of the general path: remove these observations, raise `ttl` to `raise`. */
function tidyUpdate(
  table: string,
  key: ProfileKey,
  removals: readonly string[],
  raise: number | undefined,
): UpdateCommandInput {
  const names: Record<string, string> = { '#pk': 'pk' };
  const clauses: string[] = [];
  if (removals.length > 0) {
    names['#obs'] = 'obs';
    removals.forEach((id, j) => (names[`#r${j}`] = encodeMapKey(id)));
    clauses.push(`REMOVE ${removals.map((_, j) => `#obs.#r${j}`).join(', ')}`);
  }
  let condition = 'attribute_exists(#pk)';
  if (raise !== undefined) {
    names['#ttl'] = TTL_ATTRIBUTE;
    clauses.push('SET #ttl = :t');
    condition += ' AND (attribute_not_exists(#ttl) OR #ttl < :t)';
  }
  return updateInput(table, key, {
    clauses,
    condition,
    names,
    values: raise === undefined ? {} : { ':t': raise },
  });
}

/** One UpdateItem of a profile item; DynamoDB refuses an empty `ExpressionAttributeValues`. */
function updateInput(
  table: string,
  key: ProfileKey,
  update: {
    clauses: string[];
    condition: string;
    names: Record<string, string>;
    values: Record<string, unknown>;
  },
): UpdateCommandInput {
  const input: UpdateCommandInput = {
    TableName: table,
    Key: { pk: key },
    UpdateExpression: update.clauses.join(' '),
    ConditionExpression: update.condition,
    ExpressionAttributeNames: update.names,
  };
  if (Object.keys(update.values).length > 0) input.ExpressionAttributeValues = update.values;
  return input;
}
