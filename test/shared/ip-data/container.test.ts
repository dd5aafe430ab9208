import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Column, openContainer, writeContainer } from '../../../src/shared/ip-data/container.ts';

const dir = mkdtempSync(join(tmpdir(), 'vigil-container-'));

/** Every element of a column, read one by one. */
const all = (column: Column) => Array.from({ length: column.length }, (_, i) => column.at(i));

describe('container files', () => {
  it('give back the arrays and meta written', () => {
    // Prepare
    const path = join(dir, 'round-trip.bin');
    const arrays = {
      starts: Uint32Array.of(0, 256, 0xffff_ffff),
      lat: Int16Array.of(-9_000, 5_221, 9_000),
      area: Uint16Array.of(1, 1_000),
    };

    // Act
    writeContainer(path, { source: 'test', countries: ['NL'] }, arrays);
    const read = openContainer(path);

    // Assess
    expect(read.meta).toEqual({ source: 'test', countries: ['NL'] });
    expect(all(read.column('starts', Uint32Array))).toEqual([0, 256, 0xffff_ffff]);
    expect(all(read.column('lat', Int16Array))).toEqual([-9_000, 5_221, 9_000]);
    expect(all(read.column('area', Uint16Array))).toEqual([1, 1_000]);
    expect(read.column('area', Uint16Array).at(2)).toBeUndefined();
    read.close();
  });

  it('read only the pages a lookup touches, each once, across page boundaries', () => {
    // Prepare: 3 MB of columns, 16 KiB pages of the Uint32 one.
    const path = join(dir, 'paged.bin');
    const big = Uint32Array.from({ length: 500_000 }, (_, i) => i * 3);
    const small = Int16Array.from({ length: 500_000 }, (_, i) => (i % 60_000) - 30_000);
    writeContainer(path, {}, { big, small });
    const read = openContainer(path);
    const header = read.file.bytesRead();

    // Act
    const values = [0, 4_095, 4_096, 4_097, 499_999, 4_096].map((i) => read.column('big', Uint32Array).at(i));
    const afterBig = read.file.bytesRead() - header;
    const last = read.column('small', Int16Array).at(499_999);

    // Assess: pages 0, 1 and the last of `big`, the last of `small`; page 1 read once.
    expect(values).toEqual([0, 4_095 * 3, 4_096 * 3, 4_097 * 3, 499_999 * 3, 4_096 * 3]);
    expect(afterBig).toBe(2 * 16_384 + (500_000 % 4_096) * 4);
    expect(last).toBe((499_999 % 60_000) - 30_000);
    expect(read.file.bytes).toBe(readFileSync(path).length);
    expect(read.file.bytesRead()).toBeLessThan(read.file.bytes / 20);
    read.close();
  });

  it('names the file and the problem when it is not a container', () => {
    // Prepare
    const path = join(dir, 'not-one.bin');
    writeFileSync(path, 'GIF89a, not IP data');

    // Act
    const act = () => openContainer(path);

    // Assess
    expect(act).toThrow(`${path}: not a Vigil IP data file (no VIGILIP1 magic)`);
  });

  it('refuses a truncated file when it is opened, before any lookup', () => {
    // Prepare
    const path = join(dir, 'truncated.bin');
    writeContainer(path, {}, { starts: new Uint32Array(1_000) });
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 8));

    // Act
    const act = () => openContainer(path);

    // Assess
    expect(act).toThrow(`${path}: array starts: truncated`);
  });

  it('refuses an array asked for as another type, or not there', () => {
    // Prepare
    const path = join(dir, 'typed.bin');
    writeContainer(path, {}, { lat: Int16Array.of(1) });
    const read = openContainer(path);

    // Act
    const asOther = () => read.column('lat', Uint16Array);
    const missing = () => read.column('lon', Int16Array);

    // Assess
    expect(asOther).toThrow(`${path}: no Uint16Array lat`);
    expect(missing).toThrow(`${path}: no Int16Array lon`);
    read.close();
  });
});
