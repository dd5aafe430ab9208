import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_ID_PATTERN } from '../../../src/shared/contract/events.ts';
import { PROTOTYPE_NAMES } from '../../../src/shared/map-keys.ts';
import type { Observation, ProfileKey, SignalKind } from '../../../src/shared/profile.ts';
import type { ProfileWrite } from '../../../src/shared/profile.ts';
import type { Pseudonym } from '../../../src/shared/pseudonymise.ts';
import { SubjectRights } from '../../../src/rights/subject-rights.ts';
import { testPseudonymiser } from '../../factories/pipeline.ts';
import type { ProfileStore } from '../../../src/shared/ports/profiles.ts';
import type { SubjectStoreUnderTest } from './subject-data.contract.ts';

const T0 = Date.parse('2026-11-24T08:00:00Z');
const DAY_S = 86_400;
const pseudonymiser = testPseudonymiser();

/** Names that break a plain object used as a dictionary, and the store's own escape character. */
const SPECIAL = [...PROTOTYPE_NAMES, 'prototype', '~', '~__proto__', '~~', '__proto__ '];

/** Event ids: the special names the contract's pattern allows, and any id it allows. */
const eventIds = fc.oneof(
  fc.constantFrom(...SPECIAL.filter((name) => EVENT_ID_PATTERN.test(name))),
  fc.stringMatching(EVENT_ID_PATTERN),
);
/** Customer ids (the contract: any 1–128 characters). */
const customerIds = fc.oneof(fc.constantFrom(...SPECIAL), fc.string({ minLength: 1, maxLength: 128 }));
/** What the store sees of usernames, devices and sessions: their pseudonyms, here any text at all. */
const entities = fc.oneof(fc.constantFrom(...SPECIAL), fc.string({ minLength: 1, maxLength: 40 }));

const KINDS = ['login', 'browse', 'search', 'order'] as const satisfies readonly SignalKind[];

const events = fc.uniqueArray(
  fc.record({
    eventId: eventIds,
    kind: fc.constantFrom(...KINDS),
    /** 0: the customer erased below; 1: another customer, who keeps everything. */
    owner: fc.constantFrom(0, 1),
    minute: fc.nat(600),
    username: entities,
    device: entities,
    client: entities,
  }),
  { selector: (e) => e.eventId, minLength: 1, maxLength: 12 },
);

type GeneratedEvent = typeof events extends fc.Arbitrary<(infer E)[]> ? E : never;

/** The write of one generated event: to its subject's, its username's, device's and session's profiles. */
function toWrite(e: GeneratedEvent, customers: readonly string[]): ProfileWrite {
  const at = T0 + e.minute * 60_000;
  const subject = pseudonymiser.of('subject', customers[e.owner]!);
  const observation: Observation = {
    eventId: e.eventId,
    kind: e.kind,
    at,
    expiresAt: Math.floor(at / 1000) + 30 * DAY_S,
    subject,
    username: e.username as Pseudonym,
    device: e.device as Pseudonym,
  };
  const keys: ProfileKey[] = [
    `subject#${subject}`,
    `username#${e.username}`,
    `device#${e.device}`,
    `client#${e.client}`,
  ];
  return { observation, keys };
}

/** Every key's observations, as `<key> <eventId>` lines, sorted. */
async function stored(store: ProfileStore, keys: readonly ProfileKey[]): Promise<string[]> {
  const { profiles } = await store.load(keys, T0, { shopWide: false });
  return [...profiles.values()].flatMap((p) => p.observations.map((o) => `${p.key} ${o.eventId}`)).sort();
}

const lines = (writes: readonly ProfileWrite[]) =>
  [...new Set(writes.flatMap((w) => w.keys.map((k) => `${k} ${w.observation.eventId}`)))].sort();

/**
 * Whatever a producer names its events, customers, usernames, devices and sessions (prototype
 * names of JavaScript objects such as `__proto__` and `constructor` among them), every
 * observation written is read back, exported, and erased. Run by each adapter's test file.
 */
export function describeMapKeysContract(
  name: string,
  makeStore: () => Promise<SubjectStoreUnderTest>,
  numRuns: number,
): void {
  describe(`map keys from outside: ${name}`, () => {
    it(
      'reads back, exports and erases every observation, whatever its ids are named',
      async () => {
        await fc.assert(
          fc.asyncProperty(
            events,
            fc.uniqueArray(customerIds, { minLength: 2, maxLength: 2 }),
            async (generated, customers) => {
              // Prepare
              const { store, close } = await makeStore();
              const { profiles, subjects } = store;
              const rights = new SubjectRights({
                store: subjects,
                profiles,
                receipts: { saveReceipt: async () => {}, findReceipt: async () => undefined },
                alerts: { ofSubject: async () => [], eraseSubject: async () => 0 },
                deadLetters: { eraseSubject: async () => 0 },
                pseudonymiser,
                now: () => T0,
              });
              const writes = generated.map((e) => toWrite(e, customers));
              const keys = [...new Set(writes.flatMap((w) => w.keys))];
              const erased = writes.filter((w) => w.observation.subject === rights.subjectOf(customers[0]!));

              // Act
              await profiles.record(writes);
              const readBack = await stored(profiles, keys);
              const exported = await rights.export(customers[0]!);
              await rights.erase(customers[0]!);
              const left = await stored(profiles, keys);
              const heldAfter = await subjects.observationsOf(rights.subjectOf(customers[0]!), 0);
              await close();

              // Assess
              expect(readBack).toEqual(lines(writes));
              expect(exported.signals.map((s) => s.eventId).sort()).toEqual(
                erased.map((w) => w.observation.eventId).sort(),
              );
              expect(heldAfter).toEqual([]);
              expect(left).toEqual(lines(writes.filter((w) => !erased.includes(w))));
            },
          ),
          { numRuns },
        );
      },
      numRuns * 5_000,
    );
  });
}
