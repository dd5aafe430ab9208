import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { arrayOf, readContainer, writeContainer } from '../../../src/shared/ip-data/container.ts';

const dir = mkdtempSync(join(tmpdir(), 'vigil-container-'));

describe('container files', () => {
  it('give back the arrays and meta written, as views on the file', () => {
    // Prepare
    const path = join(dir, 'round-trip.bin');
    const arrays = {
      starts: Uint32Array.of(0, 256, 0xffff_ffff),
      lat: Int16Array.of(-9_000, 5_221, 9_000),
      area: Uint16Array.of(1, 1_000),
    };

    // Act
    writeContainer(path, { source: 'test', countries: ['NL'] }, arrays);
    const read = readContainer(path);

    // Assess
    expect(read.meta).toEqual({ source: 'test', countries: ['NL'] });
    expect([...arrayOf(read, 'starts', Uint32Array)]).toEqual([0, 256, 0xffff_ffff]);
    expect([...arrayOf(read, 'lat', Int16Array)]).toEqual([-9_000, 5_221, 9_000]);
    expect([...arrayOf(read, 'area', Uint16Array)]).toEqual([1, 1_000]);
    for (const array of read.arrays.values()) expect(array.byteOffset % 8).toBe(0);
  });

  it('names the file and the problem when it is not a container', () => {
    // Prepare
    const path = join(dir, 'not-one.bin');
    writeFileSync(path, 'GIF89a, not IP data');

    // Act
    const act = () => readContainer(path);

    // Assess
    expect(act).toThrow(`${path}: not a Vigil IP data file (no VIGILIP1 magic)`);
  });

  it('refuses a truncated file', () => {
    // Prepare
    const path = join(dir, 'truncated.bin');
    writeContainer(path, {}, { starts: new Uint32Array(1_000) });
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 8));

    // Act
    const act = () => readContainer(path);

    // Assess
    expect(act).toThrow(`${path}: array starts: truncated`);
  });

  it('refuses an array asked for as another type', () => {
    // Prepare
    const path = join(dir, 'typed.bin');
    writeContainer(path, {}, { lat: Int16Array.of(1) });

    // Act
    const act = () => arrayOf(readContainer(path), 'lat', Uint16Array);

    // Assess
    expect(act).toThrow('IP data: no Uint16Array lat');
  });
});
