import { describe, expect, it } from 'vitest';
import { sessionReplay } from '../../../src/rules/behaviour/session-replay.ts';
import { ProfileView, minutes } from '../../../src/rules/rule.ts';
import type { EventFacts } from '../../../src/shared/facts.ts';
import type { Observation } from '../../../src/shared/profile.ts';
import {
  FACT_AT,
  aBrowseFact,
  anOrderFact,
  aSnapshot,
  anObservation,
  pseudonym,
} from '../../factories/facts.ts';

const S = sessionReplay.defaults;

/** The session's first event, `agoMinutes` before, in the victim's browser on the victim's network. */
const began = (agoMinutes: number, overrides: Partial<Observation> = {}): Observation =>
  anObservation({ at: FACT_AT - minutes(agoMinutes), ...overrides });

/** An event of the default session from another browser on another network. */
const elsewhere = (make: (o: object) => EventFacts = aBrowseFact) =>
  make({ ip: { network: pseudonym('network-2') }, userAgent: { id: pseudonym('ua-2') } });

const evaluate = (event: EventFacts, session: Observation[]) =>
  sessionReplay.evaluate(event, new ProfileView(aSnapshot(event, { client: session })), S);

describe('SESSION_REPLAY', () => {
  it('flags a session that continues in another browser on another network', () => {
    // Prepare
    const event = elsewhere(anOrderFact);

    // Act
    const finding = evaluate(event, [began(90), began(89, { kind: 'browse' })]);

    // Assess
    expect(finding).toEqual({
      message:
        'this session began 90 min earlier in another browser on another network: its cookie was replayed',
      evidence: { minutesSinceStart: 90, signedIn: true },
    });
  });

  it('leaves a session alone that only changes network (a phone off the Wi-Fi) or only browser (an update)', () => {
    // Prepare
    const newNetwork = aBrowseFact({ ip: { network: pseudonym('network-2') } });
    const newBrowser = aBrowseFact({ userAgent: { id: pseudonym('ua-2') } });

    // Act
    const findings = [newNetwork, newBrowser].map((event) => evaluate(event, [began(30)]));

    // Assess
    expect(findings).toEqual([undefined, undefined]);
  });

  it('reads the session within windowMinutes only, and never a client without a session id', () => {
    // Prepare
    const sessionless = { ...elsewhere(), sessionless: true as const };

    // Act
    const findings = [
      evaluate(elsewhere(), [began(S.windowMinutes + 1)]),
      evaluate(sessionless, [began(30)]),
    ];

    // Assess
    expect(findings).toEqual([undefined, undefined]);
  });
});
