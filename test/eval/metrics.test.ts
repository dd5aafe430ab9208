import { describe, expect, it } from 'vitest';
import { type FalseAlarm, type Scored, measure, median, rocAuc, worstOf } from '../../src/eval/metrics.ts';
import type { Label } from '../../src/eval/model.ts';

const allow = (score = 0): Scored => ({ score, flagged: false, decision: 'allow', reasons: [] });
const flag = (score: number, code = 'X'): Scored => ({
  score,
  flagged: true,
  decision: score >= 80 ? 'deny' : 'review',
  reasons: [{ code, points: score }],
});
const fraud = (eventId: string, family: string, incident: string): Label => ({
  eventId,
  label: 'fraud',
  family,
  incident,
});
const ok = (eventId: string, family = 'normal'): Label => ({
  eventId,
  label: 'legit',
  family,
  incident: null,
});

describe('rocAuc', () => {
  it('is 1 when every positive outscores every negative, 0 the other way round', () => {
    expect(rocAuc([50, 60], [0, 10, 20])).toBe(1);
    expect(rocAuc([0, 10], [20, 30])).toBe(0);
  });

  it('counts ties as half', () => {
    expect(rocAuc([10], [10])).toBe(0.5);
    // Positive 10 beats 0 (1), ties 10 (0.5), loses to 20 (0); positive 30 beats all three.
    expect(rocAuc([10, 30], [0, 10, 20])).toBeCloseTo((1.5 + 3) / 6, 12);
  });

  it('is null without positives or negatives', () => {
    expect(rocAuc([], [1])).toBeNull();
    expect(rocAuc([1], [])).toBeNull();
  });
});

describe('median', () => {
  it('takes the middle, or the mean of the two middles', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});

describe('measure', () => {
  // Prepare: incident a (3 events, flagged from its 3rd, 20 s after its start), incident b
  // (2 events, never flagged), 4 legitimate events of which one flagged, one rejected.
  const labels: Label[] = [
    fraud('a1', 'stuffing', 'a'),
    ok('n1'),
    fraud('a2', 'stuffing', 'a'),
    fraud('b1', 'theft', 'b'),
    ok('n2', 'app'),
    fraud('a3', 'stuffing', 'a'),
    ok('n3', 'app'),
    fraud('b2', 'theft', 'b'),
    ok('n4'),
  ];
  const results: (Scored | undefined)[] = [
    allow(10),
    allow(0),
    allow(30),
    allow(0),
    flag(45, 'BOT_USER_AGENT'),
    flag(90),
    allow(0),
    allow(5),
    undefined,
  ];
  const times = [0, 1000, 5000, 6000, 7000, 20_000, 21_000, 22_000, 23_000];
  const r = measure('hand-made', labels, results, times);

  it('counts incidents caught, event recall and the legitimate flag rate', () => {
    expect(r.incidents).toBe(2);
    expect(r.caught).toBe(1);
    expect(r.eventRecall).toBeCloseTo(1 / 5, 12);
    expect(r.legitFlagRate).toBeCloseTo(1 / 4, 12);
    expect(r.invalid).toBe(1);
  });

  it('measures events and seconds to the first flag over caught incidents', () => {
    const stuffing = r.families.find((f) => f.family === 'stuffing')!;
    expect(stuffing).toMatchObject({
      incidents: 1,
      caught: 1,
      medianEventsToFlag: 2,
      medianSecondsToFlag: 20,
      flagged: 1,
      events: 3,
    });
    const theft = r.families.find((f) => f.family === 'theft')!;
    expect(theft).toMatchObject({ incidents: 1, caught: 0, medianEventsToFlag: null, flaggedShare: 0 });
  });

  it('gives a flag rate per legitimate population', () => {
    expect(r.families.find((f) => f.family === 'app')).toMatchObject({
      label: 'legit',
      events: 2,
      flagged: 1,
      flaggedShare: 0.5,
    });
    expect(r.families.find((f) => f.family === 'normal')).toMatchObject({ events: 2, flagged: 0 });
  });

  it('ranks by score: per family against all legitimate events, and overall', () => {
    // Legit scores 0, 45, 0, 0 (the rejected one as 0); stuffing 10, 30, 90; theft 0, 5.
    expect(r.families.find((f) => f.family === 'stuffing')!.rocAuc).toBeCloseTo((3 + 3 + 4) / 12, 12);
    expect(r.families.find((f) => f.family === 'theft')!.rocAuc).toBeCloseTo((1.5 + 3) / 8, 12);
    expect(r.rocAuc).toBeCloseTo((3 + 3 + 4 + 1.5 + 3) / 20, 12);
  });

  it('gives each reason code its likelihood ratio and the points it implies', () => {
    // Assess: X scored on 1 of 5 attack events and no legitimate one; BOT_USER_AGENT the other way.
    expect(r.signals).toEqual([
      {
        code: 'BOT_USER_AGENT',
        attackEvents: 0,
        legitEvents: 1,
        likelihoodRatio: expect.closeTo(0.5 / 5 / (1.5 / 4), 12),
        impliedPoints: -13,
      },
      {
        code: 'X',
        attackEvents: 1,
        legitEvents: 0,
        likelihoodRatio: expect.closeTo(2.4, 12),
        impliedPoints: 9,
      },
    ]);
  });

  it('derives the thresholds that meet the alert budget on the legitimate events', () => {
    // Assess: the legitimate scores are 0, 45, 0 and 0 (rejected); any flag of them is over 0.3 %.
    expect(r.calibration?.thresholds).toEqual({ review: 46, deny: 46 });
    expect(r.calibration?.events).toBe(4);
  });

  it('lists the false alarms with their reason codes', () => {
    expect(r.worstFalseAlarms).toEqual([
      { eventId: 'n2', family: 'app', score: 45, decision: 'review', reasons: 'BOT_USER_AGENT 45' },
    ]);
    expect(r.falseAlarmReasons).toEqual([{ code: 'BOT_USER_AGENT', count: 1 }]);
  });
});

describe('worstOf', () => {
  it('keeps the highest scores, at most two of a family', () => {
    // Prepare
    const alarm = (family: string, score: number): FalseAlarm => ({
      eventId: `${family}${score}`,
      family,
      score,
      decision: 'review',
      reasons: '',
    });
    const alarms = [alarm('app', 45), alarm('app', 50), alarm('app', 60), alarm('vpn', 40)];

    // Act
    const worst = worstOf(alarms, 3);

    // Assess
    expect(worst.map((a) => a.eventId)).toEqual(['app60', 'app50', 'vpn40']);
  });
});
