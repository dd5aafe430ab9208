/**
 * Time in the demo traffic: the shop runs on Europe/Amsterdam, its services write their
 * timestamps each in their own way, and its traffic follows the hours of the day.
 */
import { rfc3339ToMs } from '../shared/contract/events.ts';
import type { Rng } from './random.ts';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const SLOT = 5 * MINUTE;

/** 01:00 UTC on the last Sunday of a month: when EU summer time starts (March) or ends (October). */
function lastSundayAt1Utc(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month + 1, 0, 1));
  return last.getTime() - last.getUTCDay() * DAY;
}

/** Summer time of the year last asked about: [year, start, end]. */
let summer: [number, number, number] = [NaN, 0, 0];

/** Minutes Amsterdam is ahead of UTC at `ms`. */
function amsterdamOffset(ms: number): 60 | 120 {
  const year = new Date(ms).getUTCFullYear();
  if (summer[0] !== year) summer = [year, lastSundayAt1Utc(year, 2), lastSundayAt1Utc(year, 9)];
  return ms >= summer[1] && ms < summer[2] ? 120 : 60;
}

/** RFC 3339 in shop time with milliseconds, as the web shop and the checkout write it. */
export function localTime(ms: number): string {
  const offset = amsterdamOffset(ms);
  return `${new Date(ms + offset * MINUTE).toISOString().slice(0, 23)}+0${offset / 60}:00`;
}

/** RFC 3339 in UTC without fractions, as the account database writes it. */
export function utcTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

export function localHour(ms: number): number {
  return Math.floor((ms + amsterdamOffset(ms) * MINUTE) / HOUR) % 24;
}

export function parseStart(text: string): number {
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (date) {
    const utcMidnight = Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]));
    if (new Date(utcMidnight).toISOString().slice(0, 10) === text) {
      return utcMidnight - amsterdamOffset(utcMidnight - HOUR) * MINUTE;
    }
  } else {
    const ms = rfc3339ToMs(text);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new Error(`start: expected YYYY-MM-DD or an RFC 3339 timestamp, got ${JSON.stringify(text)}`);
}

/** Relative traffic by local hour (mean 1): quiet nights, a lunch bump, a busy evening. */
export const DIURNAL = (() => {
  const raw = [
    2, 1, 0.6, 0.4, 0.4, 0.6, 1.2, 2.4, 3.4, 4, 4.4, 4.6, 4.8, 4.6, 4.4, 4.4, 4.6, 5, 5.8, 6.8, 7.4, 7,
  ];
  raw.push(5.4, 3.4);
  const mean = raw.reduce((a, b) => a + b, 0) / raw.length;
  return raw.map((w) => w / mean);
})();

/** A cursor through a session. */
export class Clock {
  constructor(
    public at: number,
    private readonly rng: Rng,
  ) {}

  /** Reading a page: seconds to a minute or two. */
  read(median = 14 * SECOND): number {
    this.at += Math.round(Math.min(4 * MINUTE, Math.max(1500, this.rng.lognormal(median, 0.8))));
    return this.at;
  }

  /** A pause of `min` to `max` ms. */
  wait(min: number, max: number): number {
    this.at += this.rng.int(min, max);
    return this.at;
  }
}
