/**
 * Imported first by the API suites: the Powertools logger and metrics read their settings when
 * they are constructed (on the first import of `src/shared/observability.ts`), and the handlers'
 * per-request log lines and EMF metrics would drown the test output.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
