import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/rules/config.ts';
import { Detector } from '../../src/pipeline/detector.ts';
import { consumeBatch } from '../../src/pipeline/consume.ts';
import { InMemoryAlertWriter, InMemoryDeadLetterWriter } from '../support/memory-writers.ts';
import { aKinesisEvent, toStreamRecords } from '../factories/kinesis.ts';
import { PrefetchedLists, listedEntitiesOf } from '../../src/pipeline/lists.ts';
import { InMemoryDecisionLog } from '../../src/shared/memory/decisions.ts';
import { InMemoryEntityLists } from '../../src/shared/memory/entity-lists.ts';
import { InMemoryProfileStore } from '../../src/shared/memory/profiles.ts';
import { InMemorySubjectData } from '../support/memory-subject-data.ts';
import type { SubjectControls } from '../../src/shared/profile.ts';
import type { EntityListReader, EntityRef, ListEntry } from '../../src/shared/ports/entity-lists.ts';
import type { Decision } from '../../src/shared/decision.ts';
import { FIXTURE_NOW_MS, aLogin, anOrder } from '../factories/events.ts';
import { aListEntry, aPseudonym } from '../factories/lists.ts';
import { factsOf, iso, testPseudonymiser } from '../factories/pipeline.ts';

const pseudonymiser = testPseudonymiser();
const DAY_MS = 86_400_000;

/** A detector over empty in-memory stores and `lists`, its clock at {@link FIXTURE_NOW_MS}. */
function aDetector(lists: EntityListReader, store = new InMemoryProfileStore()) {
  const deps = { store, pseudonymiser, config: resolveConfig(), lists, now: () => FIXTURE_NOW_MS };
  return new Detector({ ...deps, decisions: new InMemoryDecisionLog({ now: () => FIXTURE_NOW_MS }) });
}

/** An entry on this list made a day before the detector's clock, for 30 days. */
function anEntry(overrides: Partial<ListEntry>): ListEntry {
  return aListEntry({
    createdAt: iso(FIXTURE_NOW_MS - DAY_MS),
    expiresAt: iso(FIXTURE_NOW_MS + 30 * DAY_MS),
    ...overrides,
  });
}

async function decisionOf(detector: Detector, event: unknown): Promise<Decision> {
  const verdict = await detector.process(event);
  if (verdict.kind !== 'decision') throw new Error(`expected a decision, got ${verdict.error}`);
  return verdict.decision;
}

/** A login from a scripted client: the rules alone flag it. */
const aScriptedLogin = () => aLogin({ userAgent: 'python-requests/2.31.0' });

describe('Detector with entity lists', () => {
  it('denies an order whose shipping address has a deny entry', async () => {
    // Prepare
    const lists = new InMemoryEntityLists();
    const address = pseudonymiser.of('address', 'ADDR-drop-7');
    await lists.put(anEntry({ list: 'deny', kind: 'address', entity: address }));

    // Act
    const decision = await decisionOf(
      aDetector(lists),
      anOrder({ order: { shippingAddressId: 'ADDR-drop-7' } }),
    );

    // Assess
    expect(decision).toMatchObject({ decision: 'deny', score: 100 });
    expect(decision.reasons.find((r) => r.code === 'ENTITY_DENIED')?.evidence.entity).toBe(address);
  });

  it('keeps a flagged login of an allowed customer at allow, the rules’ reasons shown with no points', async () => {
    // Prepare
    const control = await decisionOf(aDetector(new InMemoryEntityLists()), aScriptedLogin());
    const lists = new InMemoryEntityLists();
    await lists.put(
      anEntry({ list: 'allow', kind: 'subject', entity: pseudonymiser.of('subject', 'C1000231') }),
    );

    // Act
    const decision = await decisionOf(aDetector(lists), aScriptedLogin());

    // Assess
    expect(control.decision).not.toBe('allow');
    expect(decision).toMatchObject({ decision: 'allow', score: 0 });
    expect(decision.reasons.map((r) => r.code)).toEqual([
      ...control.reasons.map((r) => r.code),
      'ENTITY_ALLOWED',
    ]);
    expect(decision.reasons.every((r) => r.points === 0)).toBe(true);
  });

  it('ignores an entry that expired before the processing clock, whatever the event time', async () => {
    // Prepare
    const lists = new InMemoryEntityLists();
    const ip = pseudonymiser.of('ip', '145.53.12.7');
    await lists.put(anEntry({ kind: 'ip', entity: ip, expiresAt: iso(FIXTURE_NOW_MS - 1) }));

    // Act
    const decision = await decisionOf(aDetector(lists), aLogin());

    // Assess
    expect(decision.reasons.map((r) => r.code)).not.toContain('ENTITY_DENIED');
  });

  describe("under the customer's controls (ADR 0011)", () => {
    const customer = pseudonymiser.of('subject', 'C1000231');
    const device = pseudonymiser.of('device', 'd-7f3a');

    /** The codes of the decision on a login of the customer, with these entries and controls. */
    async function codesUnder(controls: SubjectControls, entries: Partial<ListEntry>[]): Promise<string[]> {
      const store = new InMemorySubjectData();
      await store.setControls(customer, controls);
      const lists = new InMemoryEntityLists();
      for (const entry of entries) await lists.put(anEntry({ list: 'deny', ...entry }));
      return (await decisionOf(aDetector(lists, store), aLogin())).reasons.map((r) => r.code);
    }

    it('sets a deny entry on the customer aside while a restriction stands', async () => {
      // Act
      const codes = await codesUnder({ restriction: { at: FIXTURE_NOW_MS - DAY_MS } }, [
        { kind: 'subject', entity: customer },
      ]);

      // Assess
      expect(codes).toContain('PROFILING_SUPPRESSED');
      expect(codes).not.toContain('ENTITY_DENIED');
    });

    it('still applies a deny entry on the device under a restriction: it was made about the device', async () => {
      // Act
      const codes = await codesUnder({ restriction: { at: FIXTURE_NOW_MS - DAY_MS } }, [
        { kind: 'subject', entity: customer },
        { kind: 'device', entity: device },
      ]);

      // Assess
      expect(codes).toContain('ENTITY_DENIED');
    });

    it("applies a deny entry on the customer under an objection: an analyst's decision, not profiling", async () => {
      // Act
      const codes = await codesUnder({ objection: { scope: 'profiling', at: FIXTURE_NOW_MS - DAY_MS } }, [
        { kind: 'subject', entity: customer },
      ]);

      // Assess
      expect(codes).toEqual(expect.arrayContaining(['PROFILING_SUPPRESSED', 'ENTITY_DENIED']));
    });
  });

  it('fails the event when the lists cannot be read, as when the profiles cannot: the stream retries it', async () => {
    // Prepare
    const failing: EntityListReader = { lookup: () => Promise.reject(new Error('lists down')) };

    // Act
    const processing = aDetector(failing).process(aLogin());

    // Assess
    await expect(processing).rejects.toThrow('lists down');
  });

  it('answers the read-only assessment on the rules without profile when the lists cannot be read', async () => {
    // Prepare
    const failing: EntityListReader = { lookup: () => Promise.reject(new Error('lists down')) };
    const detector = Detector.readOnly({
      store: new InMemoryProfileStore(),
      pseudonymiser,
      config: resolveConfig(),
      lists: failing,
      now: () => FIXTURE_NOW_MS,
    });

    // Act
    const assessed = await detector.assess(anOrder());

    // Assess
    expect(assessed).toMatchObject({ kind: 'decision', unread: { message: 'lists down' } });
  });

  it('honours a deny entry on the read-only assessment too', async () => {
    // Prepare
    const lists = new InMemoryEntityLists();
    await lists.put(anEntry({ kind: 'device', entity: pseudonymiser.of('device', 'd-7f3a') }));
    const detector = Detector.readOnly({
      store: new InMemoryProfileStore(),
      pseudonymiser,
      config: resolveConfig(),
      lists,
      now: () => FIXTURE_NOW_MS,
    });

    // Act
    const assessed = await detector.assess(anOrder());

    // Assess
    expect(assessed).toMatchObject({ kind: 'decision', decision: { decision: 'deny' } });
  });
});

describe('listedEntitiesOf', () => {
  it('names every entity of an order an entry can be about', () => {
    // Prepare
    const facts = factsOf(
      anOrder({ userAgent: 'Mozilla/5.0', order: { paymentFingerprint: 'fp-1', shippingAddressId: 'A-1' } }),
    );

    // Act
    const kinds = listedEntitiesOf(facts).map((ref) => ref.kind);

    // Assess
    expect(kinds).toEqual(['subject', 'ip', 'network', 'device', 'userAgent', 'payment', 'address']);
  });
});

/** A reader that counts its lookups and the entities asked. */
class CountingReader implements EntityListReader {
  readonly asked: EntityRef[][] = [];
  readonly #inner = new InMemoryEntityLists();

  put(entry: ListEntry) {
    return this.#inner.put(entry);
  }

  lookup(entities: readonly EntityRef[], now: number) {
    this.asked.push([...entities]);
    return this.#inner.lookup(entities, now);
  }
}

describe('PrefetchedLists', () => {
  it('reads a batch’s entities in one lookup and answers each event from it', async () => {
    // Prepare
    const inner = new CountingReader();
    const entry = anEntry({ kind: 'ip', entity: aPseudonym(1) });
    await inner.put(entry);
    const lists = new PrefetchedLists(inner);
    const ip1 = { kind: 'ip', entity: aPseudonym(1) } as const;
    const ip2 = { kind: 'ip', entity: aPseudonym(2) } as const;

    // Act
    await lists.prefetch([ip1, ip2, ip1], FIXTURE_NOW_MS);
    const first = await lists.lookup([ip1], FIXTURE_NOW_MS);
    const second = await lists.lookup([ip2], FIXTURE_NOW_MS);

    // Assess
    expect(inner.asked).toEqual([[ip1, ip2]]);
    expect(first).toEqual([entry]);
    expect(second).toEqual([]);
  });

  it('asks the inner reader for an entity it did not prefetch, and for all when the prefetch failed', async () => {
    // Prepare
    let fail = true;
    const inner = new CountingReader();
    const flaky: EntityListReader = {
      lookup: (entities, now) =>
        fail ? Promise.reject(new Error('throttled')) : inner.lookup(entities, now),
    };
    const lists = new PrefetchedLists(flaky);
    const ip1 = { kind: 'ip', entity: aPseudonym(1) } as const;

    // Act
    await lists.prefetch([ip1], FIXTURE_NOW_MS);
    fail = false;
    await lists.lookup([ip1], FIXTURE_NOW_MS);

    // Assess
    expect(inner.asked).toEqual([[ip1]]);
  });
});

describe('consumeBatch with entity lists', () => {
  it("reads the batch's entries in one lookup and denies the event of a denied device", async () => {
    // Prepare
    const lists = new CountingReader();
    await lists.put(anEntry({ kind: 'device', entity: pseudonymiser.of('device', 'd-mule') }));
    const events = [aLogin(), aLogin({ deviceId: 'd-mule' }), anOrder()];

    // Act
    const result = await consumeBatch(toStreamRecords(aKinesisEvent(events)), {
      store: new InMemoryProfileStore(),
      decisions: new InMemoryDecisionLog({ now: () => FIXTURE_NOW_MS }),
      pseudonymiser,
      config: resolveConfig(),
      alerts: new InMemoryAlertWriter(),
      deadLetters: new InMemoryDeadLetterWriter(),
      lists,
      now: () => FIXTURE_NOW_MS,
    });

    // Assess
    expect(lists.asked).toHaveLength(1);
    expect(result.decisions.map((d) => d.decision.decision)).toEqual([
      expect.any(String),
      'deny',
      expect.any(String),
    ]);
    expect(result.alerts.map((a) => a.alertId)).toContain(events[1]!.eventId);
  });
});
