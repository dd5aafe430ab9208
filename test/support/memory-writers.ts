/** The consumer's writers in memory, for tests that need no table: what was written, by key. */
import type { Alert, AlertWriter } from '../../src/shared/ports/alerts.ts';
import type { DeadLetter, DeadLetterWriter } from '../../src/shared/ports/dead-letters.ts';

/** Alerts in memory, by alertId. */
export class InMemoryAlertWriter implements AlertWriter {
  readonly alerts = new Map<string, Alert>();
  async write(alerts: readonly Alert[]): Promise<void> {
    for (const alert of alerts) this.alerts.set(alert.alertId, alert);
  }
}

/** Dead letters in memory, by SHA-256. */
export class InMemoryDeadLetterWriter implements DeadLetterWriter {
  readonly letters = new Map<string, DeadLetter>();
  async write(letters: readonly DeadLetter[]): Promise<void> {
    for (const letter of letters) this.letters.set(letter.sha256, letter);
  }
}
