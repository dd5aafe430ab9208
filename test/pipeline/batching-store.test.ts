import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/shared/decision.ts';
import { resolveConfig } from '../../src/rules/config.ts';
import { Detector } from '../../src/pipeline/detector.ts';
import { demoTraffic } from '../../src/demo/traffic.ts';
import { BatchingProfileStore } from '../../src/pipeline/batching-store.ts';
import { consumeBatch } from '../../src/pipeline/consume.ts';
import { InMemoryAlertWriter, InMemoryDeadLetterWriter } from '../support/memory-writers.ts';
import { InMemoryProfileStore } from '../../src/shared/memory/profiles.ts';
import { aKinesisEvent, toStreamRecords } from '../factories/kinesis.ts';
import { testPseudonymiser } from '../factories/pipeline.ts';
import { describeProfileStoreContract } from '../shared/ports/profiles.contract.ts';
import { InMemoryDecisionLog } from '../../src/shared/memory/decisions.ts';
import { describeDecisionLogContract } from '../shared/ports/decisions.contract.ts';

// Within one batch the batching store must behave as a profile store itself.
const aBatchingStore = () => new BatchingProfileStore(new InMemoryProfileStore(), new InMemoryDecisionLog());
describeProfileStoreContract('batching over in-memory', async () => ({
  store: aBatchingStore(),
  close: async () => {},
}));
describeDecisionLogContract('batching over in-memory', async () => ({
  store: aBatchingStore(),
  close: async () => {},
}));

describe('consumeBatch over a batching store', () => {
  it('decides demo traffic in batches exactly as the detector does one event at a time', async () => {
    // Prepare
    const events = [...demoTraffic({ customers: 150, days: 1, start: '2026-11-23' })];
    const now = () => Date.parse('2026-11-25T00:00:00Z');
    const config = resolveConfig();
    const single = new Detector({
      store: new InMemoryProfileStore(),
      decisions: new InMemoryDecisionLog(),
      pseudonymiser: testPseudonymiser(),
      config,
      now,
    });
    const alerts = new InMemoryAlertWriter();
    const deps = {
      store: new InMemoryProfileStore(),
      decisions: new InMemoryDecisionLog(),
      pseudonymiser: testPseudonymiser(),
      config,
      alerts,
      deadLetters: new InMemoryDeadLetterWriter(),
      now,
    };

    // Act
    const expected: Decision[] = [];
    for (const event of events) {
      const verdict = await single.process(event);
      if (verdict.kind === 'decision') expected.push(verdict.decision);
    }
    const batched: Decision[] = [];
    for (let i = 0; i < events.length; i += 100) {
      const result = await consumeBatch(toStreamRecords(aKinesisEvent(events.slice(i, i + 100))), deps);
      expect(result.batchItemFailures).toEqual([]);
      batched.push(...result.decisions.map((d) => d.decision));
    }

    // Assess
    expect(events.length).toBeGreaterThan(500);
    expect(batched).toEqual(expected);
    const flagged = expected.filter((d) => d.decision !== 'allow').map((d) => d.eventId);
    expect(flagged.length).toBeGreaterThan(0);
    expect([...alerts.alerts.keys()].sort()).toEqual([...new Set(flagged)].sort());
  });
});
