import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { crowdsecPeersDir, devSetPath, sharedDir } from '../../bench/shared-data.ts';

describe('the shared data folder', () => {
  it('is the folder VIGIL_SHARED_DIR names, resolved from the working directory', () => {
    // Prepare
    const env = { VIGIL_SHARED_DIR: 'some/data' };

    // Act
    const paths = [sharedDir(env), devSetPath(env), crowdsecPeersDir(env)];

    // Assess
    expect(paths).toEqual([
      resolve('some/data'),
      resolve('some/data/eval/events.ndjson.gz'),
      resolve('some/data/peer/crowdsec'),
    ]);
  });

  it('is the folder shared beside the repository without VIGIL_SHARED_DIR', () => {
    // Prepare
    const root = fileURLToPath(new URL('../..', import.meta.url));

    // Act
    const dir = sharedDir({});

    // Assess
    expect(dir).toBe(join(root, '..', 'shared'));
  });
});
