import { describe, expect, it } from 'vitest';
import { once } from '../../src/shared/once.ts';

describe('once', () => {
  it('builds on the first call and hands every later call the same value', async () => {
    // Prepare
    let builds = 0;
    const deps = once(() => ({ build: ++builds }));

    // Act
    const first = await deps();
    const second = await deps();

    // Assess
    expect(first).toBe(second);
    expect(builds).toBe(1);
  });

  it('shares one build between calls that overlap it', async () => {
    // Prepare
    let builds = 0;
    let finish: (value: string) => void = () => {};
    const deps = once(() => {
      builds++;
      return new Promise<string>((resolve) => (finish = resolve));
    });

    // Act
    const pending = [deps(), deps()];
    await Promise.resolve();
    finish('built');
    const values = await Promise.all(pending);

    // Assess
    expect(values).toEqual(['built', 'built']);
    expect(builds).toBe(1);
  });

  it('forgets a failed build, so that the next call tries again', async () => {
    // Prepare
    let builds = 0;
    const deps = once(() => {
      if (++builds === 1) throw new Error('secret unreadable');
      return 'built';
    });

    // Act
    const failed = deps();
    await expect(failed).rejects.toThrow('secret unreadable');
    const retried = await deps();

    // Assess
    expect(retried).toBe('built');
    expect(builds).toBe(2);
  });
});
