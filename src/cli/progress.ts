/**
 * A one-line progress display on standard error, only when it is a terminal
 * (so logs and pipes stay clean), redrawn at most four times a second.
 */
export class Progress {
  readonly #enabled: boolean;
  #last = 0;

  constructor(enabled = process.stderr.isTTY === true) {
    this.#enabled = enabled;
  }

  update(render: () => string): void {
    if (!this.#enabled) return;
    const now = Date.now();
    if (now - this.#last < 250) return;
    this.#last = now;
    process.stderr.write(`\r\x1b[K${render()}`);
  }

  done(): void {
    if (this.#enabled) process.stderr.write('\r\x1b[K');
  }
}
