import { describe, expect, it } from 'vitest';
import { shardOfEventId } from '../../src/pipeline/consume.ts';

describe('shardOfEventId', () => {
  it("reads the shard from a Lambda Kinesis record's eventID", () => {
    // Prepare
    const eventID = 'shardId-000000000006:49590338271490256608559692538361571095921575989136588898';

    // Act
    const shard = shardOfEventId(eventID);

    // Assess
    expect(shard).toBe('shardId-000000000006');
  });

  it('names the field and quotes nothing of an eventID without a shard', () => {
    // Prepare
    const eventID = 'C1000231-no-shard';

    // Act
    const read = () => shardOfEventId(eventID);

    // Assess
    expect(read).toThrow(/^eventID: /);
    expect(read).not.toThrow(/C1000231/);
  });
});
