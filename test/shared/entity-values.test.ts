import { describe, expect, it } from 'vitest';
import { entityPseudonym } from '../../src/shared/entity-values.ts';
import { factsOf, testPseudonymiser } from '../factories/pipeline.ts';
import { aLogin } from '../factories/events.ts';

const p = testPseudonymiser();

describe('entityPseudonym', () => {
  it('gives the pseudonyms the pipeline gives the same identifiers, whatever their spelling', () => {
    // Prepare
    const facts = factsOf(
      aLogin({ ip: '::ffff:145.53.12.7', deviceId: 'd-7f3a', login: { username: 'Anna@Example.nl ' } }),
    );

    // Act
    const given = {
      ip: entityPseudonym('ip', '145.53.12.7', p),
      network: entityPseudonym('network', '145.53.12.200', p),
      prefix: entityPseudonym('network', '145.53.12.0/24', p),
      username: entityPseudonym('username', 'anna@example.nl', p),
      device: entityPseudonym('device', 'd-7f3a', p),
    };

    // Assess
    expect(given).toEqual({
      ip: facts.ip.id,
      network: facts.ip.network,
      prefix: facts.ip.network,
      username: facts.username,
      device: facts.device,
    });
  });

  it('gives none for an address or network that is not one', () => {
    // Act
    const answers = [entityPseudonym('ip', 'example.org', p), entityPseudonym('network', '10.0.0.0/8x', p)];

    // Assess
    expect(answers).toEqual([undefined, undefined]);
  });
});
