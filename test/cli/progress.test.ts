import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { startProgress } from '../../src/cli/progress.ts';

/** A stream that says whether it is a terminal, and keeps what is written to it. */
function aStream(isTTY: boolean): { stream: NodeJS.WriteStream; written: () => string } {
  const stream = Object.assign(new PassThrough(), { isTTY, columns: 80 }) as unknown as NodeJS.WriteStream;
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  return { stream, written: () => chunks.join('') };
}

describe('startProgress', () => {
  it('draws the line on a terminal and clears it when stopped', async () => {
    // Prepare
    const { stream, written } = aStream(true);
    let count = 0;

    // Act
    const progress = startProgress(() => `${count} events`, stream);
    count = 7;
    progress.update();
    progress.stop();
    await new Promise((resolve) => setImmediate(resolve));

    // Assess
    const text = written();
    expect(text).toContain('0 events');
    expect(text).toContain('7 events');
    // Cleared at the end: the cursor back at the start of the line, and the line erased.
    expect(text.endsWith('\x1b[2K')).toBe(true);
  });

  it('writes nothing, and never renders, when the stream is no terminal', async () => {
    // Prepare
    const { stream, written } = aStream(false);
    let rendered = 0;

    // Act
    const progress = startProgress(() => `${++rendered} events`, stream);
    progress.update();
    progress.stop();
    await new Promise((resolve) => setImmediate(resolve));

    // Assess
    expect(written()).toBe('');
    expect(rendered).toBe(0);
  });
});
