import { defineConfig } from 'vitest/config';
import ClosingLineReporter from './test/support/closing-line-reporter.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/support/ip-data-setup.ts'],
    testTimeout: 20_000,
    reporters: ['default', new ClosingLineReporter()],
  },
});
