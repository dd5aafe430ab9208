/**
 * The demo traffic's events as the shop's services write them: the login service (UTC, now and
 * then IPv4-mapped addresses), the web shop and the checkout (shop time), each with ids of its
 * own; each goes into the queue with its label beside it.
 */
import type {
  BrowseEvent,
  FailureReason,
  LoginEvent,
  LoginMethod,
  OrderEvent,
  VigilEvent,
} from '../shared/contract/events.ts';
import type { Page } from './catalogue.ts';
import type { LabelledEvent } from './options.ts';
import type { Queue } from './queue.ts';
import type { Rng } from './random.ts';
import { localTime } from './time.ts';

/** Who sends an event: the envelope fields besides the id and time. */
export interface Client {
  ip: string;
  customerId?: string;
  sessionId?: string;
  deviceId?: string;
  userAgent?: string;
}

/** What an event really was: its label, scenario and incident. */
export type Tag = Omit<LabelledEvent, 'event'>;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * An event in the contract's field order. Its id is the producer's prefix and
 * a ULID: the event time, then 80 random bits.
 */
function makeEvent(
  rng: Rng,
  source: 'auth' | 'web' | 'chk',
  type: VigilEvent['type'],
  occurredAt: string,
  at: number,
  client: Client,
  body: object,
): VigilEvent {
  let id = '';
  for (let rest = at, i = 0; i < 10; i++, rest = Math.floor(rest / 32)) id = CROCKFORD[rest % 32] + id;
  for (let i = 0; i < 4; i++) {
    let bits = Math.floor(rng.next() * 0x100000);
    for (let j = 0; j < 4; j++, bits >>= 5) id += CROCKFORD[bits & 31];
  }
  const e: Record<string, unknown> = { schemaVersion: 1, eventId: `${source}-${id}`, type, occurredAt };
  e.ip = client.ip;
  if (client.customerId !== undefined) e.customerId = client.customerId;
  if (client.sessionId !== undefined) e.sessionId = client.sessionId;
  if (client.deviceId !== undefined) e.deviceId = client.deviceId;
  if (client.userAgent !== undefined) e.userAgent = client.userAgent;
  e[type] = body;
  return e as unknown as VigilEvent;
}

export const sessionId = (rng: Rng): string => `s-${rng.hex(20)}`;

/** Writes the events of the shop's services into the queue, each with its tag. */
export class Emitter {
  readonly #queue: Queue;

  constructor(queue: Queue) {
    this.#queue = queue;
  }

  #emit(at: number, event: VigilEvent, tag: Tag): void {
    this.#queue.push(at, { event, ...tag });
  }

  #login(rng: Rng, at: number, client: Client, login: LoginEvent['login'], tag: Tag): void {
    // The login service writes UTC and, behind its dual-stack proxy, now and then IPv4 as IPv4-mapped IPv6.
    const ip = client.ip.includes('.') && rng.chance(0.05) ? `::ffff:${client.ip}` : client.ip;
    const occurredAt = new Date(at).toISOString();
    this.#emit(at, makeEvent(rng, 'auth', 'login', occurredAt, at, { ...client, ip }, login), tag);
  }

  loginSucceeded(
    rng: Rng,
    at: number,
    client: Client,
    username: string,
    tag: Tag,
    method: LoginMethod | null = 'password',
  ): void {
    this.#login(rng, at, client, { username, outcome: 'success', ...(method && { method }) }, tag);
  }

  /** A failed login; without `customerId` for `unknown_user`, as the contract has it. */
  loginFailed(rng: Rng, at: number, client: Client, username: string, reason: FailureReason, tag: Tag): void {
    const { customerId, ...anonymous } = client;
    const sender = reason === 'unknown_user' ? anonymous : { ...anonymous, customerId };
    this.#login(
      rng,
      at,
      sender,
      { username, outcome: 'failure', failureReason: reason, method: 'password' },
      tag,
    );
  }

  browse(rng: Rng, at: number, client: Client, [path, kind, searchQuery]: Page, tag: Tag): void {
    const browse: BrowseEvent['browse'] =
      searchQuery === undefined ? { path, kind } : { path, kind, searchQuery };
    this.#emit(at, makeEvent(rng, 'web', 'browse', localTime(at), at, client, browse), tag);
  }

  order(
    rng: Rng,
    at: number,
    client: Client,
    tag: Tag,
    order: Omit<OrderEvent['order'], 'orderId' | 'currency'>,
  ): void {
    const body = { orderId: `O-${rng.int(10_000_000, 99_999_999)}`, currency: 'EUR', ...order };
    this.#emit(at, makeEvent(rng, 'chk', 'order', localTime(at), at, client, body), tag);
  }
}
