/**
 * Imported first by bench/run.ts: the Lambda handlers the bench runs in process log and emit
 * metrics through Powertools instances that read their settings once, when first imported. The
 * local stack quiets them through the environment, but the bench imports the API modules (and
 * with them those instances) before any stack starts: without this, every consumer batch would
 * print a log line and an EMF document, and the figures would measure the terminal.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
