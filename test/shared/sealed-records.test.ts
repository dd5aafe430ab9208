import { describe, expect, it } from 'vitest';
import { RecordSealer } from '../../src/shared/sealed-records.ts';
import { toLine, aLogin } from '../factories/events.ts';
import { testKey } from '../factories/pipeline.ts';

describe('RecordSealer', () => {
  it('opens what it sealed, byte for byte, and shows nothing of it in the sealed text', () => {
    // Prepare
    const sealer = new RecordSealer(testKey());
    const line = toLine(aLogin({ customerId: 'C1000231', ip: '145.53.12.7' }));

    // Act
    const sealed = sealer.seal(Buffer.from(line));

    // Assess
    expect(sealed).toMatch(/^v1:[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toMatch(/C1000231|145\.53\.12\.7/);
    expect(sealer.open(sealed).toString('utf8')).toBe(line);
  });

  it('seals the same record differently each time (a fresh nonce)', () => {
    // Prepare
    const sealer = new RecordSealer(testKey());

    // Act
    const [a, b] = [sealer.seal('same'), sealer.seal('same')];

    // Assess
    expect(a).not.toBe(b);
    expect(sealer.open(a).toString()).toBe('same');
    expect(sealer.open(b).toString()).toBe('same');
  });

  it('refuses an altered record, another key and another key version, saying which', () => {
    // Prepare
    const sealer = new RecordSealer(testKey());
    const sealed = sealer.seal('{"eventId":"x"}');
    const body = sealed.slice(sealed.indexOf('.') + 1);
    const flipped = `${sealed.slice(0, sealed.indexOf('.') + 1)}${body[0] === 'A' ? 'B' : 'A'}${body.slice(1)}`;

    // Act
    const attempts = [
      () => sealer.open(flipped),
      () => new RecordSealer(testKey({ secret: Buffer.alloc(32, 7) })).open(sealed),
      () => new RecordSealer(testKey({ version: 'v2' })).open(sealed),
      () => sealer.open('not sealed'),
    ];

    // Assess
    expect(attempts[0]).toThrow(/authentication failed/);
    expect(attempts[1]).toThrow(/authentication failed/);
    expect(attempts[2]).toThrow(/sealed under key v1, this key is v2/);
    expect(attempts[3]).toThrow(/not in the form/);
  });
});
