import type { Random } from './random.ts';

/** The ground truth of one event, kept apart from the events (as `../shared/eval` keeps it). */
export interface Label {
  eventId: string;
  label: 'fraud' | 'legit';
  /** The threat family or legitimate population the event belongs to. */
  family: string;
  /** The attack incident, for fraud events; null for legitimate ones. */
  incident: string | null;
}

/** Who an event is attributed to: a legitimate population, or one attack incident. */
export type Tag = { fraud: false; family: string } | { fraud: true; family: string; incident: string };

export const legit = (family: string): Tag => ({ fraud: false, family });
export const attack = (family: string, incident: string): Tag => ({ fraud: true, family, incident });

/** What stays the same over one visit: where from, with what, as whom. */
export interface Visit {
  ip: string;
  userAgent?: string;
  deviceId?: string;
  sessionId?: string;
  customerId?: string;
}

/** A new session cookie value. */
export const newSessionId = (rng: Random): string => `s-${rng.hex(18)}`;

/** A contract v1 event as generated (checked against the contract parser by the tests and the runner). */
export type ContractEvent = Record<string, unknown> & { eventId: string; occurredAt: string; type: string };

export interface LoginFields {
  username: string;
  outcome: 'success' | 'failure';
  failureReason?: 'bad_password' | 'unknown_user' | 'locked' | 'mfa_failed';
  method?: 'password' | 'sso' | 'mfa' | 'token';
}

export interface OrderFields {
  amountMinor: number;
  itemCount: number;
  paymentMethod: 'card' | 'ideal' | 'paypal' | 'invoice' | 'bank_transfer' | 'other';
  paymentFingerprint?: string;
  billingCountry: string;
  shippingCountry: string;
  shippingAddressId?: string;
  accountCreatedAt?: number;
}

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/**
 * The event time as producers write it: the web shop in Amsterdam local time with milliseconds
 * (`+01:00` in the winter window generated here), the apps in UTC.
 */
export function occurredAt(ms: number, utc: boolean): string {
  if (utc) return new Date(ms).toISOString();
  return `${new Date(ms + HOUR).toISOString().slice(0, -1)}+01:00`;
}

/**
 * The world a scenario is written into: its time window, its random source, and the events
 * with their labels. Generators call `login`, `browse` and `order`; `finish` sorts by time.
 */
export class World {
  readonly #events: { at: number; n: number; event: ContractEvent; tag: Tag }[] = [];
  readonly #ids = new Set<string>();
  readonly #idRng: Random;

  constructor(
    rng: Random,
    /** Start of the window, epoch ms. */
    readonly start: number,
    readonly days: number,
  ) {
    this.#idRng = rng.fork('event-ids');
  }

  get end(): number {
    return this.start + this.days * DAY;
  }

  login(at: number, visit: Visit, login: LoginFields, tag: Tag): void {
    this.#add(at, 'login', visit, { login: { ...login } }, tag);
  }

  browse(at: number, visit: Visit, path: string, kind: string | undefined, tag: Tag): void {
    this.#add(at, 'browse', visit, { browse: kind ? { path, kind } : { path } }, tag);
  }

  order(at: number, visit: Visit, order: OrderFields, tag: Tag): string {
    const orderId = `O-${this.#idRng.hex(10)}`;
    const { accountCreatedAt, ...rest } = order;
    const body: Record<string, unknown> = { orderId, currency: 'EUR', ...rest };
    if (accountCreatedAt !== undefined) body.accountCreatedAt = new Date(accountCreatedAt).toISOString();
    this.#add(at, 'order', visit, { order: body }, tag);
    return orderId;
  }

  /** The events in time order (stable for equal times) and their labels, in the same order. */
  finish(): { events: ContractEvent[]; labels: Label[] } {
    const sorted = this.#events.slice().sort((a, b) => a.at - b.at || a.n - b.n);
    return {
      events: sorted.map((e) => e.event),
      labels: sorted.map(({ event, tag }) => ({
        eventId: event.eventId,
        label: tag.fraud ? 'fraud' : 'legit',
        family: tag.family,
        incident: tag.fraud ? tag.incident : null,
      })),
    };
  }

  #add(at: number, type: string, visit: Visit, body: object, tag: Tag): void {
    const ms = Math.round(at);
    const app = visit.userAgent !== undefined && !visit.userAgent.startsWith('Mozilla/');
    const event: ContractEvent = {
      schemaVersion: 1,
      eventId: this.#newId(),
      type,
      occurredAt: occurredAt(ms, app),
      ...withoutUndefined(visit),
      ...body,
    };
    this.#events.push({ at: ms, n: this.#events.length, event, tag });
  }

  #newId(): string {
    for (;;) {
      const id = `ev-${this.#idRng.hex(16)}`;
      if (!this.#ids.has(id)) {
        this.#ids.add(id);
        return id;
      }
    }
  }
}

function withoutUndefined(visit: Visit): Partial<Visit> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(visit)) if (v !== undefined) out[k] = v;
  return out;
}
