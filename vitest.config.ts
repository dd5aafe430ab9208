import { defineConfig } from 'vitest/config';
import ClosingLineReporter from './test/support/closing-line-reporter.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/support/ip-data-setup.ts'],
    // A bound for a hung test, not a pace: the suites must pass on a busy two-core machine, where
    // the emulators' heavier tests take several times their quiet-machine time.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    reporters: ['default', new ClosingLineReporter()],
  },
});
