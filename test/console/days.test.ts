import { describe, expect, it } from 'vitest';
import { everyDay } from '../../src/console/days.ts';

describe('everyDay', () => {
  it('fills the days without alerts between and either side with zeros', () => {
    // Prepare
    const days = [
      { day: '2026-12-30', alerts: 3, fraud: 1, legitimate: 1 },
      { day: '2027-01-02', alerts: 5, fraud: 0, legitimate: 2 },
    ];

    // Act
    const filled = everyDay(days);

    // Assess
    expect(filled.map((d) => [d.day, d.alerts])).toEqual([
      ['2026-12-29', 0],
      ['2026-12-30', 3],
      ['2026-12-31', 0],
      ['2027-01-01', 0],
      ['2027-01-02', 5],
      ['2027-01-03', 0],
    ]);
  });

  it('draws nothing for a rule without days', () => {
    // Act + Assess
    expect(everyDay([])).toEqual([]);
  });
});
