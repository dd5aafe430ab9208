import { cpSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureIpData } from '../../src/ip-data-builder/build.ts';
import { GEO_FILE, ipDataDir, NETWORKS_FILE } from '../../src/shared/ip-data/load.ts';

describe('ensureIpData', () => {
  it('leaves tables built from the current sources alone', () => {
    // Act (the global setup built them)
    const result = ensureIpData();

    // Assess
    expect(result).toMatchObject({ dir: ipDataDir(), built: false });
    expect(result.files[GEO_FILE]).toBe(statSync(join(ipDataDir(), GEO_FILE)).size);
    expect(result.ms).toBeLessThan(5_000);
  });

  it('builds them again when they were built from other sources', { timeout: 120_000 }, () => {
    // Prepare: a copy whose manifest names other sources, and a networks file that is not one.
    const dir = mkdtempSync(join(tmpdir(), 'vigil-ip-data-'));
    cpSync(ipDataDir(), dir, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { fingerprint: string };
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, fingerprint: 'older sources' }));
    writeFileSync(join(dir, NETWORKS_FILE), 'stale');
    const lines: string[] = [];

    // Act
    const result = ensureIpData(dir, (line) => lines.push(line));

    // Assess
    expect(result.built).toBe(true);
    expect(readFileSync(join(dir, NETWORKS_FILE))).toEqual(readFileSync(join(ipDataDir(), NETWORKS_FILE)));
    expect(readFileSync(join(dir, GEO_FILE)).equals(readFileSync(join(ipDataDir(), GEO_FILE)))).toBe(true);
    expect(lines.at(-1)).toMatch(/^ip data: built in \d+\.\d s into /);
  });
});
