import { describe, expect, it } from 'vitest';
import { offRhythm } from '../../src/rules/sign-in.ts';
import type { GlobalBucket } from '../../src/shared/profile.ts';
import { FACT_AT, aGlobalBucket } from '../factories/facts.ts';

const HOUR = 3_600_000;
const S = { attackerOffRhythm: 0.5, rhythmMinLogins: 500, rhythmMaxNats: 2.5 };

/** A week of hour buckets before FACT_AT (noon UTC): `night` successful logins an hour from 00 to 06, `day` the rest. */
const week = (night: number, day: number): GlobalBucket[] =>
  Array.from({ length: 7 * 24 }, (_, i) => {
    const start = FACT_AT - (7 * 24 - i) * HOUR;
    const quiet = new Date(start).getUTCHours() < 7;
    return aGlobalBucket({ start, countries: { NL: quiet ? night : day } });
  });

describe('offRhythm', () => {
  it("weighs an hour the shop's customers keep quiet against an attacker at any hour half the time", () => {
    // Prepare: 14 of the 4,652 sign-ins up to 03:00 today were at 03:00
    const at = FACT_AT - 9 * HOUR;

    // Act
    const nats = offRhythm(at, week(2, 40), S);

    // Assess: customers (14 + 1) / (4,652 + 24); attacker 0.5 / 24 + 0.5 × that: ln 6.99
    expect(nats).toBeCloseTo(1.95, 2);
  });

  it('says nothing at a busy hour, or before the counters hold enough sign-ins', () => {
    // Prepare
    const night = FACT_AT - 9 * HOUR;

    // Act
    const found = [offRhythm(FACT_AT, week(2, 40), S), offRhythm(night, week(0, 2), S)];

    // Assess
    expect(found).toEqual([undefined, undefined]);
  });

  it('caps an hour without any sign-in at rhythmMaxNats', () => {
    // Prepare
    const at = FACT_AT - 9 * HOUR;

    // Act
    const nats = offRhythm(at, week(0, 40), S);

    // Assess
    expect(nats).toBe(2.5);
  });
});
