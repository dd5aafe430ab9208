import '../api/quiet.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApi } from '../api/support.ts';
import { testPseudonymiser } from '../factories/pipeline.ts';
import { vigilInProcess } from '../support/vigil.ts';

let api: ApiHarness;
let target: string[];

beforeAll(async () => {
  api = await startApi();
  target = ['--api-url', api.gateway.url, '--token', api.gateway.tokens.analyst];
});
afterAll(async () => {
  await api.close();
});

describe('vigil lists', () => {
  it('adds an entry by raw value, lists it and removes it, through the API', async () => {
    // Prepare
    const entity = testPseudonymiser().of('address', 'ADDR-drop-9');

    // Act
    const added = await vigilInProcess([
      'lists',
      ...target,
      'add',
      'deny',
      'address',
      'ADDR-drop-9',
      'mule drop',
    ]);
    const listed = await vigilInProcess(['lists', ...target, 'ls', '--list', 'deny']);
    const removed = await vigilInProcess(['lists', ...target, 'remove', `deny.address.${entity}`]);
    const after = await vigilInProcess(['lists', ...target, 'ls']);

    // Assess
    expect(added).toMatchObject({ status: 0, stderr: '' });
    expect(JSON.parse(added.stdout)).toMatchObject({
      entity,
      list: 'deny',
      kind: 'address',
      createdBy: 'local:analyst',
    });
    expect(added.stdout).not.toContain('ADDR-drop-9');
    expect(
      listed.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).entity),
    ).toEqual([entity]);
    expect(removed.status).toBe(0);
    expect(after.stdout).toBe('');
  });

  it("reports the API's field-named error and exits 1", async () => {
    // Act
    const answer = await vigilInProcess(['lists', ...target, 'add', 'deny', 'ip', 'not an address', 'x']);

    // Assess
    expect(answer.status).toBe(1);
    expect(answer.stderr).toContain('value: expected an IP address');
    expect(answer.stderr).not.toContain('not an address');
  });
});
